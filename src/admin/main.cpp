// pipeline-admin: operator commands that are not part of a daemon.
//   create-roles   create the login roles and hand the databases to outbox_owner
//   migrate        apply pending sql/ migrations to one database
//   create-topics  create missing Kafka topics (1 partition by default)
//   delete-topics  delete Kafka topics (benchmarks and tests clean up with it)
//   kafka-acls     grant each component's Kafka user what it needs, nothing more

#include <iostream>
#include <iterator>
#include <pqxx/pqxx>
#include <utility>
#include <vector>

#include "admin/create_roles.hpp"
#include "core/app/main_support.hpp"
#include "core/config/common_flags.hpp"
#include "core/db/connect.hpp"
#include "core/db/migrator.hpp"
#include "core/domain/events.hpp"
#include "core/exit_codes.hpp"
#include "core/kafka/acls.hpp"
#include "core/kafka/admin.hpp"
#include "core/version.hpp"

namespace {

namespace po = core::config::po;
constexpr const char* kProgram = "pipeline-admin";
const core::config::DatabaseUrlFlag kDatabaseUrl{"database-url", "DATABASE_URL",
                                                 "PostgreSQL URL of the database to migrate"};

int migrateCommand(const std::vector<std::string>& args) {
  core::config::CommandLine cli(
      std::string(kProgram) + " migrate", "pipeline-admin migrate --database-url URL --dir FOLDER",
      "Applies the pending NNNN_name.sql files of FOLDER in order, each in "
      "its own transaction,\nand records them in schema_migrations. "
      "Running it twice applies nothing the second time.");
  core::config::addDatabaseUrlFlag(cli, kDatabaseUrl);
  cli.add("dir", po::value<std::string>(), "folder holding the migration files");
  if (auto exit = cli.parse(args)) return *exit;
  std::string url;
  if (auto e = core::config::readDatabaseUrl(cli, kDatabaseUrl, url)) return *e;
  if (!cli.has("dir")) return cli.usageError("--dir is required");

  auto migrations = core::db::loadMigrations(cli.get<std::string>("dir"));
  if (!migrations) return core::app::fail(cli.program(), migrations.error());
  auto connection = core::db::openConnection(url, 5);
  if (!connection) return core::app::fail(cli.program(), connection.error());
  auto report = core::db::migrate(**connection, *migrations);
  if (!report) return core::app::fail(cli.program(), report.error());
  for (const auto& name : report->applied) std::cout << "applied " << name << "\n";
  std::cout << (*connection)->dbname() << ": " << report->applied.size() << " applied, "
            << report->already_applied << " already present\n";
  return core::kExitOk;
}

int createTopicsCommand(const std::vector<std::string>& args) {
  core::config::CommandLine cli(
      std::string(kProgram) + " create-topics",
      "pipeline-admin create-topics --brokers HOST:PORT [--topic NAME...]",
      "Creates the topics that do not exist yet; existing ones are left alone. Without\n"
      "--topic: the pipeline's own topics under their default names.");
  core::config::addBrokersFlag(cli);
  cli.add("topic", po::value<std::vector<std::string>>()->composing(),
          "topic to create (repeatable; default: every topic of the pipeline)");
  cli.add("partitions", po::value<int>()->default_value(1), "partitions of each new topic");
  cli.add("replication-factor", po::value<int>()->default_value(1), "replicas of each partition");
  if (auto exit = cli.parse(args)) return *exit;
  std::string brokers;
  if (auto e = core::config::readBrokers(cli, brokers)) return *e;
  core::kafka::Properties client;
  if (auto e = core::config::readKafkaSecurity(cli, client)) return *e;
  if (cli.get<int>("partitions") < 1) return cli.usageError("--partitions must be at least 1");

  std::vector<core::kafka::TopicSpec> topics;
  std::vector<std::string> names(std::begin(core::domain::kPipelineTopics),
                                 std::end(core::domain::kPipelineTopics));
  if (cli.has("topic")) names = cli.get<std::vector<std::string>>("topic");
  topics.reserve(names.size());
  for (const auto& name : names) {
    topics.push_back({name, cli.get<int>("partitions"), cli.get<int>("replication-factor"), {}});
  }
  if (auto reachable = core::kafka::checkBrokers(brokers, client); !reachable) {
    return core::app::fail(cli.program(), reachable.error());
  }
  if (auto created = core::kafka::createTopics(brokers, client, topics); !created) {
    return core::app::fail(cli.program(), created.error());
  }
  std::cout << topics.size() << " topics present on " << brokers << "\n";
  return core::kExitOk;
}

int deleteTopicsCommand(const std::vector<std::string>& args) {
  core::config::CommandLine cli(std::string(kProgram) + " delete-topics",
                                "pipeline-admin delete-topics --brokers HOST:PORT --topic NAME...",
                                "Deletes the named topics and every message in them.");
  core::config::addBrokersFlag(cli);
  cli.add("topic", po::value<std::vector<std::string>>()->composing(),
          "topic to delete (repeatable)");
  if (auto exit = cli.parse(args)) return *exit;
  std::string brokers;
  if (auto e = core::config::readBrokers(cli, brokers)) return *e;
  core::kafka::Properties client;
  if (auto e = core::config::readKafkaSecurity(cli, client)) return *e;
  if (auto reachable = core::kafka::checkBrokers(brokers, client); !reachable) {
    return core::app::fail(cli.program(), reachable.error());
  }
  const auto topics = cli.get<std::vector<std::string>>("topic");
  if (auto deleted = core::kafka::deleteTopics(brokers, client, topics); !deleted) {
    return core::app::fail(cli.program(), deleted.error());
  }
  std::cout << topics.size() << " topics deleted on " << brokers << "\n";
  return core::kExitOk;
}

int kafkaAclsCommand(const std::vector<std::string>& args) {
  core::config::CommandLine cli(
      std::string(kProgram) + " kafka-acls",
      "pipeline-admin kafka-acls --brokers HOST:PORT --kafka-security-protocol sasl_plaintext "
      "--kafka-user pipeline-admin --kafka-password-file FILE",
      "Grants each component's Kafka user what it needs on the pipeline's topics and groups:\n"
      "outbox-relay writes the CRUD and notification topics; replication-worker reads CRUD\n"
      "(group replication-worker) and writes its dead-letter topic; notification-worker reads\n"
      "the notification and retry topics (group notification-worker) and writes retry and\n"
      "FAILED. Existing grants are left alone: running it twice changes nothing. Run it as\n"
      "the broker's super user. The name flags grant the same on other names (benchmarks,\n"
      "tests, a deployment that renamed its topics).");
  core::config::addBrokersFlag(cli);
  core::kafka::PipelineNames names;
  const std::vector<std::pair<const char*, std::string*>> name_flags = {
      {"crud-topic", &names.crud_topic},
      {"crud-dead-letter-topic", &names.crud_dead_letter_topic},
      {"notification-topic", &names.notification_topic},
      {"notification-retry-topic", &names.notification_retry_topic},
      {"notification-failed-topic", &names.notification_failed_topic},
      {"replication-group", &names.replication_group},
      {"notification-group", &names.notification_group}};
  for (const auto& [flag, name] : name_flags) {
    cli.add(flag, po::value<std::string>()->default_value(*name), "name to grant on");
  }
  if (auto exit = cli.parse(args)) return *exit;
  std::string brokers;
  if (auto e = core::config::readBrokers(cli, brokers)) return *e;
  core::kafka::Properties client;
  if (auto e = core::config::readKafkaSecurity(cli, client)) return *e;
  for (const auto& [flag, name] : name_flags) {
    *name = cli.get<std::string>(flag);
    if (name->empty()) return cli.usageError("--" + std::string(flag) + " must not be empty");
  }
  const auto rules = core::kafka::pipelineAcls(names);
  if (auto granted = core::kafka::createAcls(brokers, client, rules); !granted) {
    return core::app::fail(cli.program(), granted.error());
  }
  std::cout << rules.size() << " ACLs present on " << brokers << "\n";
  return core::kExitOk;
}

constexpr const char* kUsage =
    "Usage: pipeline-admin COMMAND [flags]\n\n"
    "Commands:\n"
    "  create-roles   create the pipeline's login roles (as a superuser, once)\n"
    "  migrate        apply pending SQL migrations to one database\n"
    "  create-topics  create missing Kafka topics\n"
    "  delete-topics  delete Kafka topics and their messages\n"
    "  kafka-acls     grant each component's Kafka user its topics and group\n\n"
    "Run 'pipeline-admin COMMAND --help' for the flags of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  return core::app::runMain(kProgram, [&]() -> int {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
      std::cerr << kUsage;
      return core::kExitUsage;
    }
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "create-roles") return admin::createRolesCommand(kProgram, args);
    if (command == "migrate") return migrateCommand(args);
    if (command == "create-topics") return createTopicsCommand(args);
    if (command == "delete-topics") return deleteTopicsCommand(args);
    if (command == "kafka-acls") return kafkaAclsCommand(args);
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return core::kExitOk;
    }
    if (command == "--version") {
      std::cout << kProgram << " " << core::kVersion << "\n";
      return core::kExitOk;
    }
    std::cerr << kProgram << ": error: unknown command '" << command << "' (see --help)\n";
    return core::kExitUsage;
  });
}
