#include "workers/notification/mail_composer.hpp"

#include "workers/notification/mime_message.hpp"

namespace notification {

ComposedMail composeMail(const core::domain::NotificationEvent& event, const Recipients& recipients,
                         const Sender& sender, std::int64_t now_epoch_seconds) {
  MailContent content;
  content.from = sender.header;
  content.to = recipients.to;
  content.cc = recipients.cc;
  content.subject = event.subject;
  content.text = event.text_msg;
  content.html = event.html_msg;
  content.message_id = messageIdFor(event.id, sender.address);
  content.date_epoch_seconds = now_epoch_seconds;
  content.boundary = makeBoundary(event.id, {event.text_msg, event.html_msg});
  content.extra_headers = {{"X-Notification-Event-Id", event.id}};
  if (!event.source_event_id.empty()) {
    content.extra_headers.emplace_back("X-Source-Event-Id", event.source_event_id);
  }
  return {Envelope{sender.address, recipients.envelope}, buildMimeMessage(content)};
}

}  // namespace notification
