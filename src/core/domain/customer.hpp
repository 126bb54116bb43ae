#pragma once
// A customer as stored in `customers` and carried in CRUD events. Field names
// follow the reference implementation.

#include <cstdint>
#include <string>

#include "core/domain/timestamp.hpp"

namespace core::domain {

struct Customer {
  std::int64_t id = 0;
  std::string name;
  std::string phone;
  std::string email;
  bool deleted = false;
  std::int32_t version = 0;
  Timestamp created_on;
  Timestamp updated_on;
  std::string created_by;
  std::string updated_by;

  bool operator==(const Customer& o) const {
    return id == o.id && name == o.name && phone == o.phone && email == o.email &&
           deleted == o.deleted && version == o.version && created_on == o.created_on &&
           updated_on == o.updated_on && created_by == o.created_by && updated_by == o.updated_by;
  }
};

}  // namespace core::domain
