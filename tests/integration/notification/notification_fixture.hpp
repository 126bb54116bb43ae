#pragma once
// A notifications database (migrated), three fresh topics (main, retry,
// FAILED), a producer of events, readers of topics, the SMTP sink's maildir,
// and a notifier running in this process on a thread.

#include <dirent.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/json/codec.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "integration/notification/smtp_test_servers.hpp"
#include "support/kafka_identity.hpp"
#include "support/kafka_reader.hpp"
#include "support/test_env.hpp"
#include "workers/notification/notifier.hpp"

namespace testing {

inline std::string readWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every message in the SMTP sink's maildir that contains `needle`.
inline std::vector<std::string> mailsContaining(const std::string& needle) {
  std::vector<std::string> out;
  const std::string root = requiredEnv("SMTP_MAILDIR");
  for (const char* sub : {"/new", "/cur"}) {
    const std::string dir = root + sub;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) continue;
    while (const dirent* entry = readdir(d)) {
      if (entry->d_name[0] == '.') continue;
      auto text = readWholeFile(dir + "/" + entry->d_name);
      if (text.find(needle) != std::string::npos) out.push_back(std::move(text));
    }
    closedir(d);
  }
  return out;
}

inline std::string realSmtpUrl() {
  return requiredEnv("SMTP_URL");
}

