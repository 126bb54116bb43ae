#pragma once
// pipeline-admin create-roles: the superuser step of least privilege. Creates
// (or updates) the owner and the per-component login roles with passwords
// from the environment, and hands the pipeline's databases to outbox_owner;
// the migrations, run as outbox_owner, then grant each role its tables.

#include <string>
#include <vector>

namespace admin {

// A login role and the environment variable that holds its password.
struct RoleSpec {
  const char* role;
  const char* password_env;
  // REPLICATION: outbox-relay --source wal streams a logical replication slot.
  // A cluster attribute, so granted here and not by a migration (only a
  // superuser may give it).
  bool replication = false;
};

// Every role of the pipeline, the owner first. The names are fixed: the
// migrations (sql/*/…_roles_and_grants.sql) grant to them.
inline constexpr RoleSpec kPipelineRoles[] = {
    {"outbox_owner", "MIGRATOR_DB_PASSWORD"},
    {"customer_api", "API_DB_PASSWORD"},
    {"outbox_relay", "RELAY_DB_PASSWORD", true},
    {"replication_worker", "REPLICATION_DB_PASSWORD"},
    {"notification_worker", "NOTIFICATION_DB_PASSWORD"},
};

int createRolesCommand(const std::string& program, const std::vector<std::string>& args);

}  // namespace admin
