#include "formula/parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

#include "formula/builtins.hpp"
#include "formula/lexer.hpp"
#include "formula/shapes.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {
namespace {

constexpr std::array<std::string_view, 11> statement_words = {"notes",      "description", "formula", "convention",
                                                              "loss",       "elementwise", "assume",  "grad",
                                                              "derivative", "value",       "control"};
// Words of types, distributions and expressions; "sum", "if" and "trial" also start expressions.
constexpr std::array<std::string_view, 16> other_words = {
    "in",     "of",     "if",    "then",    "else",     "sum",       "trial",  "scalar",
    "vector", "matrix", "index", "indices", "distinct", "excluding", "normal", "uniform"};

bool contains(auto const& words, std::string_view w) { return std::find(words.begin(), words.end(), w) != words.end(); }

// " (did you mean 'grad'?)" when `t` is a name close to one of `words`, else "".
std::string hint(const Token& t, const auto& words) {
  if (t.kind != Tok::identifier) return {};
  return did_you_mean(t.text, std::vector<std::string>(words.begin(), words.end()));
}
std::string hint(const Token& t, std::initializer_list<std::string_view> words) { return hint<>(t, words); }

class Parser {
 public:
  explicit Parser(std::shared_ptr<const Source> source) : source_(*source), tokens_(tokenize(source_)) {
    program_.source = std::move(source);
  }

  Program run() {
    while (!at(Tok::end)) {
      if (at(Tok::newline)) {
        advance();
        continue;
      }
      statement();
      if (!at(Tok::newline) && !at(Tok::end)) fail(fmt::format("expected end of line, found {}", describe(peek())));
    }
    return std::move(program_);
  }

 private:
  // ---- tokens ----
  const Token& peek(std::size_t k = 0) const { return tokens_[std::min(i_ + k, tokens_.size() - 1)]; }
  bool at(Tok kind) const { return peek().kind == kind; }
  bool at_word(std::string_view word, std::size_t k = 0) const {
    return peek(k).kind == Tok::identifier && peek(k).text == word;
  }
  const Token& advance() {
    const Token& t = peek();
    if (i_ < tokens_.size() - 1) ++i_;
    last_end_ = t.offset + t.length;
    return t;
  }
  [[noreturn]] void fail(const std::string& message) const { fail_at(peek().position, message); }
  [[noreturn]] void fail_at(Position p, const std::string& message) const { source_.fail(p, message); }
  const Token& expect(Tok kind, std::string_view context) {
    if (!at(kind)) fail(fmt::format("expected {} {}, found {}", describe(kind), context, describe(peek())));
    return advance();
  }
  void expect_word(std::string_view word, std::string_view context) {
    if (!at_word(word))
      fail(fmt::format("expected '{}' {}, found {}{}", word, context, describe(peek()), hint(peek(), {word})));
    advance();
  }
  // A closing bracket names the opening one, which is usually where the mistake is.
  void expect_closing(Tok kind, const Token& opening) {
    if (!at(kind)) {
      fail(fmt::format("expected {} to close the {} at {}:{}, found {}", describe(kind), describe(opening.kind),
                       opening.position.line, opening.position.column, describe(peek())));
    }
    advance();
  }
  std::string new_name(std::string_view what) {
    if (!at(Tok::identifier)) fail(fmt::format("expected {}, found {}", what, describe(peek())));
    if (is_reserved(peek().text))
      fail(fmt::format("'{}' is a reserved word and cannot be used as a name", peek().text));
    return advance().text;
  }

  // ---- statements ----
  void statement() {
    if (!at(Tok::identifier)) fail(fmt::format("expected a statement, found {}", describe(peek())));
    const Token& first = peek();
    const std::string& word = first.text;
    if (word == "notes" || word == "description" || word == "formula" || word == "convention") return header();
    if (word == "loss" || word == "elementwise") return function();
    if (word == "assume") {
      advance();
      program_.assumes.push_back({first.position, expression()});
      return order(Item::What::assume, program_.assumes.size());
    }
    if (word == "grad" || word == "derivative" || word == "value") {
      program_.claims.push_back(claim());
      return order(Item::What::claim, program_.claims.size());
    }
    if (word == "control") return control();
    if (is_reserved(word)) {
      if (at_word("in", 1) || peek(1).kind == Tok::colon || peek(1).kind == Tok::assign) {
        fail(fmt::format("'{}' is a reserved word and cannot be used as a name", word));
      }
      fail(fmt::format("expected a statement, found {}", describe(first)));
    }
    if (at_word("in", 1)) return dimension();
    if (peek(1).kind == Tok::colon) return parameter();
    if (peek(1).kind == Tok::assign) return definition();
    const std::string meant = hint(first, statement_words);
    if (!meant.empty()) fail(fmt::format("unknown statement '{}'{}", word, meant));
    fail_at(peek(1).position, fmt::format("expected 'in', ':' or '=' after '{}', found {}{}", word, describe(peek(1)),
                                          hint(peek(1), {"in"})));
  }

