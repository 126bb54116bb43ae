#pragma once
// One client connection's requests, in order. Bytes come in from the
// connection's reactor; requests go out to the sink one at a time, the next
// only once the previous one is answered, so answers leave in request order
// whichever thread writes them. After a refusal, or an answer that closes,
// nothing more is taken. Thread-safe; no sockets, so it is unit-tested.

#include <cstdint>
#include <mutex>
#include <string_view>

#include "api/request_parser.hpp"

namespace api {

class RequestSink {
 public:
  virtual ~RequestSink() = default;
  // A complete request. Exactly one HttpConnection::answered() must follow,
  // from any thread (possibly from inside this call).
  virtual void dispatch(ParsedRequest request) = 0;
  // A request that cannot be framed: answer with the error, then close.
  virtual void refuse(const FramingError& error) = 0;
  // The client waits for "100 Continue" before it sends the body.
  virtual void sendContinue() = 0;
};

class HttpConnection {
 public:
  enum class Phase {
    kIdle,     // between requests
    kHead,     // a request line or headers arriving
    kBody,     // a body arriving
    kBusy,     // a request is being answered
    kClosing,  // refused or answered with close: input is dropped
  };

  HttpConnection(RequestLimits limits, RequestSink& sink);

  // Bytes from the client. False when the connection must be closed at once:
  // it sent more than a request's worth while its previous one was answered.
  bool received(std::string_view bytes);
  // The dispatched request's answer is on its way; `close`: it is the last.
  void answered(bool close);
  // Takes no request at all (e.g. one connection too many).
  void closeNow();

  Phase phase() const;
  // Requests begun so far (a request begins with its first byte).
  std::uint64_t requestsBegun() const;

 private:
  void drive(std::unique_lock<std::mutex>& lock);
  void noteBegun();

  RequestSink& sink_;
  const std::size_t max_buffered_;
  mutable std::mutex mutex_;
  RequestParser parser_;
  bool busy_ = false;
  bool closing_ = false;
  bool driving_ = false;  // a thread is in drive(); others leave their news in again_
  bool again_ = false;
  bool begun_ = false;  // the current request has been counted
  bool continue_sent_ = false;
  std::uint64_t requests_begun_ = 0;
};

}  // namespace api
