#include "formula/source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace gradcheck::formula {
namespace {

std::string one_line(const std::string& file, Position p, const std::string& message) {
  if (p.line <= 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, p.line, p.column, message);
}

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

}  // namespace

FormulaError::FormulaError(std::string file, Position position, std::string message, std::string source_line)
    : Error(one_line(file, position, message)),
      file_(std::move(file)),
      position_(position),
      message_(std::move(message)),
      source_line_(std::move(source_line)) {}

FormulaError::FormulaError(std::string file, std::string message)
    : FormulaError(std::move(file), Position{0, 0}, std::move(message), {}) {}

std::string FormulaError::excerpt() const {
  if (position_.line <= 0 || source_line_.empty()) return {};
  // Characters (not bytes) of the line, so that the caret lands on the column.
  std::vector<std::string_view> chars;
  for (std::size_t i = 0; i < source_line_.size(); ++i) {
    if (!is_continuation_byte(source_line_[i]) || chars.empty()) {
      chars.emplace_back(source_line_.data() + i, 1);
    } else {
      chars.back() = std::string_view(chars.back().data(), chars.back().size() + 1);
    }
  }
  // A long line is cut to a window around the column.
  constexpr std::size_t width = 100;
  const auto column = static_cast<std::size_t>(position_.column - 1);
  std::size_t first = 0;
  if (chars.size() > width && column > width / 2) first = std::min(column - width / 2, chars.size() - width);
  const std::size_t last = std::min(chars.size(), first + width);
  std::string line = first > 0 ? "..." : "";
  std::string caret = first > 0 ? "   " : "";
  for (std::size_t i = first; i < last; ++i) {
    line += chars[i];
    // The caret line repeats the tabs so that it lines up in any terminal.
    if (i < column) caret += chars[i] == "\t" ? '\t' : ' ';
  }
  if (last < chars.size()) line += "...";
  for (std::size_t i = std::max(last, first); i < column; ++i) caret += ' ';
  return fmt::format("  {}\n  {}^", line, caret);
}

std::string caret_excerpt(const Error& e) {
  const auto* f = dynamic_cast<const FormulaError*>(&e);
  return f == nullptr ? std::string() : f->excerpt();
}

Source::Source(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Position Source::position_of(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::size_t>(it - line_starts_.begin());  // 1-based
  const std::size_t start = line_starts_[line - 1];
  int column = 1;
  for (std::size_t i = start; i < offset; ++i) {
    if (!is_continuation_byte(text_[i])) ++column;
  }
  return {static_cast<int>(line), column};
}

std::string_view Source::line_text(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return {};
  const std::size_t start = line_starts_[static_cast<std::size_t>(line) - 1];
  std::size_t end = text_.find('\n', start);
  if (end == std::string::npos) end = text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

std::string Source::collapsed(std::size_t begin, std::size_t end) const {
  std::string out;
  bool space = false;
  for (std::size_t i = begin; i < end && i < text_.size(); ++i) {
    const char c = text_[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void Source::fail(Position position, const std::string& message) const {
  throw FormulaError(name_, position, message, std::string(line_text(position.line)));
}

}  // namespace gradcheck::formula
