#pragma once
// What the soak checks at the end, once the pipeline has drained: the CRUD
// topic against the acknowledged writes, the replica against the source
// (replication-worker verify), and the SMTP sink's maildir against the
// notification rows of the outbox.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "soak/soak_stack.hpp"
#include "soak/workload.hpp"

namespace soak {

struct TopicFigures {
  long long events = 0;
  long long missing = 0;     // acknowledged writes not on the topic
  long long inversions = 0;  // a customer's lower version after a higher one (first occurrences)
  long long duplicates = 0;  // a (customer, version) seen again
};

struct MailFigures {
  long long expected = 0;  // notification rows in the outbox (every committed write)
  long long missing = 0;   // of those, no mail in the sink
  long long twice = 0;     // mails beyond the first of one event
};

class Verifier {
 public:
  explicit Verifier(const SoakStack& stack) : stack_(stack) {}

  // Waits until the outbox backlog is 0, the replica equals the source and
  // every notification has its mail; then a few seconds more for late
  // duplicates. Empty when drained, else what was still outstanding.
  std::string drain(std::chrono::seconds deadline);

  TopicFigures checkTopic(const std::vector<AckedWrite>& acked) const;
  // missing + extra + different of `replication-worker verify` (-1: no summary line).
  long long replicaDifferences() const;
  MailFigures checkMails();

 private:
  long long backlog() const;
  bool replicaEqual() const;
  std::set<std::string> expectedMailEvents() const;
  // event id → mails in the sink, for mails to the soak's customers.
  std::map<std::string, int> mailsByEvent();

  const SoakStack& stack_;
  std::map<std::string, std::string> mail_files_;  // file → its event id ("" when not ours)
};

}  // namespace soak
