#include "core/http/status_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>

namespace core::http {

namespace {

using namespace Pistache;

class StatusHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(StatusHandler)
  StatusHandler(metrics::Registry* registry, std::function<std::string()> ready)
      : registry_(registry), ready_(std::move(ready)) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    writer.headers().remove<Http::Header::Connection>();
    writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    const std::string& path = request.resource();
    if (request.method() != Http::Method::Get) {
      writer.send(Http::Code::Method_Not_Allowed, "only GET\n");
    } else if (path == "/metrics") {
      writer.setMime(Http::Mime::MediaType::fromString("text/plain; version=0.0.4"));
      writer.send(Http::Code::Ok, registry_->render());
    } else if (path == "/healthz") {
      writer.send(Http::Code::Ok, "ok\n");
    } else if (path == "/readyz") {
      const std::string reason = ready_();
      if (reason.empty()) {
        writer.send(Http::Code::Ok, "ready\n");
      } else {
        writer.send(Http::Code::Service_Unavailable, reason + "\n");
      }
    } else {
      writer.send(Http::Code::Not_Found, "not found\n");
    }
  }

 private:
  metrics::Registry* registry_;
  std::function<std::string()> ready_;
};

}  // namespace

struct StatusServer::Impl {
  metrics::Registry& registry;
  std::function<std::string()> ready;
  std::unique_ptr<Http::Endpoint> endpoint;
};

StatusServer::StatusServer(metrics::Registry& registry, std::function<std::string()> ready)
    : impl_(new Impl{registry, std::move(ready), nullptr}) {}

StatusServer::~StatusServer() {
  stop();
}

Status StatusServer::start(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error{ErrorKind::kInvalidArgument,
                 "metrics address must be host:port, not '" + address + "'"};
  }
  try {
    const int port = std::stoi(address.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    impl_->endpoint = std::make_unique<Http::Endpoint>(
        Address(address.substr(0, colon), Port(static_cast<std::uint16_t>(port))));
    impl_->endpoint->init(Http::Endpoint::options().threads(1).flags(Tcp::Options::ReuseAddr));
    impl_->endpoint->setHandler(Http::make_handler<StatusHandler>(&impl_->registry, impl_->ready));
    impl_->endpoint->serveThreaded();
  } catch (const std::invalid_argument&) {
    return Error{ErrorKind::kInvalidArgument,
                 "metrics address must be host:port, not '" + address + "'"};
  } catch (const std::out_of_range&) {
    return Error{ErrorKind::kInvalidArgument, "metrics port out of range in '" + address + "'"};
  } catch (const std::exception& e) {
    impl_->endpoint.reset();
    return Error{ErrorKind::kUnavailable, "cannot listen on " + address + ": " + e.what()};
  }
  return {};
}

std::uint16_t StatusServer::port() const {
  return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort()) : 0;
}

void StatusServer::stop() {
  if (impl_ && impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

}  // namespace core::http
