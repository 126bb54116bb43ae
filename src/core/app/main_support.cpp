#include "core/app/main_support.hpp"

#include <csignal>
#include <iostream>

#include "core/exit_codes.hpp"

namespace core::app {

int runMain(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return kExitFailure;
  }
}

namespace {
// libpq and librdkafka messages may span lines; a person reads one line.
std::string oneLine(const std::string& text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}
}  // namespace

int fail(const std::string& program, const Error& error) {
  std::cerr << program << ": error: " << oneLine(error.message) << "\n";
  switch (error.kind) {
    case ErrorKind::kInvalidArgument: return kExitUsage;
    case ErrorKind::kUnavailable: return kExitUnavailable;
    default: return kExitFailure;
  }
}

void blockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error value, not a kill
}

int waitForTermination() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

}  // namespace core::app
