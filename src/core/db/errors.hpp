#pragma once
// The one place where libpqxx exceptions become core::Error values.

#include <exception>

#include "core/result.hpp"

namespace core::db {

// Maps a caught exception: lost connections and server shutdowns are
// kUnavailable, serialization failures and deadlocks kConflict (retry the
// transaction), unique violations kConflict, other SQL errors kInternal.
Error translateException(const std::exception& e);

// Runs fn() and translates whatever libpqxx throws.
template <typename Fn>
auto guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return translateException(e);
  }
}

}  // namespace core::db
