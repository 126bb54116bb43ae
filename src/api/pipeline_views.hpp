#pragma once
// What the web UI shows of the pipeline, read from the databases: a
// customer's event history (the outbox, and the notification worker's log
// when the API may read it) and the state of the outbox and its relay.
// Read-only, and never on the write path.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/event_history.hpp"
#include "api/pipeline_status.hpp"
#include "core/db/pool.hpp"
#include "core/result.hpp"

namespace api {

struct PipelineViewOptions {
  // The notification worker's database, for the e-mails' state; empty: the
  // history says the state of a published e-mail is unknown.
  std::string notifications_database_url;
  // The processes whose /metrics the pipeline panel shows; none: only the
  // database's figures.
  std::vector<MetricsSource> metrics_sources;
  std::chrono::seconds metrics_interval{5};
  std::chrono::seconds metrics_window{300};  // how far back the panel's charts go
};

class PipelineViews {
 public:
  PipelineViews(core::db::ConnectionPool& customers, PipelineViewOptions options);
  ~PipelineViews();
  PipelineViews(const PipelineViews&) = delete;
  PipelineViews& operator=(const PipelineViews&) = delete;

  struct History {
    std::vector<HistoryEvent> events;  // newest first
    bool emails_known = false;         // the worker's log was read
  };
  // The customer's newest `limit` CRUD events still in the outbox (retention
  // deletes old published rows), each with the e-mails it caused.
  core::Result<History> history(std::int64_t customer_id, std::size_t limit);
  // The outbox's backlog and the relay leader's session, as the database sees them.
  core::Result<OutboxStatus> outbox();
  // The processes' figures, read every metrics_interval.
  PipelineFigures figures() const { return monitor_.figures(); }

 private:
  // The outbox part of history(), on a pooled customers connection.
  core::Result<History> readHistory(std::int64_t customer_id, std::size_t limit);
  // Fills the log columns of `emails`; false when the log cannot be read.
  bool readEmailLog(std::vector<EmailRecord*>& emails);

  core::db::ConnectionPool& customers_;
  PipelineViewOptions options_;
  std::unique_ptr<core::db::ConnectionPool> notifications_;
  PipelineMonitor monitor_;
};

}  // namespace api