  void order(Item::What what, std::size_t size) { program_.order.push_back({what, static_cast<int>(size) - 1}); }

  void header() {
    const Token& word = advance();
    std::string* field = word.text == "notes"         ? &program_.notes
                         : word.text == "description" ? &program_.description
                         : word.text == "formula"     ? &program_.formula
                                                      : &program_.convention;
    if (std::find(headers_.begin(), headers_.end(), word.text) != headers_.end()) {
      fail_at(word.position, fmt::format("'{}' is given twice", word.text));
    }
    headers_.push_back(word.text);
    *field = expect(Tok::string, fmt::format("after '{}'", word.text)).text;
  }

  void function() {
    const Token& word = advance();
    if (program_.function >= 0) {
      fail_at(word.position, "the file already defines its function ('loss' or 'elementwise'): give one only");
    }
    expect(Tok::assign, fmt::format("after '{}'", word.text));
    program_.function_kind = word.text == "loss" ? FunctionKind::loss : FunctionKind::elementwise;
    program_.function_position = word.position;
    program_.function = expression();
    order(Item::What::function, 1);
  }

  ClaimDecl claim() {
    const Token& word = advance();
    ClaimDecl c;
    const std::size_t begin = word.offset;
    if (word.text == "value") {
      c.kind = ClaimKind::value;
      c.position = word.position;
    } else {
      c.kind = word.text == "grad" ? ClaimKind::grad : ClaimKind::derivative;
      if (!at(Tok::identifier)) {
        fail(fmt::format("expected the parameter after '{}', found {}", word.text, describe(peek())));
      }
      c.position = peek().position;
      c.target = advance().text;
    }
    expect(Tok::assign, c.target.empty() ? "after 'value'" : fmt::format("after '{} {}'", word.text, c.target));
    c.expr = expression();
    c.text = source_.collapsed(begin, last_end_);
    return c;
  }

  void control() {
    advance();  // control
    ControlDecl c;
    c.position = peek().position;
    if (!at(Tok::identifier))
      fail(fmt::format("expected the control's name after 'control', found {}", describe(peek())));
    c.id = advance().text;
    if (at(Tok::string)) c.description = advance().text;
    expect(Tok::colon, fmt::format("after 'control {}'", c.id));
    while (true) {
      if (!at_word("grad") && !at_word("derivative") && !at_word("value")) {
        fail(fmt::format("expected a claim ('grad', 'derivative' or 'value') in control '{}', found {}{}", c.id,
                         describe(peek()), hint(peek(), {"grad", "derivative", "value"})));
      }
      c.claims.push_back(claim());
      if (!at(Tok::semicolon)) break;
      advance();
    }
    if (c.description.empty()) {
      for (const auto& k : c.claims) c.description += (c.description.empty() ? "" : "; ") + k.text;
    }
    program_.controls.push_back(std::move(c));
    order(Item::What::control, program_.controls.size());
  }

  long whole_number(std::string_view what) {
    if (!at(Tok::number) || !peek().integer)
      fail(fmt::format("expected a whole number for {}, found {}", what, describe(peek())));
    const Token& t = advance();
    // Compared as a double first: the spelling may be longer than a long holds.
    if (t.number > static_cast<double>(max_dimension)) {
      fail_at(t.position, fmt::format("{} {} is too large: at most {}", what, t.text, max_dimension));
    }
    return static_cast<long>(t.number);
  }

  void dimension() {
    DimDecl d;
    d.position = peek().position;
    d.name = new_name("a dimension name");
    advance();  // in
    d.lo = whole_number("the dimension's range");
    d.hi = d.lo;
    if (at(Tok::dotdot)) {
      advance();
      d.hi = whole_number("the dimension's range");
    }
    if (d.lo < 1)
      fail_at(d.position, fmt::format("dimension {}: range {}..{} must start at 1 or more", d.name, d.lo, d.hi));
    if (d.lo > d.hi) {
      fail_at(d.position, fmt::format("dimension {}: range {}..{} is empty (expected LO <= HI)", d.name, d.lo, d.hi));
    }
    program_.dims.push_back(std::move(d));
    order(Item::What::dim, program_.dims.size());
  }

