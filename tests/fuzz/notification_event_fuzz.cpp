// libFuzzer target: the notification worker's decoder and recipient checks.
// Whatever the bytes, an event either fails cleanly or names at most the
// allowed number of recipients, each a valid address, with someone in To.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "workers/notification/notification_event.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

constexpr std::size_t kMaxRecipients = 10;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string payload(reinterpret_cast<const char*>(data), size);
  auto event = notification::parseNotificationEvent(payload);
  if (!event.ok()) {
    require(!event.error().message.empty());
    return 0;
  }
  auto recipients = notification::recipientsOf(*event, kMaxRecipients);
  if (!recipients.ok()) {
    require(!recipients.error().message.empty());
    return 0;
  }
  require(!recipients->to.empty());
  require(recipients->to.size() + recipients->cc.size() + recipients->bcc.size() <= kMaxRecipients);
  require(!recipients->envelope.empty() && recipients->envelope.size() <= kMaxRecipients);
  for (const auto& address : recipients->envelope) {
    require(notification::isValidAddress(address));
  }
  return 0;
}
