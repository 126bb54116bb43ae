#pragma once
// Sending one message over SMTP with libcurl. The easy handle is kept between
// sends so libcurl can reuse the connection; every transfer is bounded by the
// connect and total timeouts. Credentials go to libcurl only, never to a log.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace notification {

enum class TlsMode {
  kOff,       // plain SMTP (or smtps:// for implicit TLS)
  kTry,       // STARTTLS when the server offers it
  kRequired,  // refuse to send without TLS
};

struct SmtpOptions {
  std::string url;  // smtp://host[:port] or smtps://host[:port]
  long port = 0;    // 0: from the URL
  std::string user;
  std::string password;
  TlsMode tls = TlsMode::kTry;
  bool verify_tls = true;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{60000};
};

struct Envelope {
  std::string mail_from;                // bare address
  std::vector<std::string> recipients;  // bare addresses: To, Cc and Bcc
};

// What a send came to: ok, or the libcurl code, the last SMTP reply code (0 if
// none) and a message for the retry log.
struct SendResult {
  bool ok = false;
  int curl_code = 0;
  long smtp_code = 0;
  std::string error;
};

// The seam the notifier sends through (tests substitute it).
class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual SendResult send(const Envelope& envelope, const std::string& message) = 0;
};

class SmtpClient : public MailSender {
 public:
  explicit SmtpClient(SmtpOptions options);
  ~SmtpClient() override;
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  SendResult send(const Envelope& envelope, const std::string& message) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "smtp://host:port" without any user:password@ part: what may be logged.
std::string redactUrl(const std::string& url);

}  // namespace notification
