#pragma once
// The pipeline panel's answer (GET /api/pipeline): the outbox as the
// database sees it, the relay leader's session, and the processes' own
// figures with a few minutes of points. Pure: JSON out.

#include <cstdint>
#include <optional>
#include <string>

#include "api/pipeline_monitor.hpp"
#include "core/domain/timestamp.hpp"

namespace api {

struct RelayLeader {
  int pid = 0;                    // the leader's lock session on the server
  std::string client;             // its address as the server sees it
  core::domain::Timestamp since;  // when that session started
};

struct OutboxStatus {
  std::int64_t backlog = 0;  // unpublished, not parked
  double oldest_unpublished_age_seconds = 0;
  std::int64_t parked = 0;  // parked and not skipped
  std::optional<core::domain::Timestamp> last_published_at;
  std::optional<RelayLeader> leader;
};

std::string encodePipelineStatus(const OutboxStatus& outbox, const PipelineFigures& figures);

}  // namespace api
