#pragma once
// The librdkafka handle behind the admin calls (admin.cpp, acls.cpp): made
// from the brokers and the caller's identity, quiet, and remembering the
// last client error (a refused SASL login) for the caller's message.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

class AdminClient {
 public:
  static Result<std::unique_ptr<AdminClient>> create(const std::string& brokers,
                                                     const Properties& client);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  rd_kafka_t* get() const { return rk_; }
  // " (last client error: ...)" when librdkafka reported one, else "".
  std::string lastErrorSuffix();

 private:
  AdminClient() = default;
  static void onError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  rd_kafka_t* rk_ = nullptr;
  std::string last_error_;
};

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

}  // namespace core::kafka
