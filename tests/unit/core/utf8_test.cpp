#include <doctest/doctest.h>

#include "core/logging/logging.hpp"
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

TEST_CASE("printable escapes what could forge or break a log line") {
  using core::logging::printable;
  CHECK(printable("/api/customers/1") == "/api/customers/1");
  CHECK(printable("/a\r\n2026-11-30 info forged line") ==
        "/a\\x0D\\x0A2026-11-30 info forged line");
  CHECK(printable(std::string("nul\0x", 5)) == "nul\\x00x");
  CHECK(printable("\x1b[31mred") == "\\x1B[31mred");
  CHECK(printable("back\\slash") == "back\\\\slash");
  CHECK(printable("caf\xC3\xA9 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xF0\x9F\x98\x80");  // kept
  CHECK(printable("bad \xC0\xAF \xFF") == "bad \\xC0\\xAF \\xFF");
  CHECK(printable("cut \xE2\x82") == "cut \\xE2\\x82");
  CHECK(printable(std::string(300, 'a'), 10) == std::string(10, 'a') + "\xE2\x80\xA6");
}
