// Least privilege in PostgreSQL (sql/README.md, "Roles and grants"): each
// component's role is refused what its process must not do. What each role
// may do is proven by the rest of the suite, whose processes log in with
// their own roles; here a few allowed statements only show that a refusal is
// about the statement, not a broken login.

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "core/db/migrator.hpp"
#include "support/test_env.hpp"

namespace {

using testing::Role;
using testing::TempDatabase;

constexpr const char* kInsufficientPrivilege = "42501";

// The three databases of the pipeline, migrated (as the superuser, like every
// fixture): the migrations alone must give the roles their grants.
struct PipelineDatabases {
  TempDatabase customers{"it_roles_customers"};
  TempDatabase replica{"it_roles_replica"};
  TempDatabase notifications{"it_roles_mail"};

  PipelineDatabases() {
    migrate(customers, "sql/customers");
    migrate(replica, "sql/replica");
    migrate(notifications, "sql/notifications");
  }

  static void migrate(const TempDatabase& db, const std::string& folder) {
    pqxx::connection c(db.url());
    auto files = core::db::loadMigrations(testing::sourcePath(folder));
    REQUIRE(files.ok());
    auto applied = core::db::migrate(c, *files);
    REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string() : applied.error().message));
  }
};

// Runs `sql` on `url` in a transaction that is rolled back: the SQLSTATE it
// failed with, or "" when it ran.
std::string sqlState(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::work tx(c);
  try {
    tx.exec(sql);
    return "";
  } catch (const pqxx::insufficient_privilege&) {
    return kInsufficientPrivilege;  // libpqxx 6 leaves this class's sqlstate() empty
  } catch (const pqxx::sql_error& e) {
    return e.sqlstate();
  }
}

bool refused(const std::string& url, const std::string& sql) {
  return sqlState(url, sql) == kInsufficientPrivilege;
}

// Whether the role in `url` may open a session on its database at all.
bool connects(const std::string& url) {
  try {
    pqxx::connection c(url);
    return c.is_open();
  } catch (const pqxx::broken_connection&) {
    return false;
  }
}

}  // namespace

TEST_CASE("customer_api cannot change or delete outbox rows nor write the workers' tables") {
  PipelineDatabases dbs;
  const auto customers = dbs.customers.urlAs(Role::kApi);
  CHECK(sqlState(customers, "SELECT count(*) FROM outbox") == "");
  CHECK(refused(customers, "UPDATE outbox SET payload = '{}'"));
  CHECK(refused(customers, "UPDATE outbox SET published_at = now()"));
  CHECK(refused(customers, "DELETE FROM outbox"));
  CHECK(refused(customers, "DELETE FROM customers"));
  CHECK(refused(customers, "UPDATE customers SET id = id + 1, created_by = 'forged'"));
  CHECK(refused(customers, "TRUNCATE customers"));
  CHECK(refused(customers, "UPDATE outbox_relay_wakeup SET wanted = false"));
  CHECK(refused(customers, "SELECT * FROM schema_migrations"));

  CHECK_FALSE(connects(dbs.replica.urlAs(Role::kApi)));
  const auto notifications = dbs.notifications.urlAs(Role::kApi);
  CHECK(sqlState(notifications, "SELECT count(*) FROM notification_log") == "");
  CHECK(refused(notifications,
                "INSERT INTO notification_log (event_id, recipients, subject, "
                "status) VALUES ('e', 'r', 's', 'sent')"));
  CHECK(refused(notifications, "UPDATE notification_log SET status = 'sent'"));
  CHECK(refused(notifications, "SELECT * FROM notification_redrive"));
}

TEST_CASE("outbox_relay cannot read or write customers nor add or rewrite outbox events") {
  PipelineDatabases dbs;
  const auto relay = dbs.customers.urlAs(Role::kRelay);
  CHECK(sqlState(relay, "UPDATE outbox SET published_at = now(), attempts = 0") == "");
  CHECK(refused(relay, "SELECT * FROM customers"));
  CHECK(refused(relay, "INSERT INTO customers (name, phone, email) VALUES ('n', 'p', 'e')"));
  CHECK(refused(relay, "UPDATE customers SET name = 'x'"));
  CHECK(refused(relay, "SELECT * FROM idempotency_keys"));
  CHECK(refused(relay,
                "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, "
                "aggregate_version, event_type, payload) "
                "VALUES ('t', 'k', 'customer', 1, 1, 'x', '{}')"));
  CHECK(refused(relay, "UPDATE outbox SET payload = '{}'"));
  CHECK(refused(relay, "UPDATE outbox SET topic = 'elsewhere'"));
  CHECK_FALSE(connects(dbs.replica.urlAs(Role::kRelay)));
  CHECK_FALSE(connects(dbs.notifications.urlAs(Role::kRelay)));
}

