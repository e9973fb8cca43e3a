#include "formula/parse_expressions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <utility>

#include "formula/shapes.hpp"

namespace gradcheck::formula {
namespace {

// The binary operators of three precedence levels, by token.
using Level = std::span<const std::pair<Tok, Op>>;
constexpr std::pair<Tok, Op> comparisons[] = {{Tok::lt, Op::lt}, {Tok::le, Op::le}, {Tok::gt, Op::gt},
                                              {Tok::ge, Op::ge}, {Tok::eq, Op::eq}, {Tok::ne, Op::ne}};
constexpr std::pair<Tok, Op> additions[] = {{Tok::plus, Op::add}, {Tok::minus, Op::sub}};
constexpr std::pair<Tok, Op> products[] = {{Tok::star, Op::mul},
                                           {Tok::dot_star, Op::emul},
                                           {Tok::slash, Op::ediv},
                                           {Tok::dot_slash, Op::ediv},
                                           {Tok::percent, Op::mod}};

std::optional<Op> operator_of(Tok token, Level level) {
  for (const auto& [tok, op] : level) {
    if (tok == token) return op;
  }
  return std::nullopt;
}

}  // namespace

int ExpressionParser::add(Node n) {
  for (const int a : n.args) n.depth = std::max(n.depth, program_.node(a).depth + 1);
  if (n.depth > max_nesting)
    t_.fail_at(n.position, fmt::format("expression nested too deeply (more than {} levels)", max_nesting));
  program_.nodes.push_back(std::move(n));
  return static_cast<int>(program_.nodes.size()) - 1;
}

int ExpressionParser::binary(Op op, const Token& token, int lhs, int rhs, std::string_view spelling) {
  Node n;
  n.op = op;
  n.position = token.position;
  n.begin = program_.node(lhs).begin;
  n.end = program_.node(rhs).end;
  n.args = {lhs, rhs};
  n.name = spelling.empty() ? t_.source().text().substr(token.offset, token.length) : std::string(spelling);
  return add(std::move(n));
}

int ExpressionParser::expression() {
  const int lhs = additive();
  const auto op = operator_of(t_.peek().kind, comparisons);
  if (!op) return lhs;
  const Token& token = t_.advance();
  const int rhs = additive();
  if (operator_of(t_.peek().kind, comparisons)) t_.fail("comparisons do not chain: use (a < b) .* (b < c)");
  return binary(*op, token, lhs, rhs);
}

int ExpressionParser::additive() {
  int lhs = term();
  while (const auto op = operator_of(t_.peek().kind, additions)) {
    const Token& token = t_.advance();
    lhs = binary(*op, token, lhs, term());
  }
  return lhs;
}

int ExpressionParser::term() {
  int lhs = unary();
  while (true) {
    if (const auto op = operator_of(t_.peek().kind, products)) {
      const Token& token = t_.advance();
      lhs = binary(*op, token, lhs, unary());
    } else if (starts_operand()) {
      lhs = juxtaposed(lhs);
    } else {
      return lhs;
    }
  }
}

// Whether the next token begins an operand: two operands side by side (U v_c).
bool ExpressionParser::starts_operand() const {
  const Token& t = t_.peek();
  if (t.kind == Tok::number || t.kind == Tok::lparen) return true;
  if (t.kind != Tok::identifier) return false;
  // A near miss of 'then' or 'else' is more likely a misspelt keyword: left to expect_word.
  return t.text == "sum" || t.text == "if" || t.text == "trial" ||
         (!contains(statement_words, t.text) && !contains(other_words, t.text) && hint(t, {"then", "else"}).empty());
}

// Two operands side by side. A transposed operand followed by '(' multiplies
// it, as notes write U^T(y - yhat): it cannot be a call. Anywhere else the
// meaning is a guess (U v_c: a product? a missing '+'?), so it is refused
// with the product written out.
int ExpressionParser::juxtaposed(int lhs) {
  const Token& next = t_.peek();
  if (t_.previous().kind == Tok::apostrophe && next.kind == Tok::lparen) {
    return binary(Op::mul, next, lhs, unary(), "*");
  }
  const int rhs = unary();
  const std::string a = bare(program_, lhs);
  const std::string b = bare(program_, rhs);
  t_.fail_at(next.position,
             fmt::format("expected an operator between '{}' and '{}': write {} * {} (or {} @ {}) for a product", a, b,
                         a, b, a, b));
}

// Every nested expression passes here, so this bounds the parser's recursion.
int ExpressionParser::unary() {
  struct Guard {
    int& depth;
    explicit Guard(int& d) : depth(++d) {}
    ~Guard() { --depth; }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
  } guard(nesting_);
  if (nesting_ > max_nesting) t_.fail(fmt::format("expression nested too deeply (more than {} levels)", max_nesting));
  if (t_.at(Tok::minus) || t_.at(Tok::plus)) {
    const Token& token = t_.advance();
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
  if (t_.at(Tok::caret) || t_.at(Tok::dot_caret)) {
    const Token& token = t_.advance();
    return binary(Op::pow, token, base, unary());
  }
  return base;
}

int ExpressionParser::postfix() {
  int e = primary();
  while (true) {
    if (t_.at(Tok::apostrophe)) {
      const Token& token = t_.advance();
      Node n;
      n.op = Op::transpose;
      n.name = t_.source().text().substr(token.offset, token.length);  // ', ᵀ, ^T, .T: see Checker::transposition
      n.position = token.position;
      n.begin = program_.node(e).begin;
      n.end = t_.last_end();
      n.args = {e};
      e = add(std::move(n));
    } else if (t_.at(Tok::lbracket)) {
      const Token& open = t_.advance();
      Node n;
      n.op = Op::index;
      n.position = open.position;
      n.begin = program_.node(e).begin;
      n.args = {e, index_argument()};
      if (t_.at(Tok::comma)) {
        t_.advance();
        n.args.push_back(index_argument());
      }
      if (t_.at(Tok::comma)) t_.fail("too many indices: at most two (row, column)");
      t_.expect_closing(Tok::rbracket, open);
      n.end = t_.last_end();
      e = add(std::move(n));
    } else {
      return e;
    }
  }
}

int ExpressionParser::index_argument() {
  if (t_.at(Tok::colon)) {
    const Token& token = t_.advance();
    Node n;
    n.op = Op::colon;
    n.position = token.position;
    n.begin = token.offset;
    n.end = t_.last_end();
    return add(std::move(n));
  }
  return expression();
}

int ExpressionParser::primary() {
  const Token& t = t_.peek();
  Node n;
  n.position = t.position;
  n.begin = t.offset;
  if (t.kind == Tok::number) {
    t_.advance();
    n.op = Op::number;
    n.number = t.number;
    n.end = t_.last_end();
    return add(std::move(n));
  }
  if (t.kind == Tok::lparen) {
    const Token& open = t_.advance();
    const int inner = expression();
    t_.expect_closing(Tok::rparen, open);
    // The parentheses belong to the operand's text in messages.
    Node& e = program_.node(inner);
    e.begin = open.offset;
    e.end = t_.last_end();
    return inner;
  }
  if (t.kind != Tok::identifier) t_.fail(fmt::format("expected an expression, found {}", describe(t)));
  if (t.text == "sum" && t_.peek(1).kind == Tok::identifier && t_.at_word("in", 2)) return sum();
  if (t.text == "if") return conditional();
  if (contains(statement_words, t.text) || (contains(other_words, t.text) && t.text != "trial" && t.text != "sum")) {
    t_.fail(fmt::format("expected an expression, found {}", describe(t)));
  }
  t_.advance();
  n.name = t.text;
  if (t_.at(Tok::lparen)) return call(std::move(n));
  n.op = Op::name;
  n.end = t_.last_end();
  return add(std::move(n));
}

// NAME '(' [expr {',' expr}] ')', the name taken.
int ExpressionParser::call(Node n) {
  const Token& open = t_.advance();
  n.op = Op::call;
  if (!t_.at(Tok::rparen)) {
    n.args.push_back(expression());
    while (t_.at(Tok::comma)) {
      t_.advance();
      n.args.push_back(expression());
    }
  }
  t_.expect_closing(Tok::rparen, open);
  n.end = t_.last_end();
  return add(std::move(n));
}

int ExpressionParser::sum() {
  Node n;
  const Token& word = t_.advance();  // sum
  n.position = word.position;
  n.begin = word.offset;
  n.name = t_.new_name("the summation variable");
  t_.advance();  // in
  const int from = additive();
  std::vector<int> args{from};
  n.op = Op::sum_list;
  if (t_.at(Tok::dotdot)) {
    t_.advance();
    n.op = Op::sum_range;
    args.push_back(additive());
  }
  t_.expect(Tok::colon, "after the summation's range (as in 'sum k in w: ...')");
  args.push_back(expression());
  n.args = std::move(args);
  n.end = t_.last_end();
  return add(std::move(n));
}

int ExpressionParser::conditional() {
  Node n;
  n.op = Op::cond;
  n.position = t_.peek().position;
  n.begin = t_.advance().offset;  // if
  const int c = expression();
  t_.expect_word("then", "after the condition of 'if'");
  const int a = expression();
  t_.expect_word("else", "after the 'then' branch");
  const int b = expression();
  n.args = {c, a, b};
  n.end = t_.last_end();
  return add(std::move(n));
}

}  // namespace gradcheck::formula
