#include "outbox/notify_listener.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "core/db/session.hpp"
#include "core/runtime/backoff.hpp"

namespace outbox {

namespace {

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, std::function<void()>& on_notify)
      : pqxx::notification_receiver(c, channel), on_notify_(on_notify) {}
  void operator()(const std::string&, int) override { on_notify_(); }

 private:
  std::function<void()>& on_notify_;
};

// How long one wait lasts: bounds how late stop() is noticed.
constexpr long kWaitMicros = 200000;

}  // namespace

NotifyListener::NotifyListener(std::string database_url, std::string channel,
                               std::function<void()> on_notify)
    : url_(std::move(database_url)),
      channel_(std::move(channel)),
      on_notify_(std::move(on_notify)) {}

NotifyListener::~NotifyListener() {
  stop();
}

void NotifyListener::start() {
  thread_ = std::thread([this]() { loop(); });
}

void NotifyListener::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

void NotifyListener::loop() {
  core::db::SessionOptions options;
  options.url = url_;
  options.application_name = "outbox-relay listen";
  core::db::Session session(std::move(options));
  // Up to 10 s between reconnects: polling goes on meanwhile.
  core::runtime::Backoff backoff(core::runtime::Backoff::kDefaultFirst, std::chrono::seconds(10));
  while (!stop_.stopping()) {
    const auto listened = session.run([&](pqxx::connection& connection) -> core::Status {
      Receiver receiver(connection, channel_, on_notify_);  // issues LISTEN
      listening_ = true;
      spdlog::info("listening for NOTIFY on channel {}", channel_);
      backoff.reset();
      // Rows may have arrived while we were not listening: poll once.
      on_notify_();
      while (!stop_.stopping()) connection.await_notification(0, kWaitMicros);
      listening_ = false;
      return {};
    });
    if (!listened) {
      if (listening_) {
        spdlog::warn("LISTEN connection lost ({}); polling continues", listened.error().message);
      }
      listening_ = false;
      stop_.sleepFor(backoff.next());
    }
  }
}

}  // namespace outbox
