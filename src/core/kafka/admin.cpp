#include "core/kafka/admin.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>

namespace core::kafka {

namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

Result<Handle> makeHandle(const std::string& brokers) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Error{ErrorKind::kInvalidArgument, std::string("brokers: ") + error};
  }
  // Quiet: an unreachable broker is reported once by the caller, not logged
  // every second by librdkafka.
  rd_kafka_conf_set(conf, "log_level", "0", error, sizeof error);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Error{ErrorKind::kInvalidArgument, std::string("Kafka client: ") + error};
  }
  return Handle(rk);
}

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};

// Waits for the admin result event and checks per-topic errors.
Status collectTopicResults(rd_kafka_queue_t* queue, int timeout_ms, const char* what,
                           rd_kafka_resp_err_t tolerated) {
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue, timeout_ms + 1000));
  if (!event)
    return Error{ErrorKind::kUnavailable, std::string(what) + ": no answer from the cluster"};
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{ErrorKind::kUnavailable,
                 std::string(what) + ": " + rd_kafka_event_error_string(event.get())};
  }
  const rd_kafka_topic_result_t** results = nullptr;
  size_t count = 0;
  if (const auto* created = rd_kafka_event_CreateTopics_result(event.get()); created != nullptr) {
    results = rd_kafka_CreateTopics_result_topics(created, &count);
  } else if (const auto* deleted = rd_kafka_event_DeleteTopics_result(event.get());
             deleted != nullptr) {
    results = rd_kafka_DeleteTopics_result_topics(deleted, &count);
  }
  for (size_t i = 0; i < count; ++i) {
    const auto err = rd_kafka_topic_result_error(results[i]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != tolerated) {
      const char* message = rd_kafka_topic_result_error_string(results[i]);
      return Error{ErrorKind::kUnavailable, std::string(what) + " " +
                                                rd_kafka_topic_result_name(results[i]) + ": " +
                                                (message ? message : rd_kafka_err2str(err))};
    }
  }
  return {};
}

}  // namespace

Status createTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                    int timeout_ms) {
  auto handle = makeHandle(brokers);
  if (!handle) return handle.error();
  std::vector<rd_kafka_NewTopic_t*> specs;
  char error[512];
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* spec = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                      t.replication_factor, error, sizeof error);
    if (spec == nullptr) {
      rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
      return Error{ErrorKind::kInvalidArgument, "topic " + t.name + ": " + error};
    }
    for (const auto& [key, value] : t.config)
      rd_kafka_NewTopic_set_config(spec, key.c_str(), value.c_str());
    specs.push_back(spec);
  }
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(handle->get()));
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(handle->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_CreateTopics(handle->get(), specs.data(), specs.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
  return collectTopicResults(queue.get(), timeout_ms, "create topic",
                             RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
}

Status deleteTopics(const std::string& brokers, const std::vector<std::string>& topics,
                    int timeout_ms) {
  auto handle = makeHandle(brokers);
  if (!handle) return handle.error();
  std::vector<rd_kafka_DeleteTopic_t*> specs;
  specs.reserve(topics.size());
  for (const auto& name : topics) specs.push_back(rd_kafka_DeleteTopic_new(name.c_str()));
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(handle->get()));
  char error[512];
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(handle->get(), RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_DeleteTopics(handle->get(), specs.data(), specs.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_DeleteTopic_destroy_array(specs.data(), specs.size());
  return collectTopicResults(queue.get(), timeout_ms, "delete topic",
                             RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

Status checkBrokers(const std::string& brokers, int timeout_ms) {
  auto handle = makeHandle(brokers);
  if (!handle) return handle.error();
  const rd_kafka_metadata_t* metadata = nullptr;
  const auto err = rd_kafka_metadata(handle->get(), 0, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{ErrorKind::kUnavailable,
                 "Kafka brokers " + brokers + " unreachable: " + rd_kafka_err2str(err)};
  }
  rd_kafka_metadata_destroy(metadata);
  return {};
}

}  // namespace core::kafka
