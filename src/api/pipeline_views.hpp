#pragma once
// What the web UI shows of the pipeline, read from the databases: a
// customer's event history (the outbox, and the notification worker's log
// when the API may read it). Read-only, and never on the write path.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/event_history.hpp"
#include "core/db/pool.hpp"
#include "core/result.hpp"

namespace api {

struct PipelineViewOptions {
  // The notification worker's database, for the e-mails' state; empty: the
  // history says the state of a published e-mail is unknown.
  std::string notifications_database_url;
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

 private:
  // Fills the log columns of `emails`; false when the log cannot be read.
  bool readEmailLog(std::vector<EmailRecord*>& emails);

  core::db::ConnectionPool& customers_;
  PipelineViewOptions options_;
  std::unique_ptr<core::db::ConnectionPool> notifications_;
};

}  // namespace api