inline std::uint16_t realSmtpPort() {
  const auto url = realSmtpUrl();
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

class NotificationFixture {
 public:
  explicit NotificationFixture(int partitions = 1)
      : db_("it_notification"),
        topic_(uniqueName("it-mail")),
        retry_topic_(topic_ + "-RETRY"),
        failed_topic_(topic_ + "-FAILED") {
    pqxx::connection c(db_.url());
    auto files = core::db::loadMigrations(sourcePath("sql/notifications"));
    REQUIRE(files.ok());
    auto migrated = core::db::migrate(c, *files);
    REQUIRE_MESSAGE(migrated.ok(), (migrated.ok() ? "" : migrated.error().message));
    auto created = core::kafka::createTopics(kafkaBrokers(), kafkaAdminProperties(),
                                             {{topic_, partitions, 1, {}},
                                              {retry_topic_, partitions, 1, {}},
                                              {failed_topic_, partitions, 1, {}}});
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
    auto producer = core::kafka::Producer::create(
        {kafkaBrokers(), "it-notification", true, kafkaAdminProperties()});
    REQUIRE(producer.ok());
    producer_ = std::move(producer).value();
  }
  ~NotificationFixture() {
    (void)core::kafka::deleteTopics(kafkaBrokers(), kafkaAdminProperties(),
                                    {topic_, retry_topic_, failed_topic_});
  }

  notification::NotifierOptions options(const std::string& group = "") const {
    notification::NotifierOptions o;
    o.database_url = db_.urlAs(Role::kNotification);
    o.brokers = kafkaBrokers();
    o.kafka_properties = kafkaAdminProperties();
    o.group_id = group.empty() ? topic_ + "-worker" : group;
    o.topic = topic_;
    o.retry_topic = retry_topic_;
    o.failed_topic = failed_topic_;
    o.sender = {"Tests <tests@example.com>", "tests@example.com"};
    o.retry.max_attempts = 3;
    o.retry.base = std::chrono::milliseconds(200);
    o.retry.max = std::chrono::milliseconds(400);
    o.delivery_timeout = std::chrono::seconds(20);
    return o;
  }

  // An event whose recipient and subject carry `tag`, unique to the test.
  static core::domain::NotificationEvent event(const std::string& tag) {
    core::domain::NotificationEvent e;
    e.id = core::domain::newUuid();
    e.event_ts = core::domain::Timestamp::now();
    e.source_event_id = core::domain::newUuid();
    e.subject = "Subject " + tag;
    e.text_msg = "Plain text for " + tag + "\n";
    e.html_msg = "<html><body><p>HTML for " + tag + "</p></body></html>";
    e.notify_to = "to-" + tag + "@example.com";
    return e;
  }

  void produce(const std::string& topic, const std::string& key, const std::string& payload) {
    REQUIRE(producer_->produce({topic, key, payload, {}, 0, -1}).ok());
    REQUIRE(producer_->flush(10000).ok());
    for (const auto& r : producer_->takeDeliveryReports()) REQUIRE(r.persisted);
  }
  void produce(const core::domain::NotificationEvent& e) {
    produce(topic_, e.id, core::json::encodeNotificationEvent(e));
  }

  // The address of the i-th event of produceTagged(tag, …).
  static std::string recipient(const std::string& tag, int i) {
    return "to-" + tag + "-" + std::to_string(i) + "@example.com";
  }
  // `count` events to recipient(tag, 0 … count-1), each keyed by its id (so
  // they spread over the partitions).
  void produceTagged(const std::string& tag, int count) {
    for (int i = 0; i < count; ++i) {
      auto e = event(tag);
      e.notify_to = recipient(tag, i);
      produce(e);
    }
  }
  // How many copies of each of those mails the SMTP sink holds.
  static std::vector<std::size_t> mailCopies(const std::string& tag, int count) {
    std::vector<std::size_t> copies;
    for (int i = 0; i < count; ++i) copies.push_back(mailsContaining(recipient(tag, i)).size());
    return copies;
  }
  // Checks that each of the `count` events' mails arrived at least once and at
  // most `most` times; returns how many arrived more than once.
  static int checkMailCopies(const std::string& tag, int count, std::size_t most) {
    int repeated = 0;
    const auto copies = mailCopies(tag, count);
    for (int i = 0; i < count; ++i) {
      CAPTURE(i);
      CHECK(copies[i] >= 1);
      CHECK(copies[i] <= most);
      repeated += copies[i] > 1 ? 1 : 0;
    }
    return repeated;
  }
  // Events the sent log records as sent.
  int sentCount() {
    if (!db_connection_) db_connection_ = std::make_unique<pqxx::connection>(db_.url());
    pqxx::nontransaction tx(*db_connection_);
    return tx.exec1("SELECT count(*) FROM notification_log WHERE status = 'sent'")[0].as<int>();
  }

  core::domain::NotificationEvent decode(const core::kafka::ConsumedMessage& m) const {
    auto e = core::json::decodeNotificationEvent(m.payload);
    REQUIRE_MESSAGE(e.ok(), m.payload);
    return *e;
  }

  long long scalar(const std::string& sql) const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<long long>();
  }
  std::string logStatus(const std::string& event_id) const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    auto r = tx.exec_params("SELECT status FROM notification_log WHERE event_id = $1", event_id);
    return r.empty() ? "" : r[0][0].as<std::string>();
  }

  const TempDatabase& db() const { return db_; }
  const std::string& topic() const { return topic_; }
  const std::string& retryTopic() const { return retry_topic_; }
  const std::string& failedTopic() const { return failed_topic_; }

 private:
  TempDatabase db_;
  std::string topic_;
  std::string retry_topic_;
  std::string failed_topic_;
  std::unique_ptr<core::kafka::Producer> producer_;
  std::unique_ptr<pqxx::connection> db_connection_;
};

// A notifier with real SMTP clients, running on a thread for the life of the object.
struct RunningNotifier {
  core::metrics::Registry metrics;
  notification::SmtpOptions smtp;
  notification::Notifier notifier;
  std::thread thread;
  RunningNotifier(const notification::NotifierOptions& options, const std::string& smtp_url,
                  std::chrono::milliseconds smtp_timeout = std::chrono::seconds(15))
      : smtp(notification::SmtpOptions{smtp_url, 0, "", "", notification::TlsMode::kTry, true,
                                       std::min(smtp_timeout, std::chrono::milliseconds(3000)),
                                       smtp_timeout}),
        notifier(
            options, [this]() { return std::make_unique<notification::SmtpClient>(smtp); },
            metrics) {
    thread = std::thread([this]() { notifier.run(); });
  }
  ~RunningNotifier() { halt(); }
  void halt() {
    notifier.stop();
    if (thread.joinable()) thread.join();
  }
  // The value of a metric line, e.g. "notification_sent_total" or
  // "notification_failed_total{reason=\"permanent\"}"; -1 when absent.
  double metric(const std::string& series) const {
    const auto text = metrics.render();
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }
};

}  // namespace testing
