#include "core/kafka/producer.hpp"

#include <librdkafka/rdkafkacpp.h>

#include "core/kafka/errors.hpp"
#include "core/kafka/metadata.hpp"

namespace core::kafka {

namespace {

class DeliveryCollector : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    DeliveryReport report;
    report.correlation_id =
        static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(message.msg_opaque()));
    report.topic = message.topic_name();
    report.partition = message.partition();
    report.offset = message.offset();
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      report.error = toError(message.err(), "delivery to " + report.topic + " failed");
    } else if (message.status() != RdKafka::Message::MSG_STATUS_PERSISTED) {
      report.error =
          Error{ErrorKind::kUnavailable, "delivery to " + report.topic + " not persisted"};
    } else {
      report.persisted = true;
    }
    reports.push_back(std::move(report));
  }
  std::vector<DeliveryReport> reports;
};

}  // namespace

struct Producer::Impl {
  DeliveryCollector collector;
  std::unique_ptr<RdKafka::Producer> producer;
};

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() {
  // Give queued messages a moment; what is not delivered is re-read from the
  // outbox by whoever owns the data.
  if (impl_ && impl_->producer) impl_->producer->flush(1000);
}

Result<std::unique_ptr<Producer>> Producer::create(const ProducerOptions& options) {
  Properties properties = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", options.idempotent ? "true" : "false"},
      {"acks", "all"},
      // A timed-out message would leave a gap; the relay re-reads instead.
      {"message.timeout.ms", "300000"},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
      // Keyed messages go where Java clients (and Kafka Streams, Connect…)
      // would put them: murmur2 of the key, as their default partitioner.
      // librdkafka's own default (CRC32) would send a customer elsewhere.
      {"partitioner", "murmur2_random"},
      // Reconnect within a second of the brokers' return (the default backs
      // off to 10 s), so the pipeline and /readyz recover in seconds.
      {"reconnect.backoff.max.ms", "1000"},
  };
  properties.insert(properties.end(), options.extra.begin(), options.extra.end());
  auto conf = makeConf(properties);
  if (!conf) return conf.error();

  auto impl = std::make_unique<Impl>();
  std::string error;
  if ((*conf)->set("dr_cb", &impl->collector, error) != RdKafka::Conf::CONF_OK) {
    return Error{ErrorKind::kInternal, "dr_cb: " + error};
  }
  impl->producer.reset(RdKafka::Producer::create(conf->get(), error));
  if (!impl->producer) {
    return Error{ErrorKind::kInvalidArgument, "cannot create Kafka producer: " + error};
  }
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Status Producer::produce(const OutgoingMessage& m) {
  RdKafka::Headers* headers = nullptr;
  if (!m.headers.empty()) {
    headers = RdKafka::Headers::create();
    for (const auto& [name, value] : m.headers) headers->add(name, value);
  }
  const auto code = impl_->producer->produce(
      m.topic, m.partition < 0 ? RdKafka::Topic::PARTITION_UA : m.partition,
      RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(m.payload.data()), m.payload.size(),
      m.key.data(), m.key.size(), 0, headers,
      // NOLINTNEXTLINE(performance-no-int-to-ptr): librdkafka carries an opaque pointer
      reinterpret_cast<void*>(static_cast<std::intptr_t>(m.correlation_id)));
  if (code != RdKafka::ERR_NO_ERROR) {
    delete headers;  // ownership passes to librdkafka only on success
    if (code == RdKafka::ERR__QUEUE_FULL)
      return Error{ErrorKind::kUnavailable, "producer queue full"};
    return toError(code, "produce to " + m.topic);
  }
  return {};
}

Status Producer::warmUp(int timeout_ms) {
  return requestMetadata(*impl_->producer, true, timeout_ms);
}

Status Producer::checkBrokers(int timeout_ms) {
  return requestMetadata(*impl_->producer, false, timeout_ms);
}

int Producer::poll(int timeout_ms) {
  return impl_->producer->poll(timeout_ms);
}

std::vector<DeliveryReport> Producer::takeDeliveryReports() {
  std::vector<DeliveryReport> out;
  out.swap(impl_->collector.reports);
  return out;
}

Status Producer::flush(int timeout_ms) {
  const auto code = impl_->producer->flush(timeout_ms);
  if (code == RdKafka::ERR_NO_ERROR) return {};
  return toError(code, std::to_string(impl_->producer->outq_len()) + " messages still outstanding");
}

int Producer::outstanding() const {
  return impl_->producer->outq_len();
}

std::optional<Error> Producer::fatalError() const {
  std::string reason;
  const auto code = impl_->producer->fatal_error(reason);
  if (code == RdKafka::ERR_NO_ERROR) return std::nullopt;
  return Error{ErrorKind::kFatal, "fatal producer error " + RdKafka::err2str(code) + ": " + reason};
}

}  // namespace core::kafka
