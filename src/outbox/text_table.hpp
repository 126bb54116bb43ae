#pragma once
// Plain aligned text tables for operator output.

#include <string>
#include <vector>

namespace outbox {

// Columns separated by two spaces, padded to the widest cell; the last column
// is not padded. Every row must have as many cells as the header.
std::string formatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// At most `width` characters, the cut marked with "..."; newlines become spaces.
std::string truncateCell(const std::string& text, std::size_t width);

}  // namespace outbox
