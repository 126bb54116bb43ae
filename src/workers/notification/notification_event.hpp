#pragma once
// A notification event as the worker reads it: the wire JSON (notifyTo, notifyCC
// and notifyBCC as comma-separated strings, as the API writes them, or as JSON
// arrays) decoded and its address lists split and checked.

#include <cstddef>
#include <string>
#include <vector>

#include "core/domain/events.hpp"
#include "core/result.hpp"

namespace notification {

struct Recipients {
  std::vector<std::string> to;  // entries as given ("a@x" or "Name <a@x>"), for headers
  std::vector<std::string> cc;
  std::vector<std::string> bcc;       // never written into a header
  std::vector<std::string> envelope;  // every bare address once, for RCPT TO
};

// The decoded event; kInvalidArgument naming the field when it is malformed.
core::Result<core::domain::NotificationEvent> parseNotificationEvent(const std::string& payload);

// Splits "a@x, Name <b@y>; c@z" at commas and semicolons outside quotes and
// angle brackets; empty entries are dropped.
std::vector<std::string> splitAddressList(const std::string& list);

// The bare address of an entry: "b@y" for "Name <b@y>"; kInvalidArgument when
// the entry is not a mailbox libcurl can put in RCPT TO.
core::Result<std::string> bareAddress(const std::string& entry);

// Conservative RFC 5321 check: dot-atom local part, host name or address
// literal domain, ASCII only, no spaces or control characters.
bool isValidAddress(const std::string& address);

// The recipients of an event; kInvalidArgument naming the field and entry of
// the first bad address, when the lists name more than `max_recipients`
// entries together, or when nobody is left to send to.
core::Result<Recipients> recipientsOf(const core::domain::NotificationEvent& event,
                                      std::size_t max_recipients);

}  // namespace notification
