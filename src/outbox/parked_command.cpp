#include "outbox/parked_command.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "core/app/main_support.hpp"
#include "core/exit_codes.hpp"
#include "core/logging/logging.hpp"
#include "outbox/parked_config.hpp"
#include "outbox/text_table.hpp"

namespace outbox {

namespace {

std::string joinIds(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (const auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

}  // namespace

std::string formatParkedTable(const std::vector<ParkedRow>& rows, bool include_skipped) {
  if (rows.empty()) return include_skipped ? "No parked or skipped rows.\n" : "No parked rows.\n";
  std::vector<std::string> header = {"ID",       "AGGREGATE",    "TOPIC",   "EVENT",
                                     "ATTEMPTS", "PARKED SINCE", "WAITING", "ERROR"};
  if (include_skipped) {
    header.insert(header.end(), {"SKIPPED AT", "SKIPPED BY", "REASON"});
  }
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : rows) {
    std::vector<std::string> line = {std::to_string(r.id),
                                     r.aggregate_type + ":" + std::to_string(r.aggregate_id),
                                     r.topic,
                                     r.event_type,
                                     std::to_string(r.attempts),
                                     r.parked_at,
                                     std::to_string(r.waiting),
                                     truncateCell(r.error, 60)};
    if (include_skipped) {
      line.insert(line.end(), {r.skipped ? r.skipped_at : "-", r.skipped ? r.skipped_by : "-",
                               r.skipped ? truncateCell(r.skip_reason, 40) : "-"});
    }
    cells.push_back(std::move(line));
  }
  return formatTable(header, cells);
}

std::string formatParkedJson(const std::vector<ParkedRow>& rows) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  const auto text = [&w](const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartArray();
  for (const auto& r : rows) {
    w.StartObject();
    w.Key("id");
    w.Int64(r.id);
    text("aggregate_type", r.aggregate_type);
    w.Key("aggregate_id");
    w.Int64(r.aggregate_id);
    text("topic", r.topic);
    text("event_type", r.event_type);
    w.Key("attempts");
    w.Int(r.attempts);
    text("error", r.error);
    text("parked_at", r.parked_at);
    w.Key("waiting");
    w.Int64(r.waiting);
    w.Key("skipped");
    w.Bool(r.skipped);
    if (r.skipped) {
      text("skipped_at", r.skipped_at);
      text("skipped_by", r.skipped_by);
      text("skip_reason", r.skip_reason);
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

int runParkedCommand(const Invocation& invocation) {
  auto parsed = parseParkedConfig(invocation);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<ParkedConfig>(parsed);
  (void)core::logging::init(invocation.name, config.log_level);

  auto rows = ParkedRows::open(config.database_url);
  if (!rows) return core::app::fail(invocation.name, rows.error());
  switch (config.action) {
    case Command::kParkedRetry: {
      auto retried = (*rows)->retry(config.ids, config.all);
      if (!retried) return core::app::fail(invocation.name, retried.error());
      spdlog::info("retried parked rows ids={}", joinIds(*retried));
      std::cout << "Retried " << retried->size() << (retried->size() == 1 ? " row" : " rows")
                << (retried->empty() ? "" : ": " + joinIds(*retried)) << "\n";
      return core::kExitOk;
    }
    case Command::kParkedSkip: {
      auto skipped = (*rows)->skip(config.ids, config.by, config.reason);
      if (!skipped) return core::app::fail(invocation.name, skipped.error());
      spdlog::warn("skipped parked rows ids={} by={} reason={}", joinIds(*skipped), config.by,
                   config.reason);
      std::cout << "Skipped " << skipped->size() << (skipped->size() == 1 ? " row" : " rows")
                << ": " << joinIds(*skipped) << " (by " << config.by << ")\n";
      return core::kExitOk;
    }
    default: {
      // One row more than asked tells whether the list was cut.
      auto listed = (*rows)->list(config.include_skipped, config.limit + 1);
      if (!listed) return core::app::fail(invocation.name, listed.error());
      const bool truncated = static_cast<std::int64_t>(listed->size()) > config.limit;
      if (truncated) listed->pop_back();
      std::cout << (config.json ? formatParkedJson(*listed)
                                : formatParkedTable(*listed, config.include_skipped));
      if (truncated) {
        std::cerr << "Showing the first " << config.limit
                  << " rows; there are more (raise --limit)\n";
      }
      return core::kExitOk;
    }
  }
}

}  // namespace outbox