  DimRef dim_ref() {
    DimRef r;
    r.position = peek().position;
    if (at(Tok::identifier)) {
      r.name = advance().text;
      return r;
    }
    r.value = whole_number("a size");
    if (r.value < 1) fail_at(r.position, "a size must be 1 or more");
    return r;
  }

  void parameter() {
    ParamDecl p;
    p.position = peek().position;
    p.name = new_name("a parameter name");
    advance();  // :
    const std::size_t type_begin = peek().offset;
    if (!at(Tok::identifier)) fail(fmt::format("expected a type after ':', found {}", describe(peek())));
    const Token& kind = advance();
    const std::string& k = kind.text;
    if (k == "scalar") {
      p.rows.value = p.cols.value = 1;
    } else if (k == "vector" || k == "index") {
      const Token& open = expect(Tok::lbracket, fmt::format("after '{}'", k));
      (k == "vector" ? p.rows : p.bound) = dim_ref();
      expect_closing(Tok::rbracket, open);
      p.kind = k == "vector" ? ParamKind::real : ParamKind::index;
    } else if (k == "matrix") {
      const Token& open = expect(Tok::lbracket, "after 'matrix'");
      p.rows = dim_ref();
      expect(Tok::comma, "between a matrix's rows and columns");
      p.cols = dim_ref();
      expect_closing(Tok::rbracket, open);
    } else if (k == "indices") {
      p.kind = ParamKind::index_list;
      const Token& open = expect(Tok::lbracket, "after 'indices'");
      p.rows = dim_ref();
      if (at(Tok::comma)) {
        advance();
        p.cols = dim_ref();
      }
      expect_closing(Tok::rbracket, open);
      expect_word("of", "after 'indices[...]' (as in 'indices[K] of V')");
      p.bound = dim_ref();
      while (at_word("distinct") || at_word("excluding")) {
        if (advance().text == "distinct") {
          p.distinct = true;
        } else {
          p.excluding_position = peek().position;
          if (!at(Tok::identifier))
            fail(fmt::format("expected an index parameter after 'excluding', found {}", describe(peek())));
          p.excluding = advance().text;
        }
      }
    } else {
      fail_at(kind.position, fmt::format("unknown type '{}': expected scalar, vector[n], matrix[m, n], index[n] or "
                                         "indices[k] of n{}",
                                         k, hint(kind, {"scalar", "vector", "matrix", "index", "indices"})));
    }
    p.type_text = source_.collapsed(type_begin, last_end_);
    if (at(Tok::tilde)) {
      advance();
      Distribution d;
      d.position = peek().position;
      // N(μ, σ) and U(a, b) as statistics writes them: after '~' they name nothing else.
      if (at_word("normal") || at_word("N")) {
        d.family = Distribution::Family::normal;
      } else if (at_word("uniform") || at_word("U")) {
        d.family = Distribution::Family::uniform;
      } else {
        fail(fmt::format("expected 'normal' or 'uniform' after '~', found {}{}", describe(peek()),
                         hint(peek(), {"normal", "uniform"})));
      }
      advance();
      const Token& open = expect(Tok::lparen, "after the distribution's name");
      d.a = expression();
      expect(Tok::comma, "between the distribution's two arguments");
      d.b = expression();
      expect_closing(Tok::rparen, open);
      p.distribution = d;
    }
    program_.params.push_back(std::move(p));
    order(Item::What::param, program_.params.size());
  }

  void definition() {
    LetDecl l;
    l.position = peek().position;
    l.name = new_name("a name");
    advance();  // =
    l.expr = expression();
    program_.lets.push_back(std::move(l));
    order(Item::What::let, program_.lets.size());
  }

  // ---- expressions ----
  int add(Node n) {
    for (const int a : n.args) n.depth = std::max(n.depth, program_.node(a).depth + 1);
    if (n.depth > max_nesting)
      fail_at(n.position, fmt::format("expression nested too deeply (more than {} levels)", max_nesting));
    program_.nodes.push_back(std::move(n));
    return static_cast<int>(program_.nodes.size()) - 1;
  }

