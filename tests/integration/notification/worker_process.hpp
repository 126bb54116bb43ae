#pragma once
// The notification-worker binary and its flags, for tests that run it as a
// child process (testing::ChildProcess).

#include <string>
#include <vector>

#include "integration/notification/notification_fixture.hpp"
#include "support/child_process.hpp"
#include "support/kafka_identity.hpp"
#include "support/test_env.hpp"

namespace testing {

inline std::string workerBinary() {
  return binaryPath("src/workers/notification/notification-worker");
}

// The worker with `args`, for testing::ChildProcess.
inline std::vector<std::string> notificationWorkerCommand(const std::vector<std::string>& args) {
  std::vector<std::string> command = {workerBinary()};
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

// The worker's flags for a fixture's database and topics, logged in as
// notification-worker with that user's production grants on them and `group`.
inline std::vector<std::string> workerArgs(const NotificationFixture& f,
                                           const std::string& smtp_url, const std::string& group) {
  core::kafka::PipelineNames names;
  names.notification_topic = f.topic();
  names.notification_retry_topic = f.retryTopic();
  names.notification_failed_topic = f.failedTopic();
  names.notification_group = group;
  grantPipelineAcls(names);
  return withKafkaIdentity({"--database-url",    f.db().urlAs(Role::kNotification),
                            "--brokers",         kafkaBrokers(),
                            "--smtp-url",        smtp_url,
                            "--topic",           f.topic(),
                            "--retry-topic",     f.retryTopic(),
                            "--failed-topic",    f.failedTopic(),
                            "--group-id",        group,
                            "--metrics-address", "127.0.0.1:0",
                            "--retry-base-ms",   "200",
                            "--retry-max-ms",    "400",
                            "--smtp-from",       "tests@example.com"},
                           "notification-worker");
}

}  // namespace testing
