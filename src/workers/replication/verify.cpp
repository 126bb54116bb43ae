#include "workers/replication/verify.hpp"

#include <limits>
#include <optional>
#include <pqxx/pqxx>

#include "core/db/session.hpp"

namespace replication {

namespace {

// The compared columns, in one fixed text form on both sides (the sessions
// pin TimeZone and DateStyle).
#define VERIFY_COLUMNS \
  "id, version, deleted, name, phone, email, created_on, updated_on, created_by, updated_by"

// The upper bound of the chunk after `lo`: the chunk_size-th source id.
constexpr const char* kChunkEnd =
    "SELECT id FROM customers WHERE id > $1 ORDER BY id OFFSET $2 LIMIT 1";

constexpr const char* kChunkHash =
    "SELECT count(*), coalesce(md5(string_agg(ROW(" VERIFY_COLUMNS
    ")::text, E'\\n' ORDER BY id)), '') FROM customers WHERE id > $1 AND id <= $2";

constexpr const char* kChunkRows =
    "SELECT " VERIFY_COLUMNS " FROM customers WHERE id > $1 AND id <= $2 ORDER BY id";

constexpr const char* kFieldNames[] = {"id",         "version",   "deleted",    "name",
                                       "phone",      "email",     "created_on", "updated_on",
                                       "created_by", "updated_by"};
constexpr std::size_t kFieldCount = sizeof kFieldNames / sizeof kFieldNames[0];

struct Row {
  std::int64_t id = 0;
  std::vector<std::string> fields;  // text of every column, in kFieldNames order
  bool deleted() const { return fields[2] == "t"; }
};

std::string shown(const std::string& text) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  out += text.size() > kMax ? text.substr(0, kMax) + "…" : text;
  return out + "\"";
}

core::db::SessionOptions sessionOptions(const std::string& url, const char* label) {
  core::db::SessionOptions options;
  options.url = url;
  options.label = label;
  options.application_name = "replication-worker verify";
  options.settings = {{"TimeZone", "'UTC'"}, {"DateStyle", "'ISO, YMD'"}};
  options.statements = {{"verify_chunk_end", kChunkEnd},
                        {"verify_chunk_hash", kChunkHash},
                        {"verify_chunk_rows", kChunkRows}};
  return options;
}

// One side's snapshot.
class Side {
 public:
  explicit Side(pqxx::connection& connection) : tx_(connection) {}

  std::optional<std::int64_t> chunkEnd(std::int64_t lo, std::size_t chunk_size) {
    const auto r =
        tx_.exec_prepared("verify_chunk_end", lo, static_cast<std::int64_t>(chunk_size - 1));
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::int64_t>();
  }

  std::pair<std::size_t, std::string> hash(std::int64_t lo, std::int64_t hi) {
    const auto r = tx_.exec_prepared1("verify_chunk_hash", lo, hi);
    return {r[0].as<std::size_t>(), r[1].c_str()};
  }

