#pragma once
// Kafka ACLs: who may do what to which topic or consumer group, and the set
// the pipeline needs (each component its own user, least privilege).

#include <string>
#include <vector>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

enum class AclResource { kTopic, kGroup };
enum class AclOperation { kRead, kWrite, kDescribe };

// ALLOW `operation` on the literal resource `name` to User:`user`, any host.
struct AclRule {
  std::string user;
  AclResource resource = AclResource::kTopic;
  std::string name;
  AclOperation operation = AclOperation::kRead;
};

// Creates the rules; one that exists already is left as it is, so a rerun
// changes nothing. Needs a client allowed to ALTER the cluster (a super user).
Status createAcls(const std::string& brokers, const Properties& client,
                  const std::vector<AclRule>& rules, int timeout_ms = 30000);

// The Kafka users of the pipeline. pipeline-admin is the broker's super user.
inline constexpr const char* kAdminUser = "pipeline-admin";
inline constexpr const char* kRelayUser = "outbox-relay";
inline constexpr const char* kReplicationUser = "replication-worker";
inline constexpr const char* kNotificationUser = "notification-worker";

// The topics and groups the rules are about; defaults are the pipeline's own
// (core/domain/events.hpp, the workers' default --group-id).
struct PipelineNames {
  PipelineNames();
  std::string crud_topic;
  std::string crud_dead_letter_topic;
  std::string notification_topic;
  std::string notification_retry_topic;
  std::string notification_failed_topic;
  std::string replication_group;
  std::string notification_group;
};

// outbox-relay writes the CRUD and notification topics; replication-worker
// reads CRUD in its group and writes its dead-letter topic;
// notification-worker reads the notification and retry topics in its group
// and writes retry and FAILED. Nothing else: the broker denies what no rule
// allows (allow.everyone.if.no.acl.found=false).
std::vector<AclRule> pipelineAcls(const PipelineNames& names);

}  // namespace core::kafka
