#include "core/config/command_line.hpp"

#include <iostream>
#include <sstream>

#include "core/exit_codes.hpp"
#include "core/version.hpp"

namespace core::config {

CommandLine::CommandLine(std::string program, std::string usage, std::string summary)
    : program_(std::move(program)),
      usage_(std::move(usage)),
      summary_(std::move(summary)),
      options_("Flags", 100, 50) {
  options_.add_options()("help,h", "print this help and exit")("version",
                                                               "print the version and exit");
}

CommandLine& CommandLine::add(const std::string& name, const po::value_semantic* value,
                              const std::string& description, const std::string& env) {
  std::string text = description;
  if (!env.empty()) {
    text += " [env " + env + "]";
    env_to_option_[env] = name.substr(0, name.find(','));
  }
  options_.add_options()(name.c_str(), value, text.c_str());
  return *this;
}

CommandLine& CommandLine::addSwitch(const std::string& name, const std::string& description,
                                    const std::string& env) {
  return add(name, po::bool_switch()->default_value(false), description, env);
}

bool CommandLine::flag(const std::string& name) const {
  return has(name) && values_[name].as<bool>();
}

std::optional<int> CommandLine::parse(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return parse(args);
}

std::optional<int> CommandLine::parse(const std::vector<std::string>& args) {
  try {
    po::store(po::command_line_parser(args).options(options_).run(), values_);
    if (values_.count("help") > 0) {
      std::cout << helpText();
      return kExitOk;
    }
    if (values_.count("version") > 0) {
      std::cout << program_ << " " << kVersion << "\n";
      return kExitOk;
    }
    // Flags given on the command line win: store() keeps the first value.
    po::store(po::parse_environment(options_,
                                    [this](const std::string& env) -> std::string {
                                      auto it = env_to_option_.find(env);
                                      return it == env_to_option_.end() ? "" : it->second;
                                    }),
              values_);
    po::notify(values_);
  } catch (const po::error& e) {
    return usageError(e.what());
  }
  return std::nullopt;
}

std::string CommandLine::helpText() const {
  std::ostringstream out;
  out << "Usage: " << usage_ << "\n\n"
      << summary_ << "\n\n"
      << options_ << "\n"
      << kExitCodesHelp << "\n";
  return out.str();
}

int CommandLine::usageError(const std::string& message) const {
  std::cerr << program_ << ": error: " << message << " (see --help)\n";
  return kExitUsage;
}

}  // namespace core::config
