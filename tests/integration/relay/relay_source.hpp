#pragma once
// One test body for both sources of outbox-relay: eachSource() runs the
// enclosing TEST_CASE once per source (a doctest SUBCASE each), and
// SourceRelay gives the relay command of that source (for wal, on a slot of
// its own that prepare() creates before the test writes its rows).

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "integration/relay/relay_fixture.hpp"
#include "integration/relay/wal_fixture.hpp"
#include "support/child_process.hpp"

namespace testing {

enum class Source { kPoll, kWal };

// `argv` with the value after `flag` replaced by `value`.
inline std::vector<std::string> withFlag(std::vector<std::string> argv, const std::string& flag,
                                         const std::string& value) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag) argv[i + 1] = value;
  }
  return argv;
}

// Call before the fixture: the test case runs again from the top for each source.
inline Source eachSource() {
  Source source = Source::kPoll;
  SUBCASE("--source poll") {
    source = Source::kPoll;
  }
  SUBCASE("--source wal") {
    source = Source::kWal;
  }
  return source;
}

class SourceRelay {
 public:
  SourceRelay(const RelayFixture& f, Source source) : f_(f), source_(source), wal_(f) {}

  bool wal() const { return source_ == Source::kWal; }
  // wal: creates the slot, so that rows written from now on are streamed
  // (a slot starts at the position it was created at). poll: nothing to do.
  void prepare() const {
    if (wal()) wal_.createSlot();
  }
  // The outbox-relay daemon of this source, followed by `extra` flags.
  std::vector<std::string> command(std::size_t batch_size = 100,
                                   const std::vector<std::string>& extra = {}) const {
    if (wal()) return wal_.command(batch_size, extra);
    auto argv = f_.relayCommand({"--batch-size", std::to_string(batch_size)});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  // The same with its status server on 127.0.0.1:`port`.
  std::vector<std::string> commandWithStatus(std::uint16_t port,
                                             const std::vector<std::string>& extra = {}) const {
    return withFlag(command(100, extra), "--metrics-address", "127.0.0.1:" + std::to_string(port));
  }
  // Until `relay` leads: it holds the lock (poll) and streams the slot (wal).
  bool waitLeading(const ChildProcess& relay) const {
    if (wal()) return wal_.waitStreaming(relay);
    return waitUntil([&]() { return relay.output().find("became leader") != std::string::npos; });
  }
  // A line of the log that only a leader writes.
  std::string leaderLogLine() const {
    return wal() ? "streaming replication slot " + wal_.slot() : "became leader";
  }
  const WalRelay& walRelay() const { return wal_; }

 private:
  const RelayFixture& f_;
  Source source_;
  WalRelay wal_;
};

}  // namespace testing
