#pragma once
// Turns a notification event into what goes over the wire: the envelope (MAIL
// FROM and every To/Cc/Bcc address once) and the MIME text (Bcc never in it,
// Message-ID derived from the event id, X-Notification-Event-Id header).

#include <cstdint>
#include <string>

#include "core/domain/events.hpp"
#include "workers/notification/notification_event.hpp"
#include "workers/notification/smtp_client.hpp"

namespace notification {

struct Sender {
  std::string header;   // From header, e.g. "Customer Service <no-reply@example.com>"
  std::string address;  // bare address for MAIL FROM
};

struct ComposedMail {
  Envelope envelope;
  std::string message;
};

ComposedMail composeMail(const core::domain::NotificationEvent& event, const Recipients& recipients,
                         const Sender& sender, std::int64_t now_epoch_seconds);

}  // namespace notification
