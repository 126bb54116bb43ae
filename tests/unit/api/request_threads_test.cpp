// The threads behind the API's database requests: the worker pool and the
// batched reads by id (with a fetch function standing in for PostgreSQL).

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "api/batched_reads.hpp"
#include "api/worker_pool.hpp"

using api::BatchedReads;
using api::WorkerPool;
using core::domain::Customer;

namespace {

Customer customerWithId(std::int64_t id) {
  Customer c;
  c.id = id;
  c.name = "customer " + std::to_string(id);
  return c;
}

// A fetch that blocks until released, recording the ids of every call.
struct GatedFetch {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  std::vector<std::vector<std::int64_t>> calls;

  BatchedReads::Fetched operator()(const std::vector<std::int64_t>& ids) {
    std::unique_lock<std::mutex> lock(mutex);
    calls.push_back(ids);
    changed.notify_all();
    changed.wait(lock, [&] { return open; });
    std::unordered_map<std::int64_t, Customer> found;
    for (auto id : ids) {
      if (id % 2 == 0) found.emplace(id, customerWithId(id));  // odd ids do not exist
    }
    return found;
  }
  void waitForCalls(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(5), [&] { return calls.size() >= n; }));
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    open = true;
    changed.notify_all();
  }
};

}  // namespace

TEST_CASE(
    "the worker pool runs every task, on several threads, and runs the queue before it stops") {
  std::atomic<int> done{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(3);
    for (int i = 0; i < 200; ++i) {
      pool.post([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::lock_guard<std::mutex> lock(mutex);
        threads.insert(std::this_thread::get_id());
        ++done;
      });
    }
  }  // the destructor drains the queue
  CHECK(done == 200);
  CHECK(threads.size() == 3);
}

TEST_CASE("a task that throws does not take its worker down") {
  std::atomic<int> done{0};
  {
    WorkerPool pool(1);
    pool.post([] { throw std::runtime_error("boom"); });
    pool.post([&] { ++done; });
  }
  CHECK(done == 1);
}

TEST_CASE(
    "reads queued while a query runs go out together in the next query, each answered with its own "
    "row") {
  GatedFetch fetch;
  BatchedReads reads(1, 256, [&](const std::vector<std::int64_t>& ids) { return fetch(ids); });
  std::promise<BatchedReads::Found> first;
  reads.submit(2, [&](BatchedReads::Found found) { first.set_value(std::move(found)); });
  fetch.waitForCalls(1);  // the reader is now inside the first query

  std::vector<std::promise<BatchedReads::Found>> later(10);
  for (int i = 0; i < 10; ++i) {
    reads.submit(10 + i,
                 [&, i](BatchedReads::Found found) { later[i].set_value(std::move(found)); });
  }
  fetch.release();

  auto answer = first.get_future().get();
  REQUIRE(answer);
  REQUIRE(answer->has_value());
  CHECK((*answer)->id == 2);
  for (int i = 0; i < 10; ++i) {
    auto found = later[i].get_future().get();
    REQUIRE(found);
    const std::int64_t id = 10 + i;
    if (id % 2 == 0) {
      REQUIRE(found->has_value());
      CHECK((*found)->id == id);
      CHECK((*found)->name == "customer " + std::to_string(id));
    } else {
      CHECK_FALSE(found->has_value());
    }
  }
  std::lock_guard<std::mutex> lock(fetch.mutex);
  REQUIRE(fetch.calls.size() == 2);
  CHECK(fetch.calls[1].size() == 10);  // one query for all ten
}

TEST_CASE("batches are cut at the maximum size") {
  GatedFetch fetch;
  BatchedReads reads(1, 4, [&](const std::vector<std::int64_t>& ids) { return fetch(ids); });
  std::atomic<int> answered{0};
  reads.submit(0, [&](BatchedReads::Found) { ++answered; });
  fetch.waitForCalls(1);
  for (int i = 1; i <= 10; ++i) reads.submit(i, [&](BatchedReads::Found) { ++answered; });
  fetch.release();
  for (int i = 0; i < 500 && answered < 11; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(answered == 11);
  std::lock_guard<std::mutex> lock(fetch.mutex);
  REQUIRE(fetch.calls.size() == 4);  // 1, then 4 + 4 + 2
  CHECK(fetch.calls[1].size() == 4);
  CHECK(fetch.calls[3].size() == 2);
}

TEST_CASE("a failed or throwing fetch answers every read of the batch with an error") {
  SUBCASE("error") {
    BatchedReads reads(1, 16, [](const std::vector<std::int64_t>&) -> BatchedReads::Fetched {
      return core::Error{core::ErrorKind::kUnavailable, "database down"};
    });
    std::promise<BatchedReads::Found> answer;
    reads.submit(1, [&](BatchedReads::Found found) { answer.set_value(std::move(found)); });
    auto found = answer.get_future().get();
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == core::ErrorKind::kUnavailable);
  }
  SUBCASE("exception") {
    BatchedReads reads(1, 16, [](const std::vector<std::int64_t>&) -> BatchedReads::Fetched {
      throw std::runtime_error("driver bug");
    });
    std::promise<BatchedReads::Found> answer;
    reads.submit(1, [&](BatchedReads::Found found) { answer.set_value(std::move(found)); });
    auto found = answer.get_future().get();
    REQUIRE_FALSE(found);
    CHECK(found.error().kind == core::ErrorKind::kInternal);
    CHECK(found.error().message.find("driver bug") != std::string::npos);
  }
}

TEST_CASE("reads still queued when the readers stop are answered first") {
  GatedFetch fetch;
  std::atomic<int> answered{0};
  std::thread opener;
  {
    BatchedReads reads(1, 256, [&](const std::vector<std::int64_t>& ids) { return fetch(ids); });
    reads.submit(2, [&](BatchedReads::Found) { ++answered; });
    fetch.waitForCalls(1);
    for (int i = 0; i < 5; ++i) reads.submit(4, [&](BatchedReads::Found) { ++answered; });
    opener = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      fetch.release();
    });
  }  // the destructor waits for the queue
  opener.join();
  CHECK(answered == 6);
}
