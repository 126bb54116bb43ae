#include "outbox/replay_command.hpp"

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <thread>

#include "core/app/main_support.hpp"
#include "core/domain/timestamp.hpp"
#include "core/exit_codes.hpp"
#include "core/kafka/admin.hpp"
#include "core/logging/logging.hpp"
#include "outbox/replay_config.hpp"
#include "outbox/text_table.hpp"

namespace outbox {

namespace {

constexpr std::size_t kReplayMaxMessageBytes = 100000000;  // the relay's own ceiling

core::Result<std::unique_ptr<core::kafka::Producer>> makeProducer(const ReplayConfig& config) {
  core::kafka::ProducerOptions options;
  options.brokers = config.brokers;
  options.client_id = "outbox-relay-replay";
  options.extra = {{"message.timeout.ms", std::to_string(config.delivery_timeout.count())},
                   // A row the relay published under a raised --max-message-bytes must
                   // replay too: librdkafka's own 1 MB check would refuse it before the
                   // broker, whose topic limit is the one that counts.
                   {"message.max.bytes", std::to_string(kReplayMaxMessageBytes)}};
  options.extra.insert(options.extra.end(), config.kafka_properties.begin(),
                       config.kafka_properties.end());
  return core::kafka::Producer::create(options);
}

}  // namespace

std::string formatDryRun(const ReplayPlan& plan, const std::vector<core::db::OutboxRow>& first,
                         const std::optional<std::string>& to_topic) {
  std::string out = "Dry run: " + std::to_string(plan.total) + " rows would be replayed (ids " +
                    std::to_string(plan.min_id) + ".." + std::to_string(plan.max_id) +
                    "); nothing was sent.\n\n";
  std::vector<std::vector<std::string>> topics;
  for (const auto& [topic, count] : plan.per_topic) {
    topics.push_back({topic, std::to_string(count), to_topic ? *to_topic : topic});
  }
  out += formatTable({"TOPIC", "ROWS", "SENT TO"}, topics);
  if (!first.empty()) {
    out += "\nFirst " + std::to_string(first.size()) + (first.size() == 1 ? " row:\n" : " rows:\n");
    std::vector<std::vector<std::string>> rows;
    rows.reserve(first.size());
    for (const auto& r : first) {
      rows.push_back({std::to_string(r.id),
                      core::domain::formatIso8601(core::domain::Timestamp{r.created_at_micros}),
                      r.topic, r.key, r.event_type, std::to_string(r.payload.size())});
    }
    out += formatTable({"ID", "CREATED AT", "TOPIC", "KEY", "EVENT", "BYTES"}, rows);
  }
  return out;
}

std::string formatReplaySummary(const ReplayPlan& plan, const ReplayOutcome& outcome) {
  std::string out = "Replayed " + std::to_string(outcome.delivered) + " of " +
                    std::to_string(plan.total) + " rows";
  std::string topics;
  for (const auto& [topic, count] : outcome.per_destination) {
    topics += (topics.empty() ? "" : ", ") + topic + ": " + std::to_string(count);
  }
  if (!topics.empty()) out += " (" + topics + ")";
  out += ".\n";
  if (outcome.failed > 0) {
    out += std::to_string(outcome.failed) + " failed, first at id " +
           std::to_string(outcome.first_failed_id.value_or(0)) + ": " + outcome.first_error + "\n";
  }
  if (outcome.interrupted) out += "Interrupted by a signal.\n";
  if (outcome.failed > 0 || outcome.not_attempted > 0) {
    out += std::to_string(outcome.not_attempted) + " rows were not attempted.";
    if (outcome.resume_from_id) {
      out += " Resume with --from-id " + std::to_string(*outcome.resume_from_id) + ".";
    }
    out += "\n";
  }
  return out;
}

int runReplayCommand(const Invocation& invocation) {
  const std::string& program = invocation.name;
  auto parsed = parseReplayConfig(invocation);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<ReplayConfig>(parsed);
  (void)core::logging::init(program, config.log_level);

  auto source = ReplaySource::open(config.database_url);
  if (!source) return core::app::fail(program, source.error());
  auto plan = (*source)->plan(config.range);
  if (!plan) return core::app::fail(program, plan.error());
  if (plan->total == 0) {
    std::cout << "Nothing to replay: no published rows in the range.\n";
    return core::kExitOk;
  }
  if (config.dry_run) {
    std::vector<core::db::OutboxRow> first;
    if (config.show > 0) {
      auto page = (*source)->page(config.range, plan->min_id - 1, plan->max_id, config.show);
      if (!page) return core::app::fail(program, page.error());
      first = std::move(page).value();
    }
    std::cout << formatDryRun(*plan, first, config.to_topic);
    return core::kExitOk;
  }

  if (auto reachable = core::kafka::checkBrokers(config.brokers, config.kafka_properties);
      !reachable) {
    return core::app::fail(program, reachable.error());
  }
  auto producer = makeProducer(config);
  if (!producer) return core::app::fail(program, producer.error());

  std::atomic<bool> stopping{false};
  std::thread signals([&stopping]() {
    const int signal_number = core::app::waitForTermination();
    if (!stopping.exchange(true)) spdlog::warn("signal {}: stopping the replay", signal_number);
  });
  spdlog::info("replaying {} rows, ids {}..{}{}", plan->total, plan->min_id, plan->max_id,
               config.to_topic ? " to " + *config.to_topic : std::string(" to their topics"));
  ProgressReporter progress(std::cerr, config.progress, "replay",
                            static_cast<std::uint64_t>(plan->total), config.progress_interval);
  auto outcome = replayRows(config, *plan, **source, **producer, progress, stopping);
  progress.finish();
  stopping = true;
  if (signals.joinable()) {
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  }
  if (!outcome) return core::app::fail(program, outcome.error());
  std::cout << formatReplaySummary(*plan, *outcome);
  const bool complete = outcome->failed == 0 && outcome->not_attempted == 0;
  if (!complete) {
    std::cerr << program << ": error: " << outcome->failed << " of " << plan->total
              << " rows failed or were not sent\n";
    return core::kExitFailure;
  }
  return core::kExitOk;
}

}  // namespace outbox
