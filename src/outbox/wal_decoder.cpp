#include "outbox/wal_decoder.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace outbox {

namespace {

// The outbox columns a row needs, in the order of `Relation::positions`.
enum OutboxColumn {
  kId,
  kTopic,
  kKafkaKey,
  kAggregateType,
  kAggregateId,
  kAggregateVersion,
  kEventType,
  kPayload,
  kHeaders,
  kCreatedAt,
  kAttempts,
  kColumnCount
};
constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "id",         "topic",   "kafka_key", "aggregate_type", "aggregate_id", "aggregate_version",
    "event_type", "payload", "headers",   "created_at",     "attempts"};

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Network byte order reads over one message; running past its end is malformed.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t unsignedInt(std::size_t size) {
    need(size);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes_[at_ + i]);
    }
    at_ += size;
    return value;
  }
  char byte() { return static_cast<char>(unsignedInt(1)); }
  std::int16_t int16() { return static_cast<std::int16_t>(unsignedInt(2)); }
  std::int32_t int32() { return static_cast<std::int32_t>(unsignedInt(4)); }
  std::uint64_t uint64() { return unsignedInt(8); }
  std::string_view bytes(std::size_t size) {
    need(size);
    const auto out = bytes_.substr(at_, size);
    at_ += size;
    return out;
  }
  std::string_view cString() {
    const auto end = bytes_.find('\0', at_);
    if (end == std::string_view::npos) throw Malformed("a string without its terminating zero");
    const auto out = bytes_.substr(at_, end - at_);
    at_ = end + 1;
    return out;
  }

 private:
  void need(std::size_t size) const {
    if (bytes_.size() - at_ < size) throw Malformed("the message ends too early");
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};

// A tuple's columns as text; nullopt for NULL.
std::vector<std::optional<std::string_view>> readTuple(Reader& in) {
  const auto count = in.int16();
  if (count < 0) throw Malformed("a negative column count");
  std::vector<std::optional<std::string_view>> columns;
  columns.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    switch (const char kind = in.byte()) {
      case 'n': columns.emplace_back(std::nullopt); break;
      case 't': {
        const auto size = in.int32();
        if (size < 0) throw Malformed("a negative value length");
        columns.emplace_back(in.bytes(static_cast<std::size_t>(size)));
        break;
      }
      // 'u' (an unchanged TOAST value) exists only in updates; 'b' only in
      // binary mode, which the relay does not ask for.
      default: throw Malformed(std::string("unexpected tuple column kind '") + kind + "'");
    }
  }
  return columns;
}

template <typename Integer>
Integer toInteger(std::string_view text, const char* column) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw Malformed(std::string("column ") + column + " is not an integer: " + std::string(text));
  }
  return value;
}

core::db::OutboxRow toOutboxRow(const std::vector<int>& positions,
                                const std::vector<std::optional<std::string_view>>& tuple) {
  const auto text = [&](OutboxColumn column) -> std::optional<std::string_view> {
    const int at = positions[column];
    if (at < 0 || static_cast<std::size_t>(at) >= tuple.size()) {
      throw Malformed(std::string("the insert has no column ") + kColumnNames[column]);
    }
    return tuple[static_cast<std::size_t>(at)];
  };
  const auto required = [&](OutboxColumn column) -> std::string_view {
    auto value = text(column);
    if (!value) throw Malformed(std::string("column ") + kColumnNames[column] + " is NULL");
    return *value;
  };
  core::db::OutboxRow row;
  row.id = toInteger<std::int64_t>(required(kId), "id");
  row.topic = std::string(required(kTopic));
  row.key = std::string(required(kKafkaKey));
  row.aggregate_type = std::string(required(kAggregateType));
  row.aggregate_id = toInteger<std::int64_t>(required(kAggregateId), "aggregate_id");
  row.aggregate_version = toInteger<std::int32_t>(required(kAggregateVersion), "aggregate_version");
  row.event_type = std::string(required(kEventType));
  row.payload = std::string(required(kPayload));
  if (auto headers = text(kHeaders)) row.headers = core::db::parseHeaders(*headers);
  const auto created_at = parsePgTimestamp(required(kCreatedAt));
  if (!created_at) {
    throw Malformed("column created_at is not an ISO timestamp: " +
                    std::string(required(kCreatedAt)));
  }
  row.created_at_micros = *created_at;
  if (auto attempts = text(kAttempts)) row.attempts = toInteger<int>(*attempts, "attempts");
  return row;
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string formatLsn(Lsn lsn) {
  char text[32];
  std::snprintf(text, sizeof text, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xffffffffU));
  return text;
}

