#pragma once
// What std::cerr receives while a CapturedStderr lives: a flag parser's
// one-line usage error, compared byte for byte.

#include <iostream>
#include <sstream>
#include <string>

namespace testing {

class CapturedStderr {
 public:
  CapturedStderr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
  ~CapturedStderr() { std::cerr.rdbuf(old_); }
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::streambuf* old_;
};

}  // namespace testing
