#include "soak/workload.hpp"

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <random>

#include "support/http_client.hpp"

namespace soak {

using core::domain::CrudEventType;

namespace {

// id and version of a customer in an answer's body.
std::optional<std::pair<std::int64_t, std::int32_t>> idAndVersion(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("id") || !doc.HasMember("version")) {
    return std::nullopt;
  }
  return std::make_pair(doc["id"].GetInt64(), doc["version"].GetInt());
}

// The answer, or status 0 when there was none (connection refused or cut).
testing::HttpResult send(testing::HttpClient& http, const std::string& method,
                         const std::string& path, const std::string& body,
                         const std::vector<std::string>& headers = {}) {
  try {
    return http.request(method, path, body, headers);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

Workload::Workload(std::string api_url, std::string tag, int clients, int pause_ms)
    : api_url_(std::move(api_url)), tag_(std::move(tag)), clients_(clients), pause_ms_(pause_ms) {}

Workload::~Workload() {
  stop();
}

void Workload::start() {
  for (int client = 0; client < clients_; ++client)
    threads_.emplace_back([this, client]() { runClient(client); });
}

void Workload::stop() {
  stopping_ = true;
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

std::vector<AckedWrite> Workload::acknowledged() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return acked_;
}

void Workload::runClient(int client) {
  testing::HttpClient http(api_url_);
  std::mt19937 random(static_cast<unsigned>(client * 7919 + 17));
  std::map<std::int64_t, std::int32_t> live;  // this client's customers: id → version
  std::vector<AckedWrite> acked;
  long long writes = 0;
  const auto prefix = "c" + std::to_string(client) + "-";

  while (!stopping_) {
    ++writes;
    const auto roll = random() % 100;
    const auto name = "Soak " + prefix + std::to_string(writes);
    if (live.size() < 3 || roll < 30) {
      const auto email = tag_ + "." + prefix + std::to_string(writes) + "@example.com";
      const auto answer =
          send(http, "POST", "/api/customers",
               R"({"name":")" + name + R"(","phone":"+1 555 0100","email":")" + email + R"("})");
      const auto created = answer.status == 201 ? idAndVersion(answer.body) : std::nullopt;
      if (created) {
        live[created->first] = created->second;
        acked.push_back({created->first, created->second, CrudEventType::kCreated});
      } else {
        ++unanswered_;
      }
    } else {
      auto it = live.begin();
      std::advance(it, static_cast<long>(random() % live.size()));
      const auto id = it->first;
      const auto path = "/api/customers/" + std::to_string(id);
      if (roll < 85) {
        const auto answer = send(http, "PATCH", path, R"({"name":")" + name + R"("})");
        const auto updated = answer.status == 200 ? idAndVersion(answer.body) : std::nullopt;
        if (updated) {
          it->second = updated->second;
          acked.push_back({id, updated->second, CrudEventType::kUpdated});
        } else {
          ++unanswered_;
          live.erase(it);  // changed or not: left alone from now on
        }
      } else {
        // If-Match: the deleted row's version is the one after the known one.
        const auto answer =
            send(http, "DELETE", path, "", {"If-Match: \"" + std::to_string(it->second) + "\""});
        if (answer.status == 204) {
          acked.push_back({id, it->second + 1, CrudEventType::kDeleted});
        } else {
          ++unanswered_;
        }
        live.erase(it);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms_));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  acked_.insert(acked_.end(), acked.begin(), acked.end());
}

}  // namespace soak
