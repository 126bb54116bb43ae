#pragma once
// Builds the RFC 5322 / MIME text of one e-mail: Date, Message-ID, From, To,
// Cc (never Bcc), a Subject encoded as RFC 2047 words when it is not plain
// ASCII, and a multipart/alternative body with a text and an HTML part (a
// single part when only one is given). Lines end in CRLF; a part that is not
// short-lined ASCII is base64-encoded as UTF-8.

#include <cstdint>
#include <string>
#include <vector>

namespace notification {

struct MailContent {
  std::string from;             // header form, e.g. "Notifications <no-reply@example.com>"
  std::vector<std::string> to;  // header forms
  std::vector<std::string> cc;
  std::string subject;
  std::string text;        // text/plain part; may be empty
  std::string html;        // text/html part; may be empty
  std::string message_id;  // "<...>"
  std::int64_t date_epoch_seconds = 0;
  std::string boundary;  // must not occur in the parts; see makeBoundary()
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. X-Event-Id
};

std::string buildMimeMessage(const MailContent& mail);

// A header value safe to write: CR and LF removed; RFC 2047 "=?UTF-8?B?...?="
// words (at most 75 characters each, split at UTF-8 character boundaries,
// folded onto continuation lines) when the text is not printable ASCII.
std::string encodeHeaderText(const std::string& text);

// "Sat, 28 Nov 2026 09:57:00 +0000".
std::string formatRfc5322Date(std::int64_t epoch_seconds);

// "<event-id@domain>": stable per event, so even a duplicate in the crash
// window carries the same Message-ID and receiving systems can drop it.
std::string messageIdFor(const std::string& event_id, const std::string& from_address);

// A boundary derived from `seed` that occurs in none of `parts`.
std::string makeBoundary(const std::string& seed, const std::vector<std::string>& parts);

std::string encodeBase64(const std::string& data);

}  // namespace notification
