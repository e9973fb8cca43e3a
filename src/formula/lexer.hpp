// formula/lexer.hpp: the tokens of a formula file.
//
// A statement is one line; a line ending in a backslash continues on the next.
// `#` starts a comment. Before lexing, the text is checked to be text: valid
// UTF-8 without NUL or other control characters (tab, CR and LF aside). Names
// may be UTF-8 (names.hpp); the Unicode and other spellings of operators that
// students write are read as their ASCII equals (docs/notation.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "formula/source.hpp"

namespace gradcheck::formula {

enum class Tok {
  end,         // end of file
  newline,     // end of a statement
  identifier,  // v_c, U, softmax, grad, ...
  number,      // 2, 0.1, 1e-3
  string,      // "(b)"
  lparen,      // (
  rparen,      // )
  lbracket,    // [
  rbracket,    // ]
  comma,       // ,
  colon,       // :
  semicolon,   // ;
  tilde,       // ~
  plus,        // +
  minus,       // -  −
  star,        // *  @ · ⋅ ×  (matrix product; scaling when a side is a scalar)
  slash,       // /  (elementwise division)
  percent,     // %  (elementwise floor modulo)
  caret,       // ^  **  (elementwise power)
  dot_star,    // .*  ⊙ ∘
  dot_slash,   // ./
  dot_caret,   // .^
  apostrophe,  // '  ᵀ ⊤ ^T .T  (transpose)
  dotdot,      // ..
  assign,      // =
  eq,          // ==
  ne,          // !=
  lt,          // <
  le,          // <=
  gt,          // >
  ge,          // >=
};

/// How a token kind is named in error messages: "')'", "end of line", ...
std::string describe(Tok kind);

struct Token {
  Tok kind = Tok::end;
  std::size_t offset = 0;  // first byte in the source
  std::size_t length = 0;  // bytes
  Position position;
  std::string text;      // identifier name, number spelling, decoded string, or an operator's spelling
  double number = 0.0;   // value of a number token
  bool integer = false;  // a number written with digits only
};

/// How a token is named in error messages: "'grad'", "number 2", "end of line".
std::string describe(const Token& t);

/// Checks that the source is text, then splits it into tokens ending with Tok::end.
/// Throws FormulaError on a binary file or a malformed token.
std::vector<Token> tokenize(const Source& source);

}  // namespace gradcheck::formula
