#include "core/db/pool.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "support/test_env.hpp"

using core::db::ConnectionPool;
using core::db::PoolOptions;

TEST_CASE("the pool serves many threads with at most its size of connections") {
  testing::TempDatabase db("it_pool");
  PoolOptions options;
  options.url = db.url();
  options.size = 4;
  options.acquire_timeout = std::chrono::seconds(30);
  ConnectionPool pool(options);

  constexpr int kThreads = 16;
  constexpr int kQueriesPerThread = 25;
  std::atomic<int> succeeded{0};
  std::mutex pids_mutex;
  std::set<int> backend_pids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t]() {
      for (int i = 0; i < kQueriesPerThread; ++i) {
        auto lease = pool.acquire();
        if (!lease) continue;
        pqxx::work tx(**lease);
        const auto row = tx.exec_params1("SELECT $1::int * 1000 + $2::int, pg_backend_pid()", t, i);
        tx.commit();
        if (row[0].as<int>() == t * 1000 + i) ++succeeded;
        std::lock_guard<std::mutex> lock(pids_mutex);
        backend_pids.insert(row[1].as<int>());
      }
    });
  }
  for (auto& thread : threads) thread.join();

  const auto stats = pool.stats();
  CHECK(succeeded == kThreads * kQueriesPerThread);
  CHECK(stats.acquired == kThreads * kQueriesPerThread);
  CHECK(stats.max_in_use <= 4);
  CHECK(stats.max_in_use >= 2);  // the threads really overlapped
  CHECK(backend_pids.size() <= 4);
  CHECK(stats.in_use == 0);
}

TEST_CASE("acquire gives up after its timeout when every connection is leased") {
  testing::TempDatabase db("it_pool_timeout");
  PoolOptions options;
  options.url = db.url();
  options.size = 2;
  options.acquire_timeout = std::chrono::milliseconds(200);
  ConnectionPool pool(options);
  auto a = pool.acquire();
  auto b = pool.acquire();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  const auto started = std::chrono::steady_clock::now();
  auto c = pool.acquire();
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().kind == core::ErrorKind::kUnavailable);
  CHECK(waited >= std::chrono::milliseconds(200));
  CHECK(pool.stats().timeouts == 1);
}

TEST_CASE("a connection killed on the server is replaced at acquire, so no caller sees it fail") {
  testing::TempDatabase db("it_pool_broken");
  PoolOptions options;
  options.url = db.url();
  options.size = 2;
  ConnectionPool pool(options);
  int victim_pid = 0;
  {
    auto lease = pool.acquire();
    REQUIRE(lease.ok());
    pqxx::nontransaction tx(**lease);
    victim_pid = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
  }
  {
    pqxx::connection admin(db.url());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", victim_pid);
    // The backend is gone once it leaves pg_stat_activity.
    REQUIRE(testing::waitUntil([&]() {
      return tx.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", victim_pid)[0]
                 .as<int>() == 0;
    }));
  }
  auto lease = pool.acquire();
  REQUIRE(lease.ok());
  pqxx::nontransaction tx(**lease);
  CHECK(tx.exec1("SELECT pg_backend_pid()")[0].as<int>() != victim_pid);
  CHECK(pool.stats().replaced == 1);
}

TEST_CASE("an unreachable server is reported as unavailable, quickly") {
  PoolOptions options;
  options.url = "postgresql://postgres@127.0.0.1:1/none";
  options.size = 1;
  ConnectionPool pool(options);
  auto lease = pool.acquire();
  REQUIRE_FALSE(lease.ok());
  CHECK(lease.error().kind == core::ErrorKind::kUnavailable);
  CHECK(lease.error().message.find("127.0.0.1:1") != std::string::npos);
  CHECK(pool.stats().open == 0);
}
