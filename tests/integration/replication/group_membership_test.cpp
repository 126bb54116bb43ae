// Group membership of the real replication worker: a worker restarted under
// the same --group-instance-id after kill -9 resumes at once (static
// membership, no wait for its old session), and a member that never comes
// back is replaced by another within --session-timeout-ms.

#include <doctest/doctest.h>

#include <filesystem>

#include "integration/replication/replication_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

using testing::CrudEventType;

namespace {

struct Member {
  std::uint16_t port = testing::freePort();
  std::string log = (std::filesystem::temp_directory_path() /
                     (testing::uniqueName("replication-member") + ".log"))
                        .string();
  std::unique_ptr<testing::ChildProcess> process;

  // 1 when the worker holds the partition, 0 when not, -1 when it cannot tell.
  int assigned() const {
    try {
      const auto body =
          testing::HttpClient("http://127.0.0.1:" + std::to_string(port)).get("/metrics").body;
      const auto at = body.find("\nreplication_assigned_partitions ");
      return at == std::string::npos ? -1 : std::stoi(body.substr(at + 33));
    } catch (const std::exception&) {
      return -1;
    }
  }
  ~Member() { std::filesystem::remove(log); }
};

std::vector<std::string> memberArgs(const testing::ReplicationFixture& f, const std::string& group,
                                    const std::string& instance, std::uint16_t port,
                                    const std::string& session_ms) {
  return f.workerArgs(group, {"--group-instance-id", instance, "--session-timeout-ms", session_ms,
                              "--metrics-address", "127.0.0.1:" + std::to_string(port),
                              "--poll-timeout-ms", "100"});
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("a worker killed with -9 and restarted under the same instance id resumes within 5 s") {
  testing::ReplicationFixture f;
  const auto group = testing::uniqueName("it-static");
  Member member;
  const auto args = memberArgs(f, group, "replica-1", member.port, "30000");
  f.produce(CrudEventType::kCreated, 1, 1);
  f.flush();
  {
    testing::ChildProcess first(testing::replicationWorkerCommand(args), member.log);
    REQUIRE_MESSAGE(f.waitForStoredOffset(group, 1), first.output());
    first.signal(SIGKILL);
    REQUIRE(first.waitExit(std::chrono::seconds(10)) == 128 + SIGKILL);
  }
  // Without static membership the group would wait the old session's 30 s.
  testing::ChildProcess restarted(testing::replicationWorkerCommand(args), member.log);
  const auto started = std::chrono::steady_clock::now();
  f.produce(CrudEventType::kUpdated, 1, 2);
  f.flush();
  const bool resumed = f.waitForStoredOffset(group, 2, std::chrono::seconds(5));
  MESSAGE("resumed " << secondsSince(started) << " s after the restart");
  CHECK_MESSAGE(resumed, restarted.output());
  CHECK(f.row(1)->version == 2);
}

TEST_CASE("a member that never comes back is replaced by another within the session timeout") {
  testing::ReplicationFixture f;
  const auto group = testing::uniqueName("it-static");
  std::vector<Member> members(2);
  for (std::size_t i = 0; i < members.size(); ++i) {
    members[i].process = std::make_unique<testing::ChildProcess>(
        testing::replicationWorkerCommand(
            memberArgs(f, group, "replica-" + std::to_string(i + 1), members[i].port, "6000")),
        members[i].log);
  }
  // One partition: one member holds it once the group has settled.
  REQUIRE(testing::waitUntil([&]() { return members[0].assigned() + members[1].assigned() == 1; },
                             std::chrono::seconds(60), std::chrono::milliseconds(200)));
  const std::size_t holder = members[0].assigned() == 1 ? 0 : 1;
  f.produce(CrudEventType::kCreated, 1, 1);
  f.flush();
  REQUIRE(f.waitForStoredOffset(group, 1));

  members[holder].process->signal(SIGKILL);
  REQUIRE(members[holder].process->waitExit(std::chrono::seconds(10)) == 128 + SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  f.produce(CrudEventType::kUpdated, 1, 2);
  f.flush();
  // 6 s of session timeout, then a rebalance.
  const bool taken_over = f.waitForStoredOffset(group, 2, std::chrono::seconds(15));
  MESSAGE("the other member applied the next event " << secondsSince(killed)
                                                     << " s after the holder was killed");
  CHECK_MESSAGE(taken_over, members[1 - holder].process->output());
  CHECK(members[1 - holder].assigned() == 1);
}

TEST_CASE("two members on 4 partitions: kills and rebalances keep each customer's order, once") {
  testing::ReplicationFixture f(4);
  const auto group = testing::uniqueName("it-members");
  constexpr int kCustomers = 40;
  constexpr int kVersions = 6;
  std::vector<Member> members(2);
  const auto start = [&](std::size_t i) {
    members[i].process = std::make_unique<testing::ChildProcess>(
        testing::replicationWorkerCommand(
            memberArgs(f, group, "member-" + std::to_string(i + 1), members[i].port, "6000")),
        members[i].log);
  };
  start(0);
  start(1);
  // The group first settles with whoever joined first, then shares the
  // partitions between both.
  REQUIRE(testing::waitUntil(
      [&]() {
        const int first = members[0].assigned();
        const int second = members[1].assigned();
        return first > 0 && second > 0 && first + second == 4;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(200)));
  // Versions 1..6 of each customer, keyed by customer id (so one customer
  // stays on one partition); a member is killed and restarted, and the
  // other one is killed for good, between the rounds.
  for (int version = 1; version <= kVersions; ++version) {
    for (int id = 1; id <= kCustomers; ++id) {
      f.produce(version == 1 ? CrudEventType::kCreated : CrudEventType::kUpdated, id, version);
    }
    f.flush();
    if (version == 2) {
      members[0].process->signal(SIGKILL);
      REQUIRE(members[0].process->waitExit(std::chrono::seconds(10)) == 128 + SIGKILL);
      start(0);  // static membership: back at once
    }
    if (version == 4) {
      members[1].process->signal(SIGKILL);
      REQUIRE(members[1].process->waitExit(std::chrono::seconds(10)) == 128 + SIGKILL);
      members[1].process.reset();  // never comes back: member 0 takes all 4
    }
  }
  const auto latest = [&]() {
    return f.scalar("SELECT count(*) FROM customers WHERE version = " +
                    std::to_string(kVersions)) == kCustomers;
  };
  REQUIRE_MESSAGE(testing::waitUntil(latest, std::chrono::seconds(60)),
                  members[0].process->output());
  CHECK(members[0].assigned() == 4);
  for (int id = 1; id <= kCustomers; ++id) {
    CAPTURE(id);
    const auto row = f.row(id);
    REQUIRE(row.has_value());
    CHECK(row->version == kVersions);
    // Each version applied at most once: a redelivered event is stale.
    CHECK(row->apply_count <= kVersions);
  }
  CHECK(f.scalar("SELECT count(*) FROM customers") == kCustomers);
}