#include <doctest/doctest.h>

#include <algorithm>

#include "workers/notification/mail_composer.hpp"
#include "workers/notification/mime_message.hpp"

using namespace notification;

namespace {

std::string decodeBase64(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto v = kAlphabet.find(c);
    if (v == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// The text of RFC 2047 "=?UTF-8?B?...?=" words joined, and each word's length.
std::string decodeWords(const std::string& header, std::vector<std::size_t>* lengths = nullptr) {
  std::string out;
  std::size_t at = 0;
  while ((at = header.find("=?UTF-8?B?", at)) != std::string::npos) {
    const auto end = header.find("?=", at + 10);
    if (lengths != nullptr) lengths->push_back(end + 2 - at);
    out += decodeBase64(header.substr(at + 10, end - at - 10));
    at = end + 2;
  }
  return out;
}

MailContent sample() {
  MailContent m;
  m.from = "Shop <shop@example.com>";
  m.to = {"a@example.com", "B <b@example.com>"};
  m.cc = {"c@example.com"};
  m.subject = "Your record has been created";
  m.text = "Dear Ada,\nline two\n";
  m.html = "<p>Dear Ada</p>";
  m.message_id = "<e1@example.com>";
  m.date_epoch_seconds = 1795852650;  // 2026-11-28T07:57:30Z, a Saturday
  m.boundary = "=_b";
  return m;
}

}  // namespace

TEST_CASE("base64 matches the RFC 4648 test vectors") {
  CHECK(encodeBase64("") == "");
  CHECK(encodeBase64("f") == "Zg==");
  CHECK(encodeBase64("fo") == "Zm8=");
  CHECK(encodeBase64("foo") == "Zm9v");
  CHECK(encodeBase64("foobar") == "Zm9vYmFy");
}

TEST_CASE("a message with text and HTML is multipart/alternative with both parts, CRLF only") {
  const auto text = buildMimeMessage(sample());
  CHECK(text.rfind("Date: Sat, 28 Nov 2026 07:57:30 +0000\r\n", 0) == 0);
  CHECK(text.find("\r\nFrom: Shop <shop@example.com>\r\n") != std::string::npos);
  CHECK(text.find("\r\nTo: a@example.com,\r\n B <b@example.com>\r\n") != std::string::npos);
  CHECK(text.find("\r\nCc: c@example.com\r\n") != std::string::npos);
  CHECK(text.find("\r\nMessage-ID: <e1@example.com>\r\n") != std::string::npos);
  CHECK(text.find("\r\nSubject: Your record has been created\r\n") != std::string::npos);
  CHECK(text.find("\r\nMIME-Version: 1.0\r\n") != std::string::npos);
  CHECK(text.find("Content-Type: multipart/alternative; boundary=\"=_b\"\r\n") !=
        std::string::npos);
  const auto plain = text.find(
      "--=_b\r\nContent-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 7bit\r\n\r\nDear Ada,\r\nline two\r\n");
  const auto html = text.find(
      "--=_b\r\nContent-Type: text/html; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 7bit\r\n\r\n<p>Dear Ada</p>\r\n");
  CHECK(plain != std::string::npos);
  CHECK(html != std::string::npos);
  CHECK(plain < html);
  CHECK(text.find("--=_b--\r\n") > html);
  CHECK(text.find("Bcc") == std::string::npos);
  std::size_t bare_lf = 0;
  for (std::size_t i = 0; i < text.size(); ++i) bare_lf += text[i] == '\n' && text[i - 1] != '\r';
  CHECK(bare_lf == 0);
}

TEST_CASE("a message with one part is not multipart") {
  auto m = sample();
  m.html.clear();
  auto only_text = buildMimeMessage(m);
  CHECK(only_text.find("multipart") == std::string::npos);
  CHECK(only_text.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
  m.text.clear();
  m.html = "<p>x</p>";
  CHECK(buildMimeMessage(m).find("Content-Type: text/html; charset=UTF-8") != std::string::npos);
}

TEST_CASE("non-ASCII or long-lined parts are base64 in UTF-8") {
  auto m = sample();
  m.text = "Grüße aus Köln\n";
  m.html = std::string(1200, 'x');
  const auto text = buildMimeMessage(m);
  CHECK(text.find("Content-Transfer-Encoding: base64\r\n\r\n" +
                  encodeBase64("Grüße aus Köln\r\n")) != std::string::npos);
  const auto html_at = text.find("Content-Type: text/html");
  REQUIRE(html_at != std::string::npos);
  CHECK(text.find("Content-Transfer-Encoding: base64", html_at) != std::string::npos);
  // base64 lines stay at 76 characters.
  std::size_t line = 0;
  std::size_t longest = 0;
  for (char c : text) {
    line = c == '\n' ? 0 : line + 1;
    longest = std::max(longest, line);
  }
  CHECK(longest <= 77);  // 76 characters and the CR
}

TEST_CASE("a plain ASCII subject is kept, a non-ASCII one becomes RFC 2047 words") {
  CHECK(encodeHeaderText("Hello") == "Hello");
  const std::string subject = "Grüße, Ihre Daten wurden geändert ✓";
  const auto encoded = encodeHeaderText(subject);
  CHECK(encoded.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(decodeWords(encoded) == subject);
}

TEST_CASE(
    "a long non-ASCII subject is split into words of at most 75 characters, never inside a "
    "character") {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "äöü€";  // 2- and 3-byte sequences
  std::vector<std::size_t> lengths;
  const auto encoded = encodeHeaderText(subject);
  CHECK(decodeWords(encoded, &lengths) == subject);
  CHECK(lengths.size() > 1);
  for (auto length : lengths) CHECK(length <= 75);
  // Each word decodes to whole UTF-8 characters.
  std::size_t at = 0;
  while ((at = encoded.find("=?UTF-8?B?", at)) != std::string::npos) {
    const auto end = encoded.find("?=", at);
    const auto bytes = decodeBase64(encoded.substr(at + 10, end - at - 10));
    CHECK((static_cast<unsigned char>(bytes.back()) & 0xc0) != 0xc0);   // no dangling lead byte
    CHECK((static_cast<unsigned char>(bytes.front()) & 0xc0) != 0x80);  // no orphan continuation
    at = end;
  }
  CHECK(encoded.find("\r\n ") != std::string::npos);  // folded
}

TEST_CASE("header values cannot inject headers") {
  CHECK(encodeHeaderText("Hi\r\nBcc: victim@example.com") == "Hi Bcc: victim@example.com");
  auto m = sample();
  m.subject = "Hi\r\nBcc: victim@example.com";
  const auto text = buildMimeMessage(m);
  CHECK(text.find("\r\nBcc:") == std::string::npos);
}

TEST_CASE(
    "Message-ID follows the event id and the sender's domain, and boundaries avoid the parts") {
  CHECK(messageIdFor("2f1c-9", "shop@example.com") == "<2f1c-9@example.com>");
  CHECK(messageIdFor("a b<c>", "Shop <shop@example.com>") == "<a_b_c_@example.com>");
  CHECK(messageIdFor("x", "nodomain") == "<x@notification-worker.invalid>");
  const auto boundary = makeBoundary("e1", {"--=_notification_e1 in the text"});
  CHECK(boundary != "=_notification_e1");
  CHECK(std::string("--=_notification_e1 in the text").find(boundary) == std::string::npos);
}

TEST_CASE("a composed mail sends to To, Cc and Bcc but shows no Bcc") {
  core::domain::NotificationEvent e;
  e.id = "evt-1";
  e.source_event_id = "src-1";
  e.subject = "S";
  e.text_msg = "t";
  e.html_msg = "<b>h</b>";
  Recipients r;
  r.to = {"A <a@example.com>"};
  r.cc = {"c@example.com"};
  r.bcc = {"hidden@example.com"};
  r.envelope = {"a@example.com", "c@example.com", "hidden@example.com"};
  const auto mail = composeMail(e, r, {"Shop <shop@example.com>", "shop@example.com"}, 0);
  CHECK(mail.envelope.mail_from == "shop@example.com");
  CHECK(mail.envelope.recipients == r.envelope);
  CHECK(mail.message.find("hidden@example.com") == std::string::npos);
  CHECK(mail.message.find("\r\nX-Notification-Event-Id: evt-1\r\n") != std::string::npos);
  CHECK(mail.message.find("\r\nX-Source-Event-Id: src-1\r\n") != std::string::npos);
  CHECK(mail.message.find("\r\nMessage-ID: <evt-1@example.com>\r\n") != std::string::npos);
  CHECK(mail.message.rfind("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n", 0) == 0);
}
