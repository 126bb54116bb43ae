// Proof that the broker and librdkafka 2.0.2 agree: the project's own producer
// and consumer wrappers, a consumer group, and manual offset commits.

#include <doctest/doctest.h>

#include <set>

#include "core/kafka/admin.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "support/kafka_identity.hpp"
#include "support/test_env.hpp"

using namespace core::kafka;

namespace {

struct TempTopic {
  std::string name = testing::uniqueName("it-topic");
  explicit TempTopic(int partitions = 1) {
    auto created = createTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                {{name, partitions, 1, {}}});
    REQUIRE_MESSAGE(created.ok(), created.error().message);
  }
  ~TempTopic() {
    (void)deleteTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(), {name});
  }
};

std::vector<DeliveryReport> produceAll(const std::string& topic, int count) {
  auto producer = Producer::create(
      {testing::kafkaBrokers(), "it-producer", true, testing::kafkaAdminProperties()});
  REQUIRE_MESSAGE(producer.ok(), producer.error().message);
  for (int i = 0; i < count; ++i) {
    OutgoingMessage m{topic,
                      "customer-" + std::to_string(i % 3),
                      "payload-" + std::to_string(i),
                      {{"event_type", "test"}},
                      1000 + i,
                      -1};
    auto queued = (*producer)->produce(m);
    REQUIRE_MESSAGE(queued.ok(), queued.error().message);
  }
  std::vector<DeliveryReport> reports;
  testing::waitUntil([&]() {
    (*producer)->poll(100);
    for (auto& r : (*producer)->takeDeliveryReports()) reports.push_back(std::move(r));
    return static_cast<int>(reports.size()) == count;
  });
  return reports;
}

