#include "soak/fault_injector.hpp"

#include "support/test_env.hpp"

namespace soak {

namespace {

const std::vector<std::string> kCycle = {"relay-kill",     "replication-kill",
                                         "relay-failover", "notification-kill",
                                         "kafka-stop",     "postgres-restart"};

}  // namespace

FaultInjector::FaultInjector(SoakStack& stack, std::chrono::milliseconds pause,
                             std::chrono::milliseconds kafka_down)
    : stack_(stack), pause_(pause), kafka_down_(kafka_down) {}

FaultInjector::~FaultInjector() {
  stop();
}

void FaultInjector::startPipeline() {
  for (auto slot : {Slot::kApi, relay_, Slot::kReplication, Slot::kNotification}) {
    stack_.start(slot);
    if (!testing::waitUntil([&]() { return stack_.ready(slot); }, std::chrono::seconds(60)))
      note(std::string(slotName(slot)) + " did not become ready at start");
  }
}

void FaultInjector::start() {
  thread_ = std::thread([this]() { run(); });
}

void FaultInjector::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void FaultInjector::run() {
  for (std::size_t next = 0; !stopping_; ++next) {
    pauseFor(pause_);
    if (stopping_) break;
    inject(kCycle[next % kCycle.size()]);
    restartExited();
  }
  // Whatever the cycle was doing, everything is up for the drain.
  service("start", "postgres");
  service("start", "kafka");
  restartExited();
}

void FaultInjector::inject(const std::string& kind) {
  if (kind == "relay-kill") {
    killAndRestart(relay_);
  } else if (kind == "replication-kill") {
    killAndRestart(Slot::kReplication);
  } else if (kind == "notification-kill") {
    killAndRestart(Slot::kNotification);
  } else if (kind == "relay-failover") {
    failOver();
  } else if (kind == "kafka-stop") {
    service("stop", "kafka");
    pauseFor(kafka_down_);
    service("start", "kafka");
  } else if (kind == "postgres-restart") {
    service("stop", "postgres");
    service("start", "postgres");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++faults_[kind];
}

void FaultInjector::killAndRestart(Slot slot) {
  stack_.kill(slot);
  stack_.start(slot);
}

// The standby waits on the leader lock; once the leader is killed, it must
// take over within the lock's release (the dead session's end).
void FaultInjector::failOver() {
  const Slot standby = relay_ == Slot::kRelayA ? Slot::kRelayB : Slot::kRelayA;
  stack_.start(standby);
  if (!testing::waitUntil([&]() { return stack_.ready(standby); }, std::chrono::seconds(60)))
    note(std::string(slotName(standby)) + " (standby) did not become ready");
  stack_.kill(relay_);
  relay_ = standby;
  if (!testing::waitUntil([&]() { return stack_.leads(standby); }, std::chrono::seconds(60)))
    note(std::string(slotName(standby)) + " did not take the lead after the leader was killed");
}

void FaultInjector::service(const std::string& action, const std::string& name) {
  const auto result = testing::runCommand(testing::sourcePath("setup/service.sh") + " test " +
                                          action + " " + name + " 2>&1");
  if (result.exit_code != 0) note("service.sh " + action + " " + name + ": " + result.output);
}

void FaultInjector::restartExited() {
  for (auto slot : {Slot::kApi, relay_, Slot::kReplication, Slot::kNotification}) {
    if (!stack_.running(slot)) {
      note(std::string(slotName(slot)) + " exited without being killed; restarted");
      stack_.start(slot);
    }
  }
}

void FaultInjector::pauseFor(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stopping_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void FaultInjector::note(const std::string& problem) {
  std::lock_guard<std::mutex> lock(mutex_);
  problems_.push_back(problem);
}

std::map<std::string, int> FaultInjector::faults() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return faults_;
}

int FaultInjector::total() const {
  int sum = 0;
  for (const auto& [kind, n] : faults()) sum += n;
  return sum;
}

int FaultInjector::count(const std::string& kind) const {
  const auto all = faults();
  const auto it = all.find(kind);
  return it == all.end() ? 0 : it->second;
}

std::vector<std::string> FaultInjector::problems() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return problems_;
}

}  // namespace soak
