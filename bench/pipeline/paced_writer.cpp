// Drives customer-api at a fixed rate, like a steady production load: THREADS
// keep-alive connections, each sending on its own schedule (an open-loop
// schedule, so a slow response does not lower the offered rate). Alternates
// creates and updates of the customers it created. Prints the achieved rate
// and the HTTP latency percentiles.
//   paced-writer BASE_URL RATE SECONDS [THREADS=4]

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The "id" of a customer in a JSON response body, or -1.
long long idOf(const std::string& body) {
  const auto at = body.find("\"id\":");
  return at == std::string::npos ? -1 : std::atoll(body.c_str() + at + 5);
}

struct ThreadResult {
  std::vector<double> latencies_ms;
  int errors = 0;
};

void run(const std::string& base, double rate, double seconds, int thread_index,
         ThreadResult& result) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::string body;
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  const auto start = Clock::now();
  std::vector<long long> ids;
  for (long n = 0;; ++n) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * n);
    if (due - start > std::chrono::duration<double>(seconds)) break;
    std::this_thread::sleep_until(due);
    std::string payload;
    std::string url;
    const bool update = n % 2 == 1 && !ids.empty();
    if (update) {
      url = base + "/api/customers/" + std::to_string(ids[static_cast<size_t>(n) % ids.size()]);
      payload =
          "{\"name\":\"Paced " + std::to_string(thread_index) + " " + std::to_string(n) + "\"}";
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PATCH");
    } else {
      url = base + "/api/customers";
      payload = "{\"name\":\"Paced " + std::to_string(thread_index) + " " + std::to_string(n) +
                "\",\"phone\":\"+1 555 0100\",\"email\":\"paced" + std::to_string(thread_index) +
                "." + std::to_string(n) + "@example.com\"}";
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    body.clear();
    const auto sent = Clock::now();
    const auto code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    // Latency from the scheduled time: queueing behind a slow request counts.
    result.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - std::min(sent, due)).count());
    if (code != CURLE_OK || status >= 300) {
      ++result.errors;
    } else if (!update) {
      ids.push_back(idOf(body));
    }
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(k), values.end());
  return values[k];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: paced-writer BASE_URL RATE SECONDS [THREADS=4]\n");
    return 2;
  }
  const std::string base = argv[1];
  const double rate = std::atof(argv[2]);
  const double seconds = std::atof(argv[3]);
  const int threads = argc > 4 ? std::atoi(argv[4]) : 4;
  if (rate <= 0 || seconds <= 0 || threads <= 0) {
    std::fprintf(stderr, "paced-writer: RATE, SECONDS and THREADS must be positive\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<ThreadResult> results(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back(run, base, rate / threads, seconds, i,
                         std::ref(results[static_cast<size_t>(i)]));
  }
  for (auto& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  int errors = 0;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    errors += r.errors;
  }
  const auto requests = all.size();
  std::printf("requests=%zu errors=%d rate=%.0f/s http_p50_ms=%.2f http_p99_ms=%.2f\n", requests,
              errors, static_cast<double>(requests) / elapsed, percentile(all, 0.50),
              percentile(all, 0.99));
  curl_global_cleanup();
  return errors == 0 ? 0 : 1;
}
