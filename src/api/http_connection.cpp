#include "api/http_connection.hpp"

namespace api {

HttpConnection::HttpConnection(RequestLimits limits, RequestSink& sink)
    : sink_(sink),
      // One more request's worth may wait while the current one is answered.
      max_buffered_(limits.max_request_line + limits.max_header_bytes + limits.max_body_bytes +
                    std::size_t{64} * 1024),
      parser_(limits) {}

bool HttpConnection::received(std::string_view bytes) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closing_) return true;  // dropped: the answer that closes is on its way
  if (parser_.buffered() + bytes.size() > max_buffered_) {
    closing_ = true;
    return false;
  }
  parser_.append(bytes);
  drive(lock);
  return true;
}

void HttpConnection::answered(bool close) {
  std::unique_lock<std::mutex> lock(mutex_);
  busy_ = false;
  if (close) closing_ = true;
  drive(lock);
}

void HttpConnection::closeNow() {
  std::lock_guard<std::mutex> lock(mutex_);
  closing_ = true;
}

HttpConnection::Phase HttpConnection::phase() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closing_) return Phase::kClosing;
  if (busy_) return Phase::kBusy;
  if (parser_.readingBody()) return Phase::kBody;
  if (parser_.started()) return Phase::kHead;
  return Phase::kIdle;
}

std::uint64_t HttpConnection::requestsBegun() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_begun_;
}

void HttpConnection::noteBegun() {
  if (!begun_ && parser_.started()) {
    begun_ = true;
    ++requests_begun_;
  }
}

// Parses and hands on requests while it can. The sink is called without the
// lock, so it may answer from inside dispatch(); a thread that finds another
// one driving leaves it to that one (again_), which keeps the order.
void HttpConnection::drive(std::unique_lock<std::mutex>& lock) {
  if (driving_) {
    again_ = true;
    return;
  }
  driving_ = true;
  do {
    again_ = false;
    while (!busy_ && !closing_) {
      noteBegun();
      const auto progress = parser_.parse();
      if (progress == RequestParser::Progress::kNeedMore) {
        noteBegun();
        if (parser_.awaitingContinue() && !continue_sent_) {
          continue_sent_ = true;
          lock.unlock();
          sink_.sendContinue();
          lock.lock();
          continue;
        }
        break;
      }
      if (progress == RequestParser::Progress::kRefused) {
        noteBegun();
        closing_ = true;
        const FramingError error = parser_.error();
        lock.unlock();
        sink_.refuse(error);
        lock.lock();
        break;
      }
      busy_ = true;
      ParsedRequest request = parser_.take();
      begun_ = false;
      continue_sent_ = false;
      lock.unlock();
      sink_.dispatch(std::move(request));
      lock.lock();
    }
  } while (again_);
  driving_ = false;
}

}  // namespace api
