#include "formula/lexer.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <system_error>

#include "formula/names.hpp"
#include "runner/text.hpp"

namespace gradcheck::formula {
namespace {

// A binary file is reported at its first byte that text cannot hold.
void check_text(const Source& source) {
  const std::string& text = source.text();
  const std::size_t bad = runner::text::first_non_text(text);
  if (bad == std::string::npos) return;
  // No source line in the excerpt: it would print the binary bytes.
  throw FormulaError(source.name(), source.position_of(bad),
                     fmt::format("not a text file (byte 0x{:02x})", static_cast<unsigned char>(text[bad])), {});
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

class Lexer {
 public:
  explicit Lexer(const Source& source) : source_(source), text_(source.text()) {}

  std::vector<Token> run() {
    // A UTF-8 byte-order mark is not part of the text.
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) i_ = at_ = 3;
    while (true) {
      skip_blanks();
      if (i_ >= text_.size()) break;
      const char c = text_[i_];
      if (c == '\n') {
        push(Tok::newline, i_, 1);
        ++i_;
      } else if (c == '\\') {
        continuation();
      } else if (starts_name(code_point_at(text_, i_).value)) {
        identifier();
      } else if (digit(c)) {
        number();
      } else if (c == '"') {
        string();
      } else {
        punctuation();
      }
    }
    push(Tok::end, text_.size(), 0);
    return std::move(tokens_);
  }

 private:
  void skip_blanks() {
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        while (i_ < text_.size() && text_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  Token& push(Tok kind, std::size_t offset, std::size_t length) {
    Token t;
    t.kind = kind;
    t.offset = offset;
    t.length = length;
    t.position = advance_to(offset);
    tokens_.push_back(std::move(t));
    return tokens_.back();
  }

  // A backslash joins the next line to this one; only blanks or a comment may follow it.
  void continuation() {
    const std::size_t at = i_++;
    skip_blanks();
    if (i_ < text_.size() && text_[i_] != '\n') {
      source_.fail_at(at, "a line-continuation backslash must end its line");
    }
    if (i_ < text_.size()) ++i_;  // the joined line break
  }

  // A name's characters: see names.hpp. Its text is its one spelling (compose_name).
  void identifier() {
    const std::size_t start = i_;
    while (i_ < text_.size()) {
      const CodePoint c = code_point_at(text_, i_);
      if (!continues_name(c.value)) break;
      i_ += c.length;
    }
    push(Tok::identifier, start, i_ - start).text = compose_name(std::string_view(text_).substr(start, i_ - start));
  }

  // Whether the letter T at i_ + 1 stands alone (the T of U^T or U.T), not starting a longer name.
  bool lone_t() const {
    return i_ + 1 < text_.size() && text_[i_ + 1] == 'T' &&
           (i_ + 2 >= text_.size() || !continues_name(code_point_at(text_, i_ + 2).value));
  }

  // Operators students write in Unicode (docs/notation.md), read as their ASCII equals.
  static std::optional<Tok> unicode_operator(char32_t c) {
    switch (c) {
      case U'−':  // U+2212 MINUS SIGN
        return Tok::minus;
      case U'·':  // U+00B7 MIDDLE DOT
      case U'⋅':  // U+22C5 DOT OPERATOR
      case U'×':  // U+00D7 MULTIPLICATION SIGN
        return Tok::star;
      case U'⊙':  // U+2299 CIRCLED DOT OPERATOR (Hadamard product)
      case U'∘':  // U+2218 RING OPERATOR (Hadamard product)
        return Tok::dot_star;
      case U'ᵀ':  // U+1D40 MODIFIER LETTER CAPITAL T
      case U'⊤':  // U+22A4 DOWN TACK (LaTeX \top)
        return Tok::apostrophe;
      default:
        return std::nullopt;
    }
  }

  // digits [ '.' digits ] [ (e|E) [+|-] digits ]; "2..50" lexes as 2, .., 50.
  void number() {
    const std::size_t start = i_;
    bool integer = true;
    while (i_ < text_.size() && digit(text_[i_])) ++i_;
    if (i_ + 1 < text_.size() && text_[i_] == '.' && digit(text_[i_ + 1])) {
      integer = false;
      ++i_;
      while (i_ < text_.size() && digit(text_[i_])) ++i_;
    }
    if (i_ < text_.size() && (text_[i_] == 'e' || text_[i_] == 'E')) {
      integer = false;
      std::size_t k = i_ + 1;
      if (k < text_.size() && (text_[k] == '+' || text_[k] == '-')) ++k;
      if (k >= text_.size() || !digit(text_[k])) {
        source_.fail_at(start, fmt::format("malformed number '{}'", text_.substr(start, k - start)));
      }
      i_ = k;
      while (i_ < text_.size() && digit(text_[i_])) ++i_;
    }
    if (i_ < text_.size() && ident_char(text_[i_])) {
      std::size_t k = i_;
      while (k < text_.size() && ident_char(text_[k])) ++k;
      source_.fail_at(start, fmt::format("malformed number '{}'", text_.substr(start, k - start)));
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + i_, value);
    if (ec != std::errc() || end != text_.data() + i_ || !std::isfinite(value)) {
      source_.fail_at(start, fmt::format("number '{}' is out of range", text_.substr(start, i_ - start)));
    }
    Token& t = push(Tok::number, start, i_ - start);
    t.text = text_.substr(start, i_ - start);
    t.number = value;
    t.integer = integer;
  }

  // "..." on one line; \" and \\ are the only escapes.
  void string() {
    const std::size_t start = i_++;
    std::string value;
    while (true) {
      if (i_ >= text_.size() || text_[i_] == '\n') source_.fail_at(start, "unterminated string");
      const char c = text_[i_++];
      if (c == '"') break;
      if (c == '\\') {
        if (i_ < text_.size() && (text_[i_] == '"' || text_[i_] == '\\')) {
          value += text_[i_++];
          continue;
        }
        source_.fail_at(i_ - 1, "unknown escape in string: only \\\" and \\\\ are allowed");
      }
      value += c;
    }
    push(Tok::string, start, i_ - start).text = std::move(value);
  }

  void punctuation() {
    const std::size_t start = i_;
    const char c = text_[i_];
    const char next = i_ + 1 < text_.size() ? text_[i_ + 1] : '\0';
    // An operator token's text is its spelling, for messages ("'@'", "'ᵀ'").
    const auto spelled = [&](Tok kind, std::size_t length) {
      push(kind, start, length).text = text_.substr(start, length);
      i_ += length;
    };
    const auto two = [&](Tok kind) { spelled(kind, 2); };
    const auto one = [&](Tok kind) { spelled(kind, 1); };
    switch (c) {
      case '(':
        return one(Tok::lparen);
      case ')':
        return one(Tok::rparen);
      case '[':
        return one(Tok::lbracket);
      case ']':
        return one(Tok::rbracket);
      case ',':
        return one(Tok::comma);
      case ':':
        return one(Tok::colon);
      case ';':
        return one(Tok::semicolon);
      case '~':
        return one(Tok::tilde);
      case '+':
        return one(Tok::plus);
      case '-':
        return one(Tok::minus);
      case '*':
        return next == '*' ? two(Tok::caret) : one(Tok::star);  // x**2 is x^2
      case '@':
        return one(Tok::star);
      case '/':
        return one(Tok::slash);
      case '%':
        return one(Tok::percent);
      case '^':
        return lone_t() ? two(Tok::apostrophe) : one(Tok::caret);  // U^T is U'; see Checker::transposition
      case '\'':
        return one(Tok::apostrophe);
      case '.':
        if (next == '*') return two(Tok::dot_star);
        if (next == '/') return two(Tok::dot_slash);
        if (next == '^') return two(Tok::dot_caret);
        if (next == '.') return two(Tok::dotdot);
        if (lone_t()) return two(Tok::apostrophe);  // U.T, as numpy writes it
        break;
      case '=':
        return next == '=' ? two(Tok::eq) : one(Tok::assign);
      case '!':
        if (next == '=') return two(Tok::ne);
        break;
      case '<':
        return next == '=' ? two(Tok::le) : one(Tok::lt);
      case '>':
        return next == '=' ? two(Tok::ge) : one(Tok::gt);
      default:
        break;
    }
    const CodePoint u = code_point_at(text_, start);
    if (const auto kind = unicode_operator(u.value)) return spelled(*kind, u.length);
    const std::size_t n = runner::text::character_length(text_, start);
    source_.fail_at(start, fmt::format("unexpected character '{}'", text_.substr(start, n == 0 ? 1 : n)));
  }

  // Positions are computed incrementally (tokens come in order), so a long
  // line costs linear time, not quadratic.
  Position advance_to(std::size_t offset) {
    for (; at_ < offset; ++at_) {
      const auto c = static_cast<unsigned char>(text_[at_]);
      if (c == '\n') {
        ++at_position_.line;
        at_position_.column = 1;
      } else if ((c & 0xC0U) != 0x80U) {
        ++at_position_.column;
      }
    }
    return at_position_;
  }

  const Source& source_;
  const std::string& text_;
  std::size_t i_ = 0;
  std::size_t at_ = 0;
  Position at_position_;
  std::vector<Token> tokens_;
};

}  // namespace

std::string describe(Tok kind) {
  switch (kind) {
    case Tok::end:
      return "end of file";
    case Tok::newline:
      return "end of line";
    case Tok::identifier:
      return "a name";
    case Tok::number:
      return "a number";
    case Tok::string:
      return "a string";
    case Tok::lparen:
      return "'('";
    case Tok::rparen:
      return "')'";
    case Tok::lbracket:
      return "'['";
    case Tok::rbracket:
      return "']'";
    case Tok::comma:
      return "','";
    case Tok::colon:
      return "':'";
    case Tok::semicolon:
      return "';'";
    case Tok::tilde:
      return "'~'";
    case Tok::plus:
      return "'+'";
    case Tok::minus:
      return "'-'";
    case Tok::star:
      return "'*'";
    case Tok::slash:
      return "'/'";
    case Tok::percent:
      return "'%'";
    case Tok::caret:
      return "'^'";
    case Tok::dot_star:
      return "'.*'";
    case Tok::dot_slash:
      return "'./'";
    case Tok::dot_caret:
      return "'.^'";
    case Tok::apostrophe:
      return "'''";
    case Tok::dotdot:
      return "'..'";
    case Tok::assign:
      return "'='";
    case Tok::eq:
      return "'=='";
    case Tok::ne:
      return "'!='";
    case Tok::lt:
      return "'<'";
    case Tok::le:
      return "'<='";
    case Tok::gt:
      return "'>'";
    case Tok::ge:
      return "'>='";
  }
  return "a token";
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::identifier:
      return fmt::format("'{}'", t.text);
    case Tok::number:
      return fmt::format("number {}", t.text);
    case Tok::string:
      return "a string";
    default:
      return t.text.empty() ? describe(t.kind) : fmt::format("'{}'", t.text);
  }
}

std::vector<Token> tokenize(const Source& source) {
  check_text(source);
  return Lexer(source).run();
}

}  // namespace gradcheck::formula
