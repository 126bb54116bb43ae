#include "core/json/strict_parse.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace core::json {

namespace {

constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Below this many keys an object is checked for duplicates key by key (the
// offending key can be named); above it, once at its end by sorting, so a
// hostile object with 100k keys costs n log n, not n².
constexpr std::size_t kLinearKeyCheck = 32;

std::uint64_t keyHash(const char* text, rapidjson::SizeType length) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (rapidjson::SizeType i = 0; i < length; ++i) {
    hash ^= static_cast<unsigned char>(text[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Forwards SAX events to the document, counting depth and keys per object.
class LimitingHandler {
 public:
  LimitingHandler(rapidjson::Document& document, int max_depth)
      : document_(document), max_depth_(max_depth) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned i) { return document_.Uint(i); }
  bool Int64(std::int64_t i) { return document_.Int64(i); }
  bool Uint64(std::uint64_t i) { return document_.Uint64(i); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return document_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return document_.String(s, n, copy);
  }
  bool StartArray() { return enter(false) && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return document_.EndArray(n);
  }
  bool StartObject() { return enter(true) && document_.StartObject(); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    auto& keys = keys_[static_cast<std::size_t>(depth_ - 1)];
    const auto hash = keyHash(s, n);
    if (keys.size() < kLinearKeyCheck && std::find(keys.begin(), keys.end(), hash) != keys.end()) {
      problem_ = "duplicate key \"" + std::string(s, std::min<rapidjson::SizeType>(n, 64)) + "\"";
      return false;
    }
    keys.push_back(hash);
    return document_.Key(s, n, copy);
  }
  bool EndObject(rapidjson::SizeType n) {
    auto& keys = keys_[static_cast<std::size_t>(depth_ - 1)];
    if (keys.size() > kLinearKeyCheck) {
      std::sort(keys.begin(), keys.end());
      if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
        problem_ = "duplicate key in an object of " + std::to_string(keys.size()) + " keys";
        return false;
      }
    }
    --depth_;
    return document_.EndObject(n);
  }

  const std::string& problem() const { return problem_; }

 private:
  bool enter(bool object) {
    if (++depth_ > max_depth_) {
      problem_ = "nested deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    if (object) {
      if (keys_.size() < static_cast<std::size_t>(depth_)) keys_.resize(depth_);
      keys_[static_cast<std::size_t>(depth_ - 1)].clear();
    }
    return true;
  }

  rapidjson::Document& document_;
  int max_depth_;
  int depth_ = 0;
  std::vector<std::vector<std::uint64_t>> keys_;  // per open level (objects only use theirs)
  std::string problem_;
};

}  // namespace

Status parseStrict(const std::string& text, rapidjson::Document& document,
                   const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{ErrorKind::kInvalidArgument, "JSON text of " + std::to_string(text.size()) +
                                                  " bytes exceeds the limit of " +
                                                  std::to_string(limits.max_bytes)};
  }
  LimitingHandler handler(document, limits.max_depth);
  rapidjson::ParseResult result;
  std::size_t consumed = 0;
  auto generator = [&](rapidjson::Document&) {
    rapidjson::Reader reader;
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
    result = reader.Parse<kFlags>(stream, handler);
    consumed = stream.Tell();
    // The reader takes a NUL byte for the end of the text: refuse what follows.
    if (!result.IsError() && consumed != text.size()) {
      result.Set(rapidjson::kParseErrorDocumentRootNotSingular, consumed);
    }
    return !result.IsError();
  };
  document.Populate(generator);
  if (!result.IsError()) return {};
  document.SetNull();
  const auto offset = " at offset " + std::to_string(result.Offset());
  if (!handler.problem().empty()) {
    return Error{ErrorKind::kInvalidArgument, "invalid JSON: " + handler.problem() + offset};
  }
  return Error{ErrorKind::kInvalidArgument,
               "invalid JSON" + offset + ": " + rapidjson::GetParseError_En(result.Code())};
}

}  // namespace core::json
