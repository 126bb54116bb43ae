#include <doctest/doctest.h>

#include "core/text/utf8.hpp"

TEST_CASE("isStorableText accepts UTF-8 and rejects overlong forms, surrogates and NUL") {
  CHECK(core::text::isStorableText(""));
  CHECK(core::text::isStorableText("plain ascii"));
  CHECK(core::text::isStorableText("\xE2\x82\xAC and \xF0\x9F\x98\x80"));  // € and 😀
  CHECK_FALSE(core::text::isStorableText("\xC0\xAF"));                     // overlong '/'
  CHECK_FALSE(core::text::isStorableText("\xED\xA0\x80"));                 // surrogate
  CHECK_FALSE(core::text::isStorableText("\xE2\x82"));                     // truncated
  CHECK_FALSE(core::text::isStorableText(std::string("a\0b", 3)));
}

TEST_CASE("codePoints counts characters, not bytes") {
  CHECK(core::text::codePoints("") == 0);
  CHECK(core::text::codePoints("abc") == 3);
  CHECK(core::text::codePoints("\xE2\x82\xAC\xF0\x9F\x98\x80") == 2);
}
