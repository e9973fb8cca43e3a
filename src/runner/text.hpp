// runner/text.hpp: what counts as text, in one place for every input and
// output that must be text: formula files and fixtures (refused at their
// first non-text byte), error messages (kept to one printable line) and the
// XML reports (made valid character data).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gradcheck::runner::text {

/// Length of the valid UTF-8 sequence at text[at] if it is a character of
/// text, else 0. Not characters: bytes that are not UTF-8 (overlong forms,
/// surrogates, beyond U+10FFFF), U+FFFE and U+FFFF, and control characters
/// other than tab, newline and carriage return (DEL included).
std::size_t character_length(std::string_view text, std::size_t at);

/// Where `text` stops being text (character_length 0), or npos.
std::size_t first_non_text(std::string_view text);

/// `text` as one printable line: a control character (tab and newline too)
/// or a byte that is not UTF-8 shown as \xNN.
std::string printable_line(std::string_view text);

}  // namespace gradcheck::runner::text