  // `spelling` names the operator in messages; by default the token's text.
  int binary(Op op, const Token& token, int lhs, int rhs, std::string_view spelling = {}) {
    Node n;
    n.op = op;
    n.position = token.position;
    n.begin = program_.node(lhs).begin;
    n.end = program_.node(rhs).end;
    n.args = {lhs, rhs};
    n.name = spelling.empty() ? source_.text().substr(token.offset, token.length) : std::string(spelling);
    return add(std::move(n));
  }

  int expression() {
    const int lhs = additive();
    const auto comparison = [](Tok t) -> std::optional<Op> {
      switch (t) {
        case Tok::lt:
          return Op::lt;
        case Tok::le:
          return Op::le;
        case Tok::gt:
          return Op::gt;
        case Tok::ge:
          return Op::ge;
        case Tok::eq:
          return Op::eq;
        case Tok::ne:
          return Op::ne;
        default:
          return std::nullopt;
      }
    };
    const auto op = comparison(peek().kind);
    if (!op) return lhs;
    const Token& token = advance();
    const int rhs = additive();
    if (comparison(peek().kind)) fail("comparisons do not chain: use (a < b) .* (b < c)");
    return binary(*op, token, lhs, rhs);
  }

  int additive() {
    int lhs = term();
    while (at(Tok::plus) || at(Tok::minus)) {
      const Token& token = advance();
      lhs = binary(token.kind == Tok::plus ? Op::add : Op::sub, token, lhs, term());
    }
    return lhs;
  }

  // Whether the next token begins an operand: two operands side by side (U v_c).
  bool starts_operand() const {
    const Token& t = peek();
    if (t.kind == Tok::number || t.kind == Tok::lparen) return true;
    if (t.kind != Tok::identifier) return false;
    // A near miss of 'then' or 'else' is more likely a misspelt keyword: left to expect_word.
    return t.text == "sum" || t.text == "if" || t.text == "trial" ||
           (!contains(statement_words, t.text) && !contains(other_words, t.text) && hint(t, {"then", "else"}).empty());
  }

  // A node's source text without quotes, for a fix written out in a message.
  std::string bare(int id) const { return formula::bare(program_, id); }

  // Two operands side by side. A transposed operand followed by '(' multiplies
  // it, as notes write U^T(y - yhat): it cannot be a call. Anywhere else the
  // meaning is a guess (U v_c: a product? a missing '+'?), so it is refused
  // with the product written out.
  int juxtaposed(int lhs) {
    const Token& next = peek();
    if (tokens_[i_ - 1].kind == Tok::apostrophe && next.kind == Tok::lparen) {
      return binary(Op::mul, next, lhs, unary(), "*");
    }
    const int rhs = unary();
    fail_at(next.position,
            fmt::format("expected an operator between '{}' and '{}': write {} * {} (or {} @ {}) for a product",
                        bare(lhs), bare(rhs), bare(lhs), bare(rhs), bare(lhs), bare(rhs)));
  }

  int term() {
    int lhs = unary();
    while (true) {
      Op op;
      switch (peek().kind) {
        case Tok::star:
          op = Op::mul;
          break;
        case Tok::dot_star:
          op = Op::emul;
          break;
        case Tok::slash:
        case Tok::dot_slash:
          op = Op::ediv;
          break;
        case Tok::percent:
          op = Op::mod;
          break;
        default:
          if (!starts_operand()) return lhs;
          lhs = juxtaposed(lhs);
          continue;
      }
      const Token& token = advance();
      lhs = binary(op, token, lhs, unary());
    }
  }

  // Every nested expression passes here, so this bounds the parser's recursion.
  int unary() {
    struct Guard {
      int& depth;
      explicit Guard(int& d) : depth(++d) {}
      ~Guard() { --depth; }
      Guard(const Guard&) = delete;
      Guard& operator=(const Guard&) = delete;
    } guard(nesting_);
    if (nesting_ > max_nesting) fail(fmt::format("expression nested too deeply (more than {} levels)", max_nesting));
    if (at(Tok::minus) || at(Tok::plus)) {
      const Token& token = advance();
      const int operand = unary();
      if (token.kind == Tok::plus) return operand;
      Node n;
      n.op = Op::neg;
      n.position = token.position;
      n.begin = token.offset;
      n.end = program_.node(operand).end;
      n.args = {operand};
      return add(std::move(n));
    }
    const int base = postfix();
    if (at(Tok::caret) || at(Tok::dot_caret)) {
      const Token& token = advance();
      return binary(Op::pow, token, base, unary());
    }
    return base;
  }

