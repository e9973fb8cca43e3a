// formula/source.hpp: the text of one formula file, positions in it, and the
// positioned error every stage (lexer, parser, shape checker, evaluator) throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gradcheck/error.hpp"

namespace gradcheck::formula {

/// 1-based line and column; the column counts characters (UTF-8 code points),
/// so that a caret printed under the line lands on the right character.
struct Position {
  int line = 1;
  int column = 1;
};

/// A formula error: what() is the one line "FILE:LINE:COL: message" (or
/// "FILE: message" when no position applies, e.g. an unreadable file); the
/// source line is kept so that a caret excerpt can be printed under it.
class FormulaError : public Error {
 public:
  FormulaError(std::string file, Position position, std::string message, std::string source_line);
  /// Without a position.
  FormulaError(std::string file, std::string message);

  const std::string& file() const noexcept { return file_; }
  /// line 0 when the error has no position.
  Position position() const noexcept { return position_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& source_line() const noexcept { return source_line_; }
  /// Two lines: the source line and a caret under the column; empty if there is
  /// no position or no printable source line (a binary file).
  std::string excerpt() const;

 private:
  std::string file_;
  Position position_;
  std::string message_;
  std::string source_line_;
};

/// The caret excerpt of `e` if it is a FormulaError, else "".
std::string caret_excerpt(const Error& e);

/// The text of a file with its name, for positions and error messages.
class Source {
 public:
  Source(std::string name, std::string text);

  const std::string& name() const noexcept { return name_; }
  const std::string& text() const noexcept { return text_; }

  /// The position of byte `offset` (offset == size() is the end of the text).
  Position position_of(std::size_t offset) const;
  /// Line `line` (1-based) without its line break.
  std::string_view line_text(int line) const;
  /// Bytes [begin, end) of the text (clipped to it) on one line: each run of
  /// whitespace and backslash continuations one space, none at either end. The
  /// text of a claim or a type, and of an expression quoted in a message.
  std::string collapsed(std::size_t begin, std::size_t end) const;
  /// Throws a FormulaError at `position`.
  [[noreturn]] void fail(Position position, const std::string& message) const;
  [[noreturn]] void fail_at(std::size_t offset, const std::string& message) const {
    fail(position_of(offset), message);
  }

 private:
  std::string name_;
  std::string text_;
  std::vector<std::size_t> line_starts_;  // byte offset of each line's first byte
};

}  // namespace gradcheck::formula