  std::vector<Row> rows(std::int64_t lo, std::int64_t hi) {
    std::vector<Row> out;
    for (const auto& r : tx_.exec_prepared("verify_chunk_rows", lo, hi)) {
      Row row;
      row.id = r[0].as<std::int64_t>();
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        row.fields.emplace_back(r[static_cast<int>(i)].is_null() ? "NULL"
                                                                 : r[static_cast<int>(i)].c_str());
      }
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx_;
};

void note(VerifyReport& report, const VerifyOptions& options, DifferenceKind kind, std::int64_t id,
          std::string detail) {
  switch (kind) {
    case DifferenceKind::kMissing: ++report.missing; break;
    case DifferenceKind::kExtra: ++report.extra; break;
    case DifferenceKind::kDifferent: ++report.different; break;
  }
  if (options.repair) report.differing_ids.push_back(id);
  if (report.listed.size() < options.max_listed) {
    report.listed.push_back({kind, id, std::move(detail)});
  }
}

void compareRows(const std::vector<Row>& source, const std::vector<Row>& replica,
                 VerifyReport& report, const VerifyOptions& options) {
  std::size_t s = 0;
  std::size_t r = 0;
  while (s < source.size() || r < replica.size()) {
    if (r == replica.size() || (s < source.size() && source[s].id < replica[r].id)) {
      const auto& row = source[s++];
      note(report, options, DifferenceKind::kMissing, row.id,
           "in the source (version " + row.fields[1] + (row.deleted() ? ", deleted" : "") +
               "), not in the replica" +
               (row.deleted() ? " (a deleted customer must stay as a tombstone)" : ""));
      continue;
    }
    if (s == source.size() || replica[r].id < source[s].id) {
      const auto& row = replica[r++];
      note(report, options, DifferenceKind::kExtra, row.id,
           "in the replica (version " + row.fields[1] + (row.deleted() ? ", tombstone" : "") +
               "), not in the source");
      continue;
    }
    const auto& a = source[s++];
    const auto& b = replica[r++];
    std::string detail;
    for (std::size_t i = 1; i < kFieldCount; ++i) {
      if (a.fields[i] == b.fields[i]) continue;
      if (!detail.empty()) detail += "; ";
      detail += std::string(kFieldNames[i]) + " source=" + shown(a.fields[i]) +
                " replica=" + shown(b.fields[i]);
    }
    if (!detail.empty()) note(report, options, DifferenceKind::kDifferent, a.id, detail);
  }
}

VerifyReport compareSides(Side& source, Side& replica, const VerifyOptions& options) {
  VerifyReport report;
  const std::size_t chunk_size = options.chunk_size == 0 ? 1 : options.chunk_size;
  std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  while (true) {
    const auto end = source.chunkEnd(lo, chunk_size);
    const std::int64_t hi = end ? *end : std::numeric_limits<std::int64_t>::max();
    ++report.chunks;
    const auto [source_count, source_hash] = source.hash(lo, hi);
    const auto [replica_count, replica_hash] = replica.hash(lo, hi);
    report.source_rows += source_count;
    report.replica_rows += replica_count;
    if (source_count != replica_count || source_hash != replica_hash) {
      ++report.chunks_read;
      compareRows(source.rows(lo, hi), replica.rows(lo, hi), report, options);
    }
    if (!end) break;
    lo = hi;
  }
  return report;
}

}  // namespace

core::Result<VerifyReport> verifyReplica(const VerifyOptions& options) {
  core::db::Session source(sessionOptions(options.source_url, "source database"));
  core::db::Session replica(sessionOptions(options.replica_url, "replica database"));
  return source.run([&](pqxx::connection& source_connection) {
    return replica.run([&](pqxx::connection& replica_connection) -> core::Result<VerifyReport> {
      Side source_side(source_connection);
      Side replica_side(replica_connection);
      return compareSides(source_side, replica_side, options);
    });
  });
}

std::string formatReport(const VerifyReport& report) {
  std::string out;
  for (const auto& d : report.listed) {
    const char* label = d.kind == DifferenceKind::kMissing ? "missing"
                        : d.kind == DifferenceKind::kExtra ? "extra  "
                                                           : "differs";
    out += std::string(label) + " id=" + std::to_string(d.id) + ": " + d.detail + "\n";
  }
  const std::size_t total = report.missing + report.extra + report.different;
  if (total > report.listed.size()) {
    out += "... and " + std::to_string(total - report.listed.size()) + " more differences\n";
  }
  out += std::string(report.equal() ? "EQUAL" : "DIFFERENT") +
         ": source rows=" + std::to_string(report.source_rows) +
         " replica rows=" + std::to_string(report.replica_rows) +
         " missing=" + std::to_string(report.missing) + " extra=" + std::to_string(report.extra) +
         " different=" + std::to_string(report.different) +
         " (chunks=" + std::to_string(report.chunks) +
         ", read row by row=" + std::to_string(report.chunks_read) + ")\n";
  return out;
}

}  // namespace replication
