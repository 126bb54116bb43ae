#pragma once
// Who a test talks to Kafka as. var/test/env makes pipeline-admin (the super
// user) the default identity of the test process; a process a test starts
// gets its own component's user with kafkaIdentityFlags, and topics of
// unique names get the pipeline's ACLs with grantPipelineAcls, so the
// processes under test run with the grants they have in production.

#include <string>
#include <vector>

#include "core/kafka/acls.hpp"
#include "core/kafka/properties.hpp"

namespace testing {

// librdkafka properties of pipeline-admin (from KAFKA_SECURITY_PROTOCOL,
// KAFKA_USER, KAFKA_PASSWORD_FILE of the test env).
core::kafka::Properties kafkaAdminProperties();

// The same for a component's user, e.g. "outbox-relay".
core::kafka::Properties kafkaUserProperties(const std::string& user);

// --kafka-security-protocol ... --kafka-user USER --kafka-password-file FILE.
std::vector<std::string> kafkaIdentityFlags(const std::string& user);
// The same as one string for a shell command line (leading space included).
std::string kafkaIdentityArgs(const std::string& user);
// `argv` followed by kafkaIdentityFlags(user).
std::vector<std::string> withKafkaIdentity(std::vector<std::string> argv, const std::string& user);

// Grants the pipeline's ACLs (core::kafka::pipelineAcls) on `names`; fails
// the test when the broker refuses.
void grantPipelineAcls(const core::kafka::PipelineNames& names);

}  // namespace testing
