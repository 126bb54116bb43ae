#include "admin/create_roles.hpp"

#include <cstdlib>
#include <iostream>
#include <pqxx/pqxx>

#include "core/app/main_support.hpp"
#include "core/config/common_flags.hpp"
#include "core/db/connect.hpp"
#include "core/db/connection_url.hpp"
#include "core/exit_codes.hpp"

namespace admin {

namespace {

namespace po = core::config::po;

const core::config::DatabaseUrlFlag kSuperuserUrl{
    "database-url", "POSTGRES_ADMIN_URL",
    "PostgreSQL URL of a superuser, on any database of the server (e.g. postgres)"};

// Component roles may log in and do nothing else at the cluster level, but
// for the relay's replication connection (RoleSpec::replication).
constexpr const char* kLoginAttributes = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS ";

// customer-api's status page names the relay's leader session (its client
// address and start time), which pg_stat_activity shows other roles only
// with this read-only monitoring role.
constexpr const char* kApiStatsGrant = "GRANT pg_read_all_stats TO customer_api";

// Hands every object of the public schema that outbox_owner does not own yet
// to it (a database migrated as postgres before roles existed). Sequences
// owned by a column follow their table; extension members stay with the
// extension.
constexpr const char* kTakeOwnership = R"SQL(
DO $$
DECLARE
  object record;
BEGIN
  FOR object IN
    SELECT format('ALTER %s %s OWNER TO outbox_owner',
                  CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                 WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                  c.oid::regclass) AS statement
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND c.relowner <> 'outbox_owner'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                        AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
    UNION ALL
    SELECT format('ALTER ROUTINE %s OWNER TO outbox_owner', p.oid::regprocedure)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.proowner <> 'outbox_owner'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                        AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE object.statement;
  END LOOP;
END $$)SQL";

void ensureRole(pqxx::work& tx, const RoleSpec& spec, const std::string& password) {
  const bool exists =
      !tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", spec.role).empty();
  tx.exec(std::string(exists ? "ALTER ROLE " : "CREATE ROLE ") + tx.quote_name(spec.role) +
          kLoginAttributes + (spec.replication ? "REPLICATION" : "NOREPLICATION") + " PASSWORD " +
          tx.quote(password));
  std::cout << (exists ? "updated role " : "created role ") << spec.role << "\n";
}

void ensureDatabase(pqxx::connection& admin, const std::string& database) {
  pqxx::nontransaction tx(admin);
  const bool exists =
      !tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", database).empty();
  // CREATE DATABASE cannot run in a transaction block: hence nontransaction.
  tx.exec(std::string(exists ? "ALTER DATABASE " : "CREATE DATABASE ") + tx.quote_name(database) +
          (exists ? " OWNER TO " : " OWNER ") + "outbox_owner");
}

}  // namespace

int createRolesCommand(const std::string& program, const std::vector<std::string>& args) {
  core::config::CommandLine cli(
      program + " create-roles",
      "pipeline-admin create-roles --database-url SUPERUSER_URL [--database NAME...]",
      "Creates the pipeline's login roles, or updates them: outbox_owner (owns the schemas,\n"
      "runs migrations) and one role per component. Each role's password comes from the\n"
      "environment: MIGRATOR_DB_PASSWORD (outbox_owner), API_DB_PASSWORD (customer_api),\n"
      "RELAY_DB_PASSWORD (outbox_relay), REPLICATION_DB_PASSWORD (replication_worker),\n"
      "NOTIFICATION_DB_PASSWORD (notification_worker). Each --database is created if missing\n"
      "and handed, with its objects, to outbox_owner; then run `migrate` as outbox_owner,\n"
      "which grants each role its tables. Running it twice changes nothing but passwords.");
  core::config::addDatabaseUrlFlag(cli, kSuperuserUrl);
  cli.add("database", po::value<std::vector<std::string>>()->composing(),
          "database to create if missing and give to outbox_owner (repeatable)");
  if (auto exit = cli.parse(args)) return *exit;
  std::string url;
  if (auto e = core::config::readDatabaseUrl(cli, kSuperuserUrl, url)) return *e;

  std::vector<std::string> passwords;
  for (const auto& spec : kPipelineRoles) {
    const char* value = std::getenv(spec.password_env);
    if (value == nullptr || *value == '\0') {
      return cli.usageError(std::string(spec.password_env) + " is not set (the password of role " +
                            spec.role + ")");
    }
    passwords.emplace_back(value);
  }
  std::vector<std::string> databases;
  if (cli.has("database")) databases = cli.get<std::vector<std::string>>("database");

  auto admin = core::db::openConnection(url, 5);
  if (!admin) return core::app::fail(cli.program(), admin.error());
  try {
    {
      pqxx::work tx(**admin);
      const auto me =
          tx.exec("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user");
      if (!me[0][1].as<bool>()) {
        return cli.usageError(std::string("--database-url logs in as ") + me[0][0].c_str() +
                              ", not a superuser: only a superuser creates roles");
      }
      for (std::size_t i = 0; i < std::size(kPipelineRoles); ++i) {
        ensureRole(tx, kPipelineRoles[i], passwords[i]);
      }
      tx.exec(kApiStatsGrant);
      tx.commit();
    }
    for (const auto& database : databases) {
      ensureDatabase(**admin, database);
      auto connection = core::db::openConnection(core::db::withDatabase(url, database), 5);
      if (!connection) return core::app::fail(cli.program(), connection.error());
      pqxx::work tx(**connection);
      tx.exec(kTakeOwnership);
      tx.commit();
      std::cout << "database " << database << " owned by outbox_owner\n";
    }
  } catch (const std::exception& e) {
    std::cerr << cli.program() << ": error: " << e.what() << "\n";
    return core::kExitFailure;
  }
  return core::kExitOk;
}

}  // namespace admin
