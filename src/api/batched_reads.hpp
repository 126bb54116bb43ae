#pragma once
// Reads customers by id on dedicated threads, many ids per query. A request
// thread hands its id and a completion over and goes back to its other
// connections; a reader thread takes every id queued so far, runs one query
// for all of them and completes each. Under load one query then answers many
// requests, and no request thread sleeps waiting for the database.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/domain/customer.hpp"
#include "core/metrics/registry.hpp"
#include "core/result.hpp"

namespace api {

class BatchedReads {
 public:
  using Found = core::Result<std::optional<core::domain::Customer>>;
  using Completion = std::function<void(Found)>;
  using Fetched = core::Result<std::unordered_map<std::int64_t, core::domain::Customer>>;
  // Reads the given ids (duplicates possible); ids not found are left out.
  using FetchBatch = std::function<Fetched(const std::vector<std::int64_t>&)>;

  // `batch_sizes`, when given, observes the number of ids of every query.
  BatchedReads(std::size_t threads, std::size_t max_batch, FetchBatch fetch,
               core::metrics::Histogram* batch_sizes = nullptr);
  ~BatchedReads();  // completes what is queued, then joins
  BatchedReads(const BatchedReads&) = delete;
  BatchedReads& operator=(const BatchedReads&) = delete;

  void submit(std::int64_t id, Completion done);
  std::size_t queued() const;  // reads waiting for a reader

 private:
  struct Pending {
    std::int64_t id;
    Completion done;
  };
  void run();
  Fetched fetchSafely(const std::vector<std::int64_t>& ids);
  static void complete(std::vector<Pending>& batch, const Fetched& fetched);

  const std::size_t max_batch_;
  FetchBatch fetch_;
  core::metrics::Histogram* batch_sizes_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace api
