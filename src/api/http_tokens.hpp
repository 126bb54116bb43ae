#pragma once
// The smallest pieces of HTTP syntax (RFC 9110 §5.6) that the request line,
// the header lines and the header fields all use.

#include <string>
#include <string_view>

namespace api {

// One or more tchar: letters, digits and !#$%&'*+-.^_`|~ (methods, header names).
bool isToken(std::string_view text);
// ASCII lower case (header names and case-insensitive values).
std::string lowerCase(std::string_view text);
// Without the optional white space (SP, HTAB) around a field value; unlike
// api::trim, nothing else counts as blank here.
std::string_view trimBlanks(std::string_view text);

}  // namespace api
