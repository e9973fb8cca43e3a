#include "formula/token_cursor.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "formula/builtins.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {

bool contains(std::span<const std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool is_reserved(std::string_view word) {
  return contains(statement_words, word) || contains(other_words, word) || find_builtin(word) != nullptr;
}

std::string hint(const Token& t, std::span<const std::string_view> words) {
  if (t.kind != Tok::identifier) return {};
  return did_you_mean(t.text, std::vector<std::string>(words.begin(), words.end()));
}

std::string hint(const Token& t, std::initializer_list<std::string_view> words) {
  return hint(t, std::span<const std::string_view>(words.begin(), words.size()));
}

const Token& TokenCursor::advance() {
  const Token& t = peek();
  if (i_ < tokens_.size() - 1) ++i_;
  last_end_ = t.offset + t.length;
  return t;
}

const Token& TokenCursor::expect(Tok kind, std::string_view context) {
  if (!at(kind)) fail(fmt::format("expected {} {}, found {}", describe(kind), context, describe(peek())));
  return advance();
}

void TokenCursor::expect_word(std::string_view word, std::string_view context) {
  if (!at_word(word))
    fail(fmt::format("expected '{}' {}, found {}{}", word, context, describe(peek()), hint(peek(), {word})));
  advance();
}

void TokenCursor::expect_closing(Tok kind, const Token& opening) {
  if (!at(kind)) {
    fail(fmt::format("expected {} to close the {} at {}:{}, found {}", describe(kind), describe(opening.kind),
                     opening.position.line, opening.position.column, describe(peek())));
  }
  advance();
}

std::string TokenCursor::new_name(std::string_view what) {
  if (!at(Tok::identifier)) fail(fmt::format("expected {}, found {}", what, describe(peek())));
  if (is_reserved(peek().text)) fail(fmt::format("'{}' is a reserved word and cannot be used as a name", peek().text));
  return advance().text;
}

}  // namespace gradcheck::formula
