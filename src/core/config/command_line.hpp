#pragma once
// Flag parsing shared by every executable: Boost.Program_options with an
// environment-variable fallback per flag, --help and --version built in.
// Precedence: command line, then environment, then the default.

#include <boost/program_options.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace core::config {

namespace po = boost::program_options;

class CommandLine {
 public:
  // `usage` is the first help line, e.g. "outbox-relay [flags]".
  CommandLine(std::string program, std::string usage, std::string summary);

  // Adds a flag; when `env` is not empty the variable is its fallback and the
  // help text says so.
  CommandLine& add(const std::string& name, const po::value_semantic* value,
                   const std::string& description, const std::string& env = "");
  // Adds a switch without a value (e.g. --once).
  CommandLine& addSwitch(const std::string& name, const std::string& description,
                         const std::string& env = "");

  // Parses args (without the program name). Returns an exit code when the
  // process should stop now: --help/--version printed (0), or a bad flag
  // reported on one stderr line (kExitUsage).
  std::optional<int> parse(const std::vector<std::string>& args);
  std::optional<int> parse(int argc, char** argv);

  const po::variables_map& values() const { return values_; }
  template <typename T>
  T get(const std::string& name) const {
    return values_[name].as<T>();
  }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool flag(const std::string& name) const;

  std::string helpText() const;
  // Prints "program: error: message (see --help)" and returns kExitUsage.
  int usageError(const std::string& message) const;
  const std::string& program() const { return program_; }

 private:
  std::string program_;
  std::string usage_;
  std::string summary_;
  po::options_description options_;
  std::map<std::string, std::string> env_to_option_;
  po::variables_map values_;
};

}  // namespace core::config
