#pragma once
// Checks on untrusted text before it reaches PostgreSQL, which refuses
// invalid UTF-8 and cuts a value at a NUL.

#include <cstddef>
#include <string>

namespace core::text {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing past U+10FFFF) without NUL characters: what a text column accepts.
bool isStorableText(const std::string& text);

// Code points in well-formed UTF-8 (what varchar(n) counts).
std::size_t codePoints(const std::string& text);

}  // namespace core::text
