#pragma once
// customer-api served in-process on a free port, against its own freshly
// migrated database: real HTTP, real PostgreSQL.

#include <doctest/doctest.h>

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "api/api_service.hpp"
#include "api/customer_store.hpp"
#include "api/http_server.hpp"
#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"
#include "core/json/codec.hpp"
#include "core/metrics/registry.hpp"
#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace testing {

// Parses a response body; fails the test when it is not JSON.
inline rapidjson::Document parseJson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_MESSAGE(!doc.HasParseError(), text.substr(0, 200));
  return doc;
}

class ApiFixture {
 public:
  explicit ApiFixture(api::ServiceOptions options = {}, std::size_t threads = 2,
                      api::ServerOptions server_options = {}, api::PipelineViewOptions views = {})
      : db_("it_api") {
    const std::size_t max_body = options.max_body_bytes;
    const std::size_t pool_size = std::max<std::size_t>(1, options.workers + options.read_threads);
    {
      pqxx::connection c(db_.url());
      auto files = core::db::loadMigrations(sourcePath("sql/customers"));
      auto applied = core::db::migrate(c, *files);
      if (!applied) throw std::runtime_error(applied.error().message);
    }
    pool_ = std::make_unique<core::db::ConnectionPool>(core::db::PoolOptions{
        db_.urlAs(Role::kApi), pool_size, std::chrono::seconds(10), 5,
        [](pqxx::connection& c) { api::CustomerStore::prepareStatements(c); }});
    store_ = std::make_unique<api::CustomerStore>(*pool_, api::EventTopics{}, metrics_);
    views_ = std::make_unique<api::PipelineViews>(*pool_, std::move(views));
    service_ =
        std::make_shared<api::ApiService>(*store_, metrics_, std::move(options), views_.get());
    server_options.port = 0;
    server_options.threads = static_cast<int>(threads);
    server_options.limits.max_body_bytes = max_body;
    server_ = std::make_unique<api::HttpServer>(service_, server_options);
    server_->start();
  }

  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  const std::string& databaseUrl() const { return db_.url(); }  // as the superuser
  std::string databaseUrlAs(Role role) const { return db_.urlAs(role); }
  core::metrics::Registry& metrics() { return metrics_; }
  api::HttpServer& server() { return *server_; }
  api::CustomerStore& store() { return *store_; }

  // One value from a query on the API's database.
  long long scalar(const std::string& sql) const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<long long>();
  }
  pqxx::result query(const std::string& sql) const {
    pqxx::connection c(db_.url());
    pqxx::nontransaction tx(c);
    return tx.exec(sql);
  }

 private:
  TempDatabase db_;
  core::metrics::Registry metrics_;
  std::unique_ptr<core::db::ConnectionPool> pool_;
  std::unique_ptr<api::CustomerStore> store_;
  std::unique_ptr<api::PipelineViews> views_;
  std::shared_ptr<api::ApiService> service_;
  std::unique_ptr<api::HttpServer> server_;
};

// What a refused request must leave alone: rows of both tables and versions.
struct Snapshot {
  long long customers, outbox, max_version;
};

inline Snapshot snapshot(const ApiFixture& api) {
  return {api.scalar("SELECT count(*) FROM customers"), api.scalar("SELECT count(*) FROM outbox"),
          api.scalar("SELECT coalesce(sum(version), 0) FROM customers")};
}

inline void checkUnchanged(const ApiFixture& api, const Snapshot& before) {
  const auto after = snapshot(api);
  CHECK(after.customers == before.customers);
  CHECK(after.outbox == before.outbox);
  CHECK(after.max_version == before.max_version);
}

// The error body names `field` in fields{} (or in the message when no field applies).
inline void checkNames(const HttpResult& r, const std::string& field) {
  const auto body = parseJson(r.body);
  REQUIRE(body.HasMember("error"));
  REQUIRE(body.HasMember("message"));
  const bool in_fields = body.HasMember("fields") && body["fields"].HasMember(field.c_str());
  const bool in_message = std::string(body["message"].GetString()).find(field) != std::string::npos;
  CHECK_MESSAGE((in_fields || in_message), r.body);
}

}  // namespace testing
