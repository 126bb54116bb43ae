#include "core/kafka/admin_client.hpp"

namespace core::kafka {

Result<std::unique_ptr<AdminClient>> AdminClient::create(const std::string& brokers,
                                                         const Properties& client) {
  std::unique_ptr<AdminClient> admin(new AdminClient());
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Properties properties = {{"bootstrap.servers", brokers},
                           // Quiet: a failure is reported once by the caller,
                           // not logged every second by librdkafka.
                           {"log_level", "0"}};
  properties.insert(properties.end(), client.begin(), client.end());
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Error{ErrorKind::kInvalidArgument, "librdkafka property " + key + ": " + error};
    }
  }
  rd_kafka_conf_set_error_cb(conf, &AdminClient::onError);
  rd_kafka_conf_set_opaque(conf, admin.get());
  admin->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (admin->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Error{ErrorKind::kInvalidArgument, std::string("Kafka client: ") + error};
  }
  return admin;
}

AdminClient::~AdminClient() {
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

void AdminClient::onError(rd_kafka_t* /*rk*/, int /*err*/, const char* reason, void* opaque) {
  static_cast<AdminClient*>(opaque)->last_error_ = reason;
}

std::string AdminClient::lastErrorSuffix() {
  rd_kafka_poll(rk_, 0);  // error callbacks are served here
  return last_error_.empty() ? std::string() : " (last client error: " + last_error_ + ")";
}

}  // namespace core::kafka
