// formula/parse_expressions.hpp: the expression grammar of parser.hpp
// (expr, additive, term, unary, postfix, primary), adding each node to the
// program's arena. Internal to the parser.
#pragma once

#include <string_view>

#include "formula/ast.hpp"
#include "formula/token_cursor.hpp"

namespace gradcheck::formula {

class ExpressionParser {
 public:
  ExpressionParser(TokenCursor& tokens, Program& program) : t_(tokens), program_(program) {}

  /// expr := additive [comparison additive]; returns the node's index.
  int expression();

 private:
  int additive();
  int term();
  int unary();
  int postfix();
  int primary();
  int call(Node n);
  int index_argument();
  int sum();
  int conditional();
  // Two operands side by side (U v_c).
  bool starts_operand() const;
  int juxtaposed(int lhs);
  // Adds `n` to the arena, bounding the nesting.
  int add(Node n);
  // `spelling` names the operator in messages; by default the token's text.
  int binary(Op op, const Token& token, int lhs, int rhs, std::string_view spelling = {});

  TokenCursor& t_;
  Program& program_;
  int nesting_ = 0;
};

}  // namespace gradcheck::formula
