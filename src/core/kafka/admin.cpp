#include "core/kafka/admin.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>

#include "core/kafka/admin_client.hpp"

namespace core::kafka {

namespace {

// Waits for the admin result event and checks per-topic errors.
Status collectTopicResults(AdminClient& admin, rd_kafka_queue_t* queue, int timeout_ms,
                           const char* what, rd_kafka_resp_err_t tolerated) {
  Event event(rd_kafka_queue_poll(queue, timeout_ms + 1000));
  if (!event) {
    return Error{ErrorKind::kUnavailable,
                 std::string(what) + ": no answer from the cluster" + admin.lastErrorSuffix()};
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{ErrorKind::kUnavailable, std::string(what) + ": " +
                                              rd_kafka_event_error_string(event.get()) +
                                              admin.lastErrorSuffix()};
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

Status createTopics(const std::string& brokers, const Properties& client,
                    const std::vector<TopicSpec>& topics, int timeout_ms) {
  auto created = AdminClient::create(brokers, client);
  if (!created) return created.error();
  auto& admin = **created;
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
  Queue queue(rd_kafka_queue_new(admin.get()));
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_CreateTopics(admin.get(), specs.data(), specs.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy_array(specs.data(), specs.size());
  return collectTopicResults(admin, queue.get(), timeout_ms, "create topic",
                             RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
}

Status deleteTopics(const std::string& brokers, const Properties& client,
                    const std::vector<std::string>& topics, int timeout_ms) {
  auto created = AdminClient::create(brokers, client);
  if (!created) return created.error();
  auto& admin = **created;
  std::vector<rd_kafka_DeleteTopic_t*> specs;
  specs.reserve(topics.size());
  for (const auto& name : topics) specs.push_back(rd_kafka_DeleteTopic_new(name.c_str()));
  Queue queue(rd_kafka_queue_new(admin.get()));
  char error[512];
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_DeleteTopics(admin.get(), specs.data(), specs.size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_DeleteTopic_destroy_array(specs.data(), specs.size());
  return collectTopicResults(admin, queue.get(), timeout_ms, "delete topic",
                             RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

Status checkBrokers(const std::string& brokers, const Properties& client, int timeout_ms) {
  auto created = AdminClient::create(brokers, client);
  if (!created) return created.error();
  auto& admin = **created;
  const rd_kafka_metadata_t* metadata = nullptr;
  const auto err = rd_kafka_metadata(admin.get(), 0, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{ErrorKind::kUnavailable, "Kafka brokers " + brokers + " unreachable: " +
                                              rd_kafka_err2str(err) + admin.lastErrorSuffix()};
  }
  rd_kafka_metadata_destroy(metadata);
  return {};
}

}  // namespace core::kafka