// Consumes until `count` messages arrived or the deadline passed.
std::vector<ConsumedMessage> consume(Consumer& consumer, std::size_t count) {
  std::vector<ConsumedMessage> out;
  testing::waitUntil(
      [&]() {
        auto m = consumer.poll(200);
        REQUIRE_MESSAGE(m.ok(), m.error().message);
        if (m->has_value()) out.push_back(std::move(**m));
        return out.size() >= count;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(0));
  return out;
}

ConsumerOptions groupOptions(const std::string& topic, const std::string& group) {
  ConsumerOptions options;
  options.brokers = testing::kafkaBrokers();
  options.extra = testing::kafkaAdminProperties();
  options.group_id = group;
  options.topics = {topic};
  return options;
}

// Kafka's Java client: Utils.murmur2, the hash of its default partitioner.
std::int32_t javaMurmur2(const std::string& key) {
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const std::uint32_t length = static_cast<std::uint32_t>(key.size());
  const std::uint32_t m = 0x5bd1e995;
  std::uint32_t h = 0x9747b28c ^ length;
  for (std::uint32_t i = 0; i + 4 <= length; i += 4) {
    std::uint32_t k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
                      (static_cast<std::uint32_t>(data[i + 3]) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  const std::uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3: h ^= static_cast<std::uint32_t>(data[tail + 2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<std::uint32_t>(data[tail + 1]) << 8; [[fallthrough]];
    case 1: h ^= data[tail]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

// The partition a Java producer picks for `key`: toPositive(murmur2) % n.
int javaPartition(const std::string& key, int partitions) {
  return static_cast<int>((static_cast<std::uint32_t>(javaMurmur2(key)) & 0x7fffffff) %
                          static_cast<std::uint32_t>(partitions));
}

}  // namespace

TEST_CASE("keyed messages land on the partition a Java client computes (murmur2)") {
  // Kafka's own test vectors for Utils.murmur2 check the function above.
  CHECK(javaMurmur2("21") == -973932308);
  CHECK(javaMurmur2("foobar") == -790332482);
  CHECK(javaMurmur2("a-little-bit-long-string") == -985981536);
  CHECK(javaMurmur2("a-little-bit-longer-string") == -1486304829);
  CHECK(javaMurmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
  CHECK(javaMurmur2("abc") == 479470107);

  TempTopic topic(4);
  auto producer = Producer::create(
      {testing::kafkaBrokers(), "it-partitioner", true, testing::kafkaAdminProperties()});
  REQUIRE_MESSAGE(producer.ok(), producer.error().message);
  constexpr int kKeys = 200;
  for (int id = 1; id <= kKeys; ++id) {  // customer ids, as the relay keys them
    REQUIRE((*producer)->produce({topic.name, std::to_string(id), "{}", {}, id, -1}).ok());
  }
  std::vector<DeliveryReport> reports;
  REQUIRE(testing::waitUntil([&]() {
    (*producer)->poll(100);
    for (auto& r : (*producer)->takeDeliveryReports()) reports.push_back(std::move(r));
    return static_cast<int>(reports.size()) == kKeys;
  }));
  std::set<int> used;
  for (const auto& report : reports) {
    CAPTURE(report.correlation_id);
    REQUIRE(report.persisted);
    CHECK(report.partition == javaPartition(std::to_string(report.correlation_id), 4));
    used.insert(report.partition);
  }
  CHECK(used.size() == 4);  // the keys really spread
}

TEST_CASE("every produced message is persisted, in order, with its correlation id") {
  TempTopic topic;
  const auto reports = produceAll(topic.name, 10);
  REQUIRE(reports.size() == 10);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK_MESSAGE(reports[i].persisted, (reports[i].error ? reports[i].error->message : ""));
    CHECK(reports[i].correlation_id == 1000 + static_cast<int>(i));
    CHECK(reports[i].offset == static_cast<std::int64_t>(i));
    CHECK(reports[i].partition == 0);
  }
}

TEST_CASE("a consumer group resumes after its manually committed offset") {
  TempTopic topic;
  REQUIRE(produceAll(topic.name, 10).size() == 10);
  const auto group = testing::uniqueName("it-group");

  {
    auto first = Consumer::create(groupOptions(topic.name, group));
    REQUIRE_MESSAGE(first.ok(), first.error().message);
    const auto messages = consume(**first, 4);
    REQUIRE(messages.size() >= 4);
    CHECK(messages[0].offset == 0);
    CHECK(messages[0].payload == "payload-0");
    CHECK(messages[0].key == "customer-0");
    REQUIRE(messages[0].headers.size() == 1);
    CHECK(messages[0].headers[0].second == "test");
    // Processed 0..3: the next offset to read is 4.
    auto committed = (*first)->commit({{topic.name, 0, 4}});
    REQUIRE_MESSAGE(committed.ok(), committed.error().message);
    (*first)->close();
  }

  auto second = Consumer::create(groupOptions(topic.name, group));
  REQUIRE(second.ok());
  const auto rest = consume(**second, 6);
  REQUIRE(rest.size() == 6);
  CHECK(rest.front().offset == 4);
  CHECK(rest.front().payload == "payload-4");
  CHECK(rest.back().offset == 9);

  auto stored = (*second)->committed({{topic.name, 0, kOffsetStored}}, 10000);
  REQUIRE_MESSAGE(stored.ok(), stored.error().message);
  CHECK(stored->at(0).offset == 4);
}

TEST_CASE("the assignment hook chooses where a partition starts") {
  TempTopic topic;
  REQUIRE(produceAll(topic.name, 10).size() == 10);
  auto options = groupOptions(topic.name, testing::uniqueName("it-group-seek"));
  std::vector<PartitionOffset> seen;
  options.on_assign = [&](std::vector<PartitionOffset> partitions) {
    seen = partitions;
    for (auto& p : partitions) p.offset = 7;  // as if 0..6 were applied already
    return partitions;
  };
  auto consumer = Consumer::create(options);
  REQUIRE(consumer.ok());
  const auto messages = consume(**consumer, 3);
  REQUIRE(messages.size() == 3);
  CHECK(messages.front().offset == 7);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].topic == topic.name);
}

TEST_CASE("producing to a broker that is not there stays queued and is reported as outstanding") {
  auto producer =
      Producer::create({"127.0.0.1:1", "it-nobroker", true, {{"message.timeout.ms", "2000"}}});
  REQUIRE(producer.ok());
  REQUIRE((*producer)->produce({"nowhere", "k", "v", {}, 1, -1}).ok());
  std::vector<DeliveryReport> reports;
  testing::waitUntil([&]() {
    (*producer)->poll(100);
    for (auto& r : (*producer)->takeDeliveryReports()) reports.push_back(std::move(r));
    return !reports.empty();
  });
  REQUIRE(reports.size() == 1);
  CHECK_FALSE(reports[0].persisted);
  REQUIRE(reports[0].error.has_value());
  CHECK(reports[0].correlation_id == 1);
}

TEST_CASE("the broker check reports an unreachable cluster") {
  auto status = checkBrokers("127.0.0.1:1", {}, 1500);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == core::ErrorKind::kUnavailable);
  CHECK(status.error().message.find("127.0.0.1:1") != std::string::npos);
  CHECK(checkBrokers(testing::kafkaBrokers(), testing::kafkaAdminProperties()).ok());
}