  int postfix() {
    int e = primary();
    while (true) {
      if (at(Tok::apostrophe)) {
        const Token& token = advance();
        Node n;
        n.op = Op::transpose;
        n.name = source_.text().substr(token.offset, token.length);  // ', ᵀ, ^T, .T: see Checker::transposition
        n.position = token.position;
        n.begin = program_.node(e).begin;
        n.end = last_end_;
        n.args = {e};
        e = add(std::move(n));
      } else if (at(Tok::lbracket)) {
        const Token& open = advance();
        Node n;
        n.op = Op::index;
        n.position = open.position;
        n.begin = program_.node(e).begin;
        n.args = {e, index_argument()};
        if (at(Tok::comma)) {
          advance();
          n.args.push_back(index_argument());
        }
        if (at(Tok::comma)) fail("too many indices: at most two (row, column)");
        expect_closing(Tok::rbracket, open);
        n.end = last_end_;
        e = add(std::move(n));
      } else {
        return e;
      }
    }
  }

  int index_argument() {
    if (at(Tok::colon)) {
      const Token& token = advance();
      Node n;
      n.op = Op::colon;
      n.position = token.position;
      n.begin = token.offset;
      n.end = last_end_;
      return add(std::move(n));
    }
    return expression();
  }

  int primary() {
    const Token& t = peek();
    Node n;
    n.position = t.position;
    n.begin = t.offset;
    if (t.kind == Tok::number) {
      advance();
      n.op = Op::number;
      n.number = t.number;
      n.end = last_end_;
      return add(std::move(n));
    }
    if (t.kind == Tok::lparen) {
      const Token& open = advance();
      const int inner = expression();
      expect_closing(Tok::rparen, open);
      // The parentheses belong to the operand's text in messages.
      Node& e = program_.node(inner);
      e.begin = open.offset;
      e.end = last_end_;
      return inner;
    }
    if (t.kind != Tok::identifier) fail(fmt::format("expected an expression, found {}", describe(t)));
    if (t.text == "sum" && peek(1).kind == Tok::identifier && at_word("in", 2)) return sum();
    if (t.text == "if") return conditional();
    if (contains(statement_words, t.text) || (contains(other_words, t.text) && t.text != "trial" && t.text != "sum")) {
      fail(fmt::format("expected an expression, found {}", describe(t)));
    }
    advance();
    n.name = t.text;
    if (at(Tok::lparen)) {
      const Token& open = advance();
      n.op = Op::call;
      if (!at(Tok::rparen)) {
        n.args.push_back(expression());
        while (at(Tok::comma)) {
          advance();
          n.args.push_back(expression());
        }
      }
      expect_closing(Tok::rparen, open);
    } else {
      n.op = Op::name;
    }
    n.end = last_end_;
    return add(std::move(n));
  }

  int sum() {
    Node n;
    const Token& word = advance();  // sum
    n.position = word.position;
    n.begin = word.offset;
    n.name = new_name("the summation variable");
    advance();  // in
    const int from = additive();
    std::vector<int> args{from};
    n.op = Op::sum_list;
    if (at(Tok::dotdot)) {
      advance();
      n.op = Op::sum_range;
      args.push_back(additive());
    }
    expect(Tok::colon, "after the summation's range (as in 'sum k in w: ...')");
    args.push_back(expression());
    n.args = std::move(args);
    n.end = last_end_;
    return add(std::move(n));
  }

  int conditional() {
    Node n;
    n.op = Op::cond;
    n.position = peek().position;
    n.begin = advance().offset;  // if
    const int c = expression();
    expect_word("then", "after the condition of 'if'");
    const int a = expression();
    expect_word("else", "after the 'then' branch");
    const int b = expression();
    n.args = {c, a, b};
    n.end = last_end_;
    return add(std::move(n));
  }

  const Source& source_;
  std::vector<Token> tokens_;
  std::size_t i_ = 0;
  std::size_t last_end_ = 0;
  int nesting_ = 0;
  std::vector<std::string> headers_;  // header statements seen
  Program program_;
};

}  // namespace

bool is_reserved(std::string_view word) {
  return contains(statement_words, word) || contains(other_words, word) || find_builtin(word) != nullptr;
}

Program parse(std::shared_ptr<const Source> source) { return Parser(std::move(source)).run(); }

}  // namespace gradcheck::formula
