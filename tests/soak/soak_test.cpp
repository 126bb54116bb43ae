// The chaos soak: several clients write through customer-api while processes
// are killed with -9, a standby relay takes over, Kafka stops and PostgreSQL
// restarts (fault_injector.hpp). At the end the pipeline drains and one line
// of figures is printed; nothing acknowledged may be missing or out of order,
// the replica must equal the source, and every committed write must have its
// e-mail. It stops shared services of the test stack, so ctest runs it alone.
//   SOAK_SECONDS   how long writes and faults go on (default 300)

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "integration/disruptive/test_services.hpp"
#include "soak/fault_injector.hpp"
#include "soak/verifier.hpp"
#include "soak/workload.hpp"

namespace {

constexpr int kClients = 4;
constexpr int kPauseBetweenWritesMs = 150;  // about 25 writes/s in all
const auto kPauseBetweenFaults = std::chrono::seconds(6);
const auto kKafkaDown = std::chrono::seconds(8);
const auto kDrainDeadline = std::chrono::seconds(240);

int soakSeconds() {
  const char* text = std::getenv("SOAK_SECONDS");
  if (text == nullptr || *text == '\0') return 300;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < 10 || value > 7 * 24 * 3600) {
    FAIL("SOAK_SECONDS must be a whole number of seconds from 10 to 604800, not '" << text << "'");
  }
  return static_cast<int>(value);
}

std::string faultList(const std::map<std::string, int>& faults) {
  std::string out;
  for (const auto& [kind, count] : faults)
    out += (out.empty() ? "" : ",") + kind + "=" + std::to_string(count);
  return out;
}

// The figures line goes to the test's output and is appended to
// $OUTBOX_VAR_DIR/soak-figures.log, so every run leaves its record.
void report(const std::string& line) {
  std::cout << line << std::endl;
  const char* var = std::getenv("OUTBOX_VAR_DIR");
  std::ofstream(std::string(var != nullptr ? var : "/tmp") + "/soak-figures.log", std::ios::app)
      << line << "\n";
}

}  // namespace

TEST_CASE(
    "writes through the API survive kill -9 of every process, a relay failover, Kafka "
    "stops and PostgreSQL restarts, with nothing acknowledged lost or reordered") {
  const int seconds = soakSeconds();
  testing::RestartOnExit kafka_back{"kafka"};
  testing::RestartOnExit postgres_back{"postgres"};
  soak::SoakStack stack;
  soak::FaultInjector faults(stack, kPauseBetweenFaults, kKafkaDown);
  faults.startPipeline();
  REQUIRE_MESSAGE(faults.problems().empty(), faults.problems().front() << "\n" << stack.logTails());

  const auto started = std::chrono::steady_clock::now();
  soak::Workload workload(stack.apiUrl(), stack.tag(), kClients, kPauseBetweenWritesMs);
  workload.start();
  faults.start();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  faults.stop();  // everything up again
  workload.stop();
  const auto acked = workload.acknowledged();

  soak::Verifier verifier(stack);
  const auto outstanding = verifier.drain(kDrainDeadline);
  const auto topic = verifier.checkTopic(acked);
  const auto replica_differences = verifier.replicaDifferences();
  const auto mails = verifier.checkMails();
  const int notification_kills = faults.count("notification-kill");
  const auto wall =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
          .count();

  std::ostringstream line;
  line << "SOAK seconds=" << seconds << " wall=" << wall << "s writes_acked=" << acked.size()
       << " writes_unanswered=" << workload.unanswered() << " faults=" << faults.total() << " ("
       << faultList(faults.faults()) << ") topic_events=" << topic.events
       << " acked_missing_from_topic=" << topic.missing << " order_inversions=" << topic.inversions
       << " duplicates=" << topic.duplicates << " replica_differences=" << replica_differences
       << " mails_expected=" << mails.expected << " mails_missing=" << mails.missing
       << " mails_sent_twice=" << mails.twice << " (bound " << notification_kills << ")";
  report(line.str());
  const auto context = line.str() + "\n" + stack.logTails();

  CHECK_MESSAGE(outstanding.empty(), "not drained: " << outstanding << "\n" << context);
  for (const auto& problem : faults.problems()) CHECK_MESSAGE(false, problem);
  CHECK(acked.size() > 0);
  CHECK_MESSAGE(topic.missing == 0, context);
  CHECK_MESSAGE(topic.inversions == 0, context);
  CHECK_MESSAGE(replica_differences == 0, context);
  CHECK_MESSAGE(mails.missing == 0, context);
  // The documented crash window: at most one mail again per notification-worker kill.
  CHECK_MESSAGE(mails.twice <= notification_kills, context);
}
