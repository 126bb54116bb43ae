#pragma once
// Expected failures travel as values. Exceptions are for "cannot continue".

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace core {

enum class ErrorKind {
  kInvalidArgument,     // caller's input is wrong; retrying will not help
  kNotFound,            // the thing asked for does not exist
  kConflict,            // the state changed underneath (unique key, serialization)
  kPreconditionFailed,  // the caller's expected version is not the current one
  kUnavailable,         // a dependency is down or overloaded; retry later
  kPermanent,           // a dependency refused for good (message too large, ...)
  kFatal,               // the component must be rebuilt (fatal producer error)
  kInternal,            // a bug or an unexpected failure
};

const char* errorKindName(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->checked(); }
  T& operator*() { return checked(); }
  const T& operator*() const { return const_cast<Result*>(this)->checked(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  T& checked() {
    if (!ok()) throw std::logic_error("Result::value() on error: " + error().message);
    return std::get<T>(state_);
  }
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error)
      : error_(std::move(error)), failed_(true) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

inline const char* errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid_argument";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kPreconditionFailed: return "precondition_failed";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kPermanent: return "permanent";
    case ErrorKind::kFatal: return "fatal";
    case ErrorKind::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace core