TEST_CASE("replication_worker and notification_worker reach only their own database") {
  PipelineDatabases dbs;
  CHECK(sqlState(dbs.replica.urlAs(Role::kReplication), "SELECT count(*) FROM customers") == "");
  CHECK_FALSE(connects(dbs.customers.urlAs(Role::kReplication)));
  CHECK_FALSE(connects(dbs.notifications.urlAs(Role::kReplication)));

  CHECK(sqlState(dbs.notifications.urlAs(Role::kNotification),
                 "SELECT count(*) FROM notification_log") == "");
  CHECK_FALSE(connects(dbs.customers.urlAs(Role::kNotification)));
  CHECK_FALSE(connects(dbs.replica.urlAs(Role::kNotification)));
}

TEST_CASE("no component role creates, alters or drops anything in the pipeline's databases") {
  PipelineDatabases dbs;
  const std::vector<std::pair<std::string, std::string>> sessions = {
      {dbs.customers.urlAs(Role::kApi), "customers"},
      {dbs.customers.urlAs(Role::kRelay), "outbox"},
      {dbs.notifications.urlAs(Role::kApi), "notification_log"},
      {dbs.replica.urlAs(Role::kReplication), "customers"},
      {dbs.notifications.urlAs(Role::kNotification), "notification_log"},
  };
  for (const auto& [url, table] : sessions) {
    CAPTURE(url);
    CHECK(refused(url, "CREATE TABLE public.intruder (id int)"));
    CHECK(refused(url, "CREATE TEMPORARY TABLE intruder (id int)"));
    CHECK(refused(url, "CREATE FUNCTION public.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'"));
    CHECK(refused(url, "CREATE SCHEMA intruder"));
    // Only an owner drops or alters a table (SQLSTATE 42501 as well).
    CHECK(refused(url, "DROP TABLE " + table));
    CHECK(refused(url, "ALTER TABLE " + table + " ADD COLUMN intruder int"));
  }
}

TEST_CASE("the stack's databases belong to outbox_owner and its roles log in only by password") {
  pqxx::connection admin(testing::pgUrlBase() + "/postgres");
  pqxx::nontransaction tx(admin);
  for (const char* database : {"customers", "customers_replica", "notifications"}) {
    CAPTURE(database);
    CHECK(tx.exec_params1("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1",
                          database)[0]
              .as<std::string>() == "outbox_owner");
    pqxx::connection db(testing::pgUrlBase() + "/" + database);
    CHECK(pqxx::nontransaction(db)
              .exec1("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                     "c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S') "
                     "AND pg_get_userbyid(c.relowner) <> 'outbox_owner'")[0]
              .as<int>() == 0);
  }
  CHECK(tx.exec1("SELECT count(*) FROM pg_roles WHERE rolname IN ('outbox_owner', "
                 "'customer_api', 'outbox_relay', 'replication_worker', 'notification_worker') "
                 "AND rolcanlogin AND NOT (rolsuper OR rolcreaterole OR rolcreatedb)")[0]
            .as<int>() == 5);

  // The stack's own URL works (its password is in PGPASSFILE); a wrong one does not.
  CHECK(connects(testing::roleUrl(Role::kApi, "customers")));
  std::string forged = testing::roleUrl(Role::kApi, "customers");
  forged.insert(forged.find('@'), ":not-the-password");
  CHECK_FALSE(connects(forged));
}

TEST_CASE("pipeline-admin create-roles names the password variable that is missing") {
  const auto r = testing::runCommand(
      "env -u RELAY_DB_PASSWORD MIGRATOR_DB_PASSWORD=a API_DB_PASSWORD=b "
      "REPLICATION_DB_PASSWORD=c NOTIFICATION_DB_PASSWORD=d " +
      testing::binaryPath("src/admin/pipeline-admin") + " create-roles --database-url " +
      testing::pgUrlBase() + "/postgres");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("RELAY_DB_PASSWORD") != std::string::npos);
  CHECK(testing::lineCount(r.output) == 1);
}
