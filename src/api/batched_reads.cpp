#include "api/batched_reads.hpp"

#include <spdlog/spdlog.h>

namespace api {

BatchedReads::BatchedReads(std::size_t threads, std::size_t max_batch, FetchBatch fetch,
                           core::metrics::Histogram* batch_sizes)
    : max_batch_(max_batch == 0 ? 1 : max_batch),
      fetch_(std::move(fetch)),
      batch_sizes_(batch_sizes) {
  for (std::size_t i = 0; i < (threads == 0 ? 1 : threads); ++i)
    threads_.emplace_back([this] { run(); });
}

BatchedReads::~BatchedReads() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void BatchedReads::submit(std::int64_t id, Completion done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({id, std::move(done)});
  }
  wake_.notify_one();
}

BatchedReads::Fetched BatchedReads::fetchSafely(const std::vector<std::int64_t>& ids) {
  try {
    return fetch_(ids);
  } catch (const std::exception& e) {
    return core::Error{core::ErrorKind::kInternal,
                       std::string("reading customers failed: ") + e.what()};
  }
}

void BatchedReads::complete(std::vector<Pending>& batch, const Fetched& fetched) {
  for (auto& pending : batch) {
    try {
      if (!fetched) {
        pending.done(fetched.error());
      } else if (auto it = fetched->find(pending.id); it != fetched->end()) {
        pending.done(std::optional<core::domain::Customer>(it->second));
      } else {
        pending.done(std::optional<core::domain::Customer>());
      }
    } catch (const std::exception& e) {
      spdlog::error("completing a read of customer {} failed: {}", pending.id, e.what());
    }
  }
}

std::size_t BatchedReads::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void BatchedReads::run() {
  std::vector<Pending> batch;
  std::vector<std::int64_t> ids;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ids.clear();
    for (const auto& p : batch) ids.push_back(p.id);
    if (batch_sizes_) batch_sizes_->observe(static_cast<double>(ids.size()));
    complete(batch, fetchSafely(ids));
    batch.clear();
  }
}

}  // namespace api
