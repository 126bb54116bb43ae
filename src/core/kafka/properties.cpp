#include "core/kafka/properties.hpp"

namespace core::kafka {

Result<std::pair<std::string, std::string>> parseProperty(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Error{ErrorKind::kInvalidArgument,
                 "librdkafka property '" + text + "' is not of the form key=value"};
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

Result<std::unique_ptr<RdKafka::Conf>> makeConf(const Properties& properties) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [key, value] : properties) {
    if (conf->set(key, value, error) != RdKafka::Conf::CONF_OK) {
      return Error{ErrorKind::kInvalidArgument,
                   "librdkafka property " + key + "=" + value + ": " + error};
    }
  }
  return conf;
}

}  // namespace core::kafka
