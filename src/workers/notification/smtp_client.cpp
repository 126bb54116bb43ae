#include "workers/notification/smtp_client.hpp"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace notification {

namespace {

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, []() { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UploadSource {
  const std::string* data = nullptr;
  std::size_t offset = 0;
};

std::size_t readChunk(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* source = static_cast<UploadSource*>(user);
  const std::size_t room = size * count;
  const std::size_t left = source->data->size() - source->offset;
  const std::size_t n = left < room ? left : room;
  std::memcpy(buffer, source->data->data() + source->offset, n);
  source->offset += n;
  return n;
}

long curlTlsMode(TlsMode mode) {
  switch (mode) {
    case TlsMode::kOff: return CURLUSESSL_NONE;
    case TlsMode::kTry: return CURLUSESSL_TRY;
    case TlsMode::kRequired: return CURLUSESSL_ALL;
  }
  return CURLUSESSL_TRY;
}

}  // namespace

struct SmtpClient::Impl {
  SmtpOptions options;
  CURL* curl = nullptr;
};

SmtpClient::SmtpClient(SmtpOptions options) : impl_(std::make_unique<Impl>()) {
  initCurlOnce();
  impl_->options = std::move(options);
}

SmtpClient::~SmtpClient() {
  if (impl_->curl != nullptr) curl_easy_cleanup(impl_->curl);
}

SendResult SmtpClient::send(const Envelope& envelope, const std::string& message) {
  SendResult result;
  if (impl_->curl == nullptr) impl_->curl = curl_easy_init();
  CURL* curl = impl_->curl;
  if (curl == nullptr) {
    result.curl_code = CURLE_FAILED_INIT;
    result.error = "cannot create a libcurl handle";
    return result;
  }
  const auto& o = impl_->options;
  curl_easy_reset(curl);  // keeps the connection cache, clears the previous options
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_URL, o.url.c_str());
  if (o.port > 0) curl_easy_setopt(curl, CURLOPT_PORT, o.port);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_USE_SSL, curlTlsMode(o.tls));
  if (!o.verify_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, o.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, o.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + envelope.mail_from + ">").c_str());
  curl_slist* recipients = nullptr;
  for (const auto& r : envelope.recipients) {
    recipients = curl_slist_append(recipients, ("<" + r + ">").c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  UploadSource source{&message, 0};
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, readChunk);
  curl_easy_setopt(curl, CURLOPT_READDATA, &source);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

  const CURLcode code = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_slist_free_all(recipients);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  result.curl_code = static_cast<int>(code);
  result.smtp_code = reply;
  if (code == CURLE_OK) {
    result.ok = true;
    return result;
  }
  result.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (reply > 0) result.error += " (SMTP " + std::to_string(reply) + ")";
  return result;
}

std::string redactUrl(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto at = url.find('@', start);
  const auto slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  return url.substr(0, start) + "***@" + url.substr(at + 1);
}

}  // namespace notification
