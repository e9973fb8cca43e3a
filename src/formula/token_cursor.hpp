// formula/token_cursor.hpp: what the parser reads with: a cursor over the
// tokens with the "expected X, found Y" errors, and the reserved words.
// Internal to the parser (parser.cpp, parse_expressions.cpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formula/lexer.hpp"
#include "formula/source.hpp"

namespace gradcheck::formula {

/// The words that begin a statement.
inline constexpr std::array<std::string_view, 11> statement_words = {
    "notes",  "description", "formula",    "convention", "loss",   "elementwise",
    "assume", "grad",        "derivative", "value",      "control"};
/// Words of types, distributions and expressions; "sum", "if" and "trial" also start expressions.
inline constexpr std::array<std::string_view, 16> other_words = {
    "in",     "of",     "if",    "then",    "else",     "sum",       "trial",  "scalar",
    "vector", "matrix", "index", "indices", "distinct", "excluding", "normal", "uniform"};

/// Words that cannot name a dimension, parameter or definition: the above and the builtins'.
bool is_reserved(std::string_view word);
bool contains(std::span<const std::string_view> words, std::string_view word);

/// " (did you mean 'grad'?)" when `t` is a name close to one of `words`, else "".
std::string hint(const Token& t, std::span<const std::string_view> words);
std::string hint(const Token& t, std::initializer_list<std::string_view> words);

class TokenCursor {
 public:
  explicit TokenCursor(const Source& source) : source_(source), tokens_(tokenize(source)) {}

  const Source& source() const { return source_; }
  /// The token `k` ahead of the next one (the end token past the end).
  const Token& peek(std::size_t k = 0) const { return tokens_[std::min(i_ + k, tokens_.size() - 1)]; }
  /// The token taken last.
  const Token& previous() const { return tokens_[i_ - 1]; }
  bool at(Tok kind) const { return peek().kind == kind; }
  bool at_word(std::string_view word, std::size_t k = 0) const {
    return peek(k).kind == Tok::identifier && peek(k).text == word;
  }
  /// Takes the next token.
  const Token& advance();
  /// The byte after the token taken last.
  std::size_t last_end() const { return last_end_; }

  /// Throws a FormulaError at the next token.
  [[noreturn]] void fail(const std::string& message) const { fail_at(peek().position, message); }
  [[noreturn]] void fail_at(Position p, const std::string& message) const { source_.fail(p, message); }
  /// Takes a token of `kind`, or fails: "expected ':' after 'control x', found ...".
  const Token& expect(Tok kind, std::string_view context);
  void expect_word(std::string_view word, std::string_view context);
  /// A closing bracket names the opening one, which is usually where the mistake is.
  void expect_closing(Tok kind, const Token& opening);
  /// Takes a name being declared: an identifier that is not reserved.
  std::string new_name(std::string_view what);

 private:
  const Source& source_;
  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  std::size_t last_end_ = 0;
};

}  // namespace gradcheck::formula
