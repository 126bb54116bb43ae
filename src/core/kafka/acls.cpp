#include "core/kafka/acls.hpp"

#include <librdkafka/rdkafka.h>

#include "core/domain/events.hpp"
#include "core/kafka/admin_client.hpp"

namespace core::kafka {

namespace {

rd_kafka_AclOperation_t toOperation(AclOperation operation) {
  switch (operation) {
    case AclOperation::kRead: return RD_KAFKA_ACL_OPERATION_READ;
    case AclOperation::kWrite: return RD_KAFKA_ACL_OPERATION_WRITE;
    case AclOperation::kDescribe: return RD_KAFKA_ACL_OPERATION_DESCRIBE;
  }
  return RD_KAFKA_ACL_OPERATION_UNKNOWN;
}

struct BindingsDeleter {
  void operator()(std::vector<rd_kafka_AclBinding_t*>* bindings) const {
    rd_kafka_AclBinding_destroy_array(bindings->data(), bindings->size());
    delete bindings;
  }
};

Status collectAclResults(AdminClient& admin, rd_kafka_queue_t* queue, int timeout_ms) {
  Event event(rd_kafka_queue_poll(queue, timeout_ms + 1000));
  if (!event) {
    return Error{ErrorKind::kUnavailable,
                 "create ACLs: no answer from the cluster" + admin.lastErrorSuffix()};
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{ErrorKind::kUnavailable, std::string("create ACLs: ") +
                                              rd_kafka_event_error_string(event.get()) +
                                              admin.lastErrorSuffix()};
  }
  const auto* result = rd_kafka_event_CreateAcls_result(event.get());
  size_t count = 0;
  const rd_kafka_acl_result_t** results = rd_kafka_CreateAcls_result_acls(result, &count);
  for (size_t i = 0; i < count; ++i) {
    if (const rd_kafka_error_t* error = rd_kafka_acl_result_error(results[i])) {
      return Error{ErrorKind::kUnavailable,
                   std::string("create ACLs: ") + rd_kafka_error_string(error)};
    }
  }
  return {};
}

}  // namespace

Status createAcls(const std::string& brokers, const Properties& client,
                  const std::vector<AclRule>& rules, int timeout_ms) {
  auto created = AdminClient::create(brokers, client);
  if (!created) return created.error();
  auto& admin = **created;
  std::unique_ptr<std::vector<rd_kafka_AclBinding_t*>, BindingsDeleter> bindings(
      new std::vector<rd_kafka_AclBinding_t*>());
  char error[512];
  for (const auto& rule : rules) {
    const std::string principal = "User:" + rule.user;
    auto* binding = rd_kafka_AclBinding_new(
        rule.resource == AclResource::kTopic ? RD_KAFKA_RESOURCE_TOPIC : RD_KAFKA_RESOURCE_GROUP,
        rule.name.c_str(), RD_KAFKA_RESOURCE_PATTERN_LITERAL, principal.c_str(), "*",
        toOperation(rule.operation), RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW, error, sizeof error);
    if (binding == nullptr) {
      return Error{ErrorKind::kInvalidArgument,
                   "ACL for " + principal + " on " + rule.name + ": " + error};
    }
    bindings->push_back(binding);
  }
  Queue queue(rd_kafka_queue_new(admin.get()));
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_CREATEACLS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, error, sizeof error);
  rd_kafka_CreateAcls(admin.get(), bindings->data(), bindings->size(), options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  return collectAclResults(admin, queue.get(), timeout_ms);
}

PipelineNames::PipelineNames()
    : crud_topic(domain::kCustomerUpdatesTopic),
      crud_dead_letter_topic(domain::kCustomerUpdatesDeadLetterTopic),
      notification_topic(domain::kNotificationTopic),
      notification_retry_topic(domain::kNotificationRetryTopic),
      notification_failed_topic(domain::kNotificationFailedTopic),
      replication_group("replication-worker"),
      notification_group("notification-worker") {}

std::vector<AclRule> pipelineAcls(const PipelineNames& n) {
  using R = AclResource;
  using O = AclOperation;
  std::vector<AclRule> rules;
  const auto writes = [&rules](const char* user, const std::string& topic) {
    // Write implies IdempotentWrite (Kafka >= 3.0), which the relay needs.
    rules.push_back({user, R::kTopic, topic, O::kWrite});
    rules.push_back({user, R::kTopic, topic, O::kDescribe});
  };
  const auto reads = [&rules](const char* user, const std::string& topic) {
    rules.push_back({user, R::kTopic, topic, O::kRead});  // implies Describe
  };
  writes(kRelayUser, n.crud_topic);
  writes(kRelayUser, n.notification_topic);

  reads(kReplicationUser, n.crud_topic);
  rules.push_back({kReplicationUser, R::kGroup, n.replication_group, O::kRead});
  writes(kReplicationUser, n.crud_dead_letter_topic);

  reads(kNotificationUser, n.notification_topic);
  reads(kNotificationUser, n.notification_retry_topic);
  rules.push_back({kNotificationUser, R::kGroup, n.notification_group, O::kRead});
  writes(kNotificationUser, n.notification_retry_topic);
  writes(kNotificationUser, n.notification_failed_topic);
  return rules;
}

}  // namespace core::kafka