std::optional<Lsn> parseLsn(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return {};
  std::uint32_t high = 0, low = 0;
  const auto high_end = text.data() + slash;
  const auto end = text.data() + text.size();
  const auto h = std::from_chars(text.data(), high_end, high, 16);
  const auto l = std::from_chars(high_end + 1, end, low, 16);
  if (h.ec != std::errc() || h.ptr != high_end || l.ec != std::errc() || l.ptr != end) return {};
  return (static_cast<Lsn>(high) << 32) | low;
}

std::optional<std::int64_t> parsePgTimestamp(std::string_view text) {
  // YYYY-MM-DD HH:MM:SS[.f{1,6}](+|-)HH[:MM]
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != ' ' && text[10] != 'T') || !digits(text, 11, 2, hour) || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return {};
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return {};
  }
  std::size_t at = 19;
  std::int64_t micros = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int places = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (places == 6) return {};
      micros = micros * 10 + (text[at] - '0');
      ++places;
      ++at;
    }
    if (places == 0) return {};
    for (; places < 6; ++places) micros *= 10;
  }
  int offset_minutes = 0;
  if (at < text.size()) {
    const char sign = text[at];
    int offset_hours = 0, extra_minutes = 0;
    if ((sign != '+' && sign != '-') || !digits(text, at + 1, 2, offset_hours)) return {};
    at += 3;
    if (at < text.size()) {
      if (text[at] != ':' || !digits(text, at + 1, 2, extra_minutes)) return {};
      at += 3;
    }
    if (at != text.size()) return {};
    offset_minutes = (offset_hours * 60 + extra_minutes) * (sign == '-' ? -1 : 1);
  }
  const std::int64_t minutes_of_day = std::int64_t{hour} * 60 + minute - offset_minutes;
  const std::int64_t seconds =
      daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      minutes_of_day * 60 + second;
  return seconds * 1000000 + micros;
}

void WalDecoder::reset() {
  relations_.clear();
  open_.reset();
}

core::Result<std::optional<WalTransaction>> WalDecoder::decode(std::string_view message) {
  try {
    return decodeChecked(message);
  } catch (const Malformed& e) {
    const char kind = message.empty() ? '?' : message[0];
    return core::Error{core::ErrorKind::kInternal,
                       std::string("pgoutput message '") + kind + "': " + e.what()};
  }
}

core::Result<std::optional<WalTransaction>> WalDecoder::decodeChecked(std::string_view message) {
  Reader in(message);
  const std::optional<WalTransaction> kNoTransaction;
  switch (const char kind = in.byte()) {
    case 'B': {
      if (open_) throw Malformed("Begin inside a transaction");
      open_.emplace();
      (void)in.uint64();  // final LSN, the Commit repeats it
      return kNoTransaction;
    }
    case 'C': {
      if (!open_) throw Malformed("Commit outside a transaction");
      (void)in.byte();  // flags, unused
      open_->commit_lsn = in.uint64();
      open_->end_lsn = in.uint64();
      auto done = std::move(*open_);
      open_.reset();
      return std::optional<WalTransaction>(std::move(done));
    }
    case 'R': {
      const auto id = static_cast<std::uint32_t>(in.int32());
      Relation relation;
      const auto schema = in.cString();
      relation.name = std::string(schema) + "." + std::string(in.cString());
      (void)in.byte();  // replica identity
      const auto count = in.int16();
      relation.positions.assign(kColumnCount, -1);
      for (int i = 0; i < count; ++i) {
        (void)in.byte();  // flags (part of the key)
        const auto name = in.cString();
        (void)in.int32();  // type oid
        (void)in.int32();  // type modifier
        for (int c = 0; c < kColumnCount; ++c) {
          if (name == kColumnNames[static_cast<std::size_t>(c)]) {
            relation.positions[static_cast<std::size_t>(c)] = i;
          }
        }
      }
      relations_[id] = std::move(relation);
      return kNoTransaction;
    }
    case 'I': {
      if (!open_) throw Malformed("Insert outside a transaction");
      const auto id = static_cast<std::uint32_t>(in.int32());
      const auto relation = relations_.find(id);
      if (relation == relations_.end()) {
        throw Malformed("Insert into relation " + std::to_string(id) + " before its Relation");
      }
      if (in.byte() != 'N') throw Malformed("Insert without its new tuple");
      try {
        open_->rows.push_back(toOutboxRow(relation->second.positions, readTuple(in)));
      } catch (const Malformed& e) {
        throw Malformed(relation->second.name + ": " + e.what());
      }
      return kNoTransaction;
    }
    // Origin, Type, logical Message; Update, Delete, Truncate (not published).
    case 'O':
    case 'Y':
    case 'M':
    case 'U':
    case 'D':
    case 'T': return kNoTransaction;
    default: throw Malformed(std::string("unknown message type '") + kind + "'");
  }
}

}  // namespace outbox
