#include "soak/verifier.hpp"

#include <dirent.h>

#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <thread>
#include <tuple>

#include "core/json/codec.hpp"
#include "support/kafka_reader.hpp"
#include "support/test_env.hpp"

namespace soak {

namespace {

std::string readWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kEventIdHeader = "X-Notification-Event-Id: ";

}  // namespace

long long Verifier::backlog() const {
  return stack_.scalar(stack_.source(), "SELECT count(*) FROM outbox WHERE published_at IS NULL");
}

bool Verifier::replicaEqual() const {
  return stack_.verify().exit_code == 0;
}

std::string Verifier::drain(std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  const auto left = [&]() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(until -
                                                                 std::chrono::steady_clock::now());
  };
  const auto poll = std::chrono::milliseconds(500);
  if (!testing::waitUntil([&]() { return backlog() == 0; }, left(), poll))
    return "outbox backlog " + std::to_string(backlog());
  if (!testing::waitUntil([&]() { return replicaEqual(); }, left(), std::chrono::seconds(2)))
    return "replica differs: " + stack_.verify().output;
  const auto expected = expectedMailEvents();
  const auto all_mailed = [&]() {
    const auto mailed = mailsByEvent();
    for (const auto& id : expected)
      if (mailed.count(id) == 0) return false;
    return true;
  };
  if (!testing::waitUntil(all_mailed, left(), std::chrono::seconds(1)))
    return "mails missing (" + std::to_string(checkMails().missing) + ")";
  // A duplicate from a killed worker's redelivery may still be on its way.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  return "";
}

TopicFigures Verifier::checkTopic(const std::vector<AckedWrite>& acked) const {
  const auto rows = stack_.scalar(
      stack_.source(), "SELECT count(*) FROM outbox WHERE topic = '" + stack_.topics().crud + "'");
  const auto messages = testing::readTopic(stack_.topics().crud, static_cast<std::size_t>(rows),
                                           std::chrono::seconds(120), std::chrono::seconds(3));
  TopicFigures figures;
  figures.events = static_cast<long long>(messages.size());
  std::set<std::tuple<std::int64_t, std::int32_t, int>> on_topic;
  std::map<std::int64_t, std::int32_t> highest;  // per customer, among first occurrences
  for (const auto& message : messages) {
    const auto event = core::json::decodeCrudEvent(message.payload);
    if (!event) continue;  // counted as missing below if it was an acknowledged write
    const auto key =
        std::make_tuple(event->aggregate_id, event->version, static_cast<int>(event->type));
    if (!on_topic.insert(key).second) {
      ++figures.duplicates;
      continue;
    }
    auto& top = highest[event->aggregate_id];
    if (event->version < top) ++figures.inversions;
    top = std::max(top, event->version);
  }
  for (const auto& write : acked) {
    if (on_topic.count(
            std::make_tuple(write.customer, write.version, static_cast<int>(write.type))) == 0)
      ++figures.missing;
  }
  return figures;
}

long long Verifier::replicaDifferences() const {
  const auto report = stack_.verify().output;
  std::smatch match;
  const std::regex summary(R"(missing=(\d+) extra=(\d+) different=(\d+))");
  if (!std::regex_search(report, match, summary)) return -1;
  return std::stoll(match[1]) + std::stoll(match[2]) + std::stoll(match[3]);
}

std::set<std::string> Verifier::expectedMailEvents() const {
  pqxx::connection c(stack_.source().url());
  pqxx::nontransaction tx(c);
  std::set<std::string> ids;
  for (const auto& row : tx.exec_params("SELECT headers->>'event_id' FROM outbox WHERE topic = $1",
                                        stack_.topics().mail)) {
    ids.insert(row[0].as<std::string>());
  }
  return ids;
}

std::map<std::string, int> Verifier::mailsByEvent() {
  const std::string root = testing::requiredEnv("SMTP_MAILDIR");
  for (const char* sub : {"/new", "/cur"}) {
    const std::string dir = root + sub;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) continue;
    while (const dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (name[0] == '.' || mail_files_.count(name) != 0) continue;
      const auto text = readWholeFile(dir + "/" + name);
      std::string event;
      const auto at = text.find(kEventIdHeader);
      if (text.find(stack_.tag()) != std::string::npos && at != std::string::npos) {
        const auto start = at + kEventIdHeader.size();
        event = text.substr(start, text.find_first_of("\r\n", start) - start);
      }
      mail_files_[name] = event;
    }
    closedir(d);
  }
  std::map<std::string, int> by_event;
  for (const auto& [file, event] : mail_files_)
    if (!event.empty()) ++by_event[event];
  return by_event;
}

MailFigures Verifier::checkMails() {
  const auto expected = expectedMailEvents();
  const auto mailed = mailsByEvent();
  MailFigures figures;
  figures.expected = static_cast<long long>(expected.size());
  for (const auto& id : expected)
    if (mailed.count(id) == 0) ++figures.missing;
  for (const auto& [event, count] : mailed) figures.twice += count - 1;
  return figures;
}

}  // namespace soak
