// Unit tests of the formula language: the lexer, the parser and the shape
// checker (suite "language"). Evaluation: evaluate_tests.cpp; malformed files:
// malformed_tests.cpp; the 13 shipped derivations: shipped_tests.cpp.
#define BOOST_TEST_MODULE formula_tests
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "formula/ast.hpp"
#include "formula/formula.hpp"
#include "formula/lexer.hpp"
#include "formula/shapes.hpp"
#include "gradcheck/error.hpp"
#include "runner/run_case.hpp"

namespace {

using namespace gradcheck;
using formula::Op;
using formula::Tok;

std::shared_ptr<const formula::Program> compile(const std::string& text) { return formula::compile(text, "t.gcf"); }

// The message of the error compiling `text`, or "" if it compiles.
std::string error(const std::string& text) {
  try {
    compile(text);
  } catch (const formula::FormulaError& e) {
    return e.what();
  }
  return "";
}

// The expression tree of a definition, as S-expressions: "(+ a (* b c))".
std::string tree(const formula::Program& p, int id) {
  const formula::Node& n = p.node(id);
  switch (n.op) {
    case Op::number:
      return fmt::format("{}", n.number);
    case Op::name:
      return n.name;
    case Op::colon:
      return ":";
    default:
      break;
  }
  std::string head;
  switch (n.op) {
    case Op::neg:
      head = "neg";
      break;
    case Op::transpose:
      head = "'";
      break;
    case Op::call:
      head = n.name;
      break;
    case Op::index:
      head = "[]";
      break;
    case Op::sum_range:
      head = "sum-range " + n.name;
      break;
    case Op::sum_list:
      head = "sum-in " + n.name;
      break;
    case Op::cond:
      head = "if";
      break;
    default:
      head = n.name;
      break;  // binary operators keep their spelling
  }
  std::string text = "(" + head;
  for (const int a : n.args) text += " " + tree(p, a);
  return text + ")";
}

const char* const header = "V in 2..50\nd in 1..20\nv_c: vector[d]\nU: matrix[V, d]\no: index[V]\nw: indices[3] of V\n";

// The tree of `expr`, defined as `e` after the header.
std::string parsed(const std::string& expr) {
  const auto p = compile(std::string(header) + "e = " + expr + "\nloss = sum(v_c)\ngrad v_c = ones(d)\n");
  return tree(*p, p->lets.front().expr);
}

std::string shape(const std::string& expr) {
  const auto p = compile(std::string(header) + "e = " + expr + "\nloss = sum(v_c)\ngrad v_c = ones(d)\n");
  return formula::shape_text(*p, p->node(p->lets.front().expr).type);
}

std::string expr_error(const std::string& expr) {
  return error(std::string(header) + "e = " + expr + "\nloss = sum(v_c)\ngrad v_c = ones(d)\n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(language)

BOOST_AUTO_TEST_CASE(tokens_carry_line_and_column) {
  const formula::Source source("t.gcf", "V in 2..50  # comment\n  x: vector[V]\n");
  const auto tokens = formula::tokenize(source);
  BOOST_TEST_REQUIRE(tokens.size() == 14U);
  BOOST_TEST((tokens[2].kind == Tok::number && tokens[2].integer && tokens[2].number == 2.0));
  BOOST_TEST((tokens[3].kind == Tok::dotdot));  // "2..50" is 2, .., 50
  BOOST_TEST((tokens[5].kind == Tok::newline));
  BOOST_TEST(tokens[6].text == "x");
  BOOST_TEST(tokens[6].position.line == 2);
  BOOST_TEST(tokens[6].position.column == 3);
  BOOST_TEST((tokens.back().kind == Tok::end));
}

BOOST_AUTO_TEST_CASE(numbers) {
  const formula::Source source("t.gcf", "1e-3 0.25 7 2.5E+2");
  const auto tokens = formula::tokenize(source);
  BOOST_TEST(tokens[0].number == 1e-3);
  BOOST_TEST(!tokens[0].integer);
  BOOST_TEST(tokens[1].number == 0.25);
  BOOST_TEST(tokens[2].integer);
  BOOST_TEST(tokens[3].number == 250.0);
  BOOST_TEST(error("x = 2e\n") == "t.gcf:1:5: malformed number '2e'");
  BOOST_TEST(error("x = 2x\n") == "t.gcf:1:5: malformed number '2x'");
  BOOST_TEST(error("x = 1e999\n") == "t.gcf:1:5: number '1e999' is out of range");
}

BOOST_AUTO_TEST_CASE(columns_count_characters_not_bytes) {
  BOOST_TEST(error("notes \"Uᵀ(y − ŷ)\" $\n") == "t.gcf:1:19: unexpected character '$'");
  BOOST_TEST(error("x = €\n") == "t.gcf:1:5: unexpected character '€'");
}

BOOST_AUTO_TEST_CASE(text_checks) {
  BOOST_TEST(error(std::string("V in 2..5\nx\0y", 13)) == "t.gcf:2:2: not a text file (byte 0x00)");
  BOOST_TEST(error("V in 2..5\n\xC3\x28") == "t.gcf:2:1: not a text file (byte 0xc3)");  // invalid UTF-8
  BOOST_TEST(error("\xEF\xBB\xBF$") == "t.gcf:1:2: unexpected character '$'");           // the BOM is skipped
}

BOOST_AUTO_TEST_CASE(line_continuation) {
  const auto p =
      compile("n in 1..3\nx: vector[n]\nelementwise = x \\\n  + 1  # the rest of the line\nderivative x = ones(n)\n");
  BOOST_TEST((p->claim_kind == formula::ClaimKind::derivative));
  BOOST_TEST(error("n in 1..3\nloss = 1 \\ 2\n") == "t.gcf:2:10: a line-continuation backslash must end its line");
}

BOOST_AUTO_TEST_CASE(precedence) {
  BOOST_TEST(parsed("v_c + U' * v_c .* v_c") == "(+ v_c (.* (* (' U) v_c) v_c))");
  BOOST_TEST(parsed("-v_c^2") == "(neg (^ v_c 2))");
  BOOST_TEST(parsed("2^-1") == "(^ 2 (neg 1))");
  BOOST_TEST(parsed("2^3^2") == "(^ 2 (^ 3 2))");
  BOOST_TEST(parsed("1 - 2 - 3") == "(- (- 1 2) 3)");
  BOOST_TEST(parsed("v_c > 0") == "(> v_c 0)");
  BOOST_TEST(parsed("U[o, :]'") == "(' ([] U o :))");
  BOOST_TEST(parsed("sum k in w: U[k, :] + 1") == "(sum-in k w (+ ([] U k :) 1))");
  BOOST_TEST(parsed("sum j in 0..2: j") == "(sum-range j 0 2 j)");
  BOOST_TEST(parsed("if o == 1 then 2 else 3 + 4") == "(if (== o 1) 2 (+ 3 4))");
  BOOST_TEST(parsed("max(v_c, 0) ./ 2 / 3") == "(/ (./ (max v_c 0) 2) 3)");
  BOOST_TEST(expr_error("1 < 2 < 3") == "t.gcf:7:11: comparisons do not chain: use (a < b) .* (b < c)");
}

BOOST_AUTO_TEST_CASE(shapes_are_symbolic) {
  BOOST_TEST(shape("U * v_c") == "V x 1");
  BOOST_TEST(shape("U' * (softmax(U * v_c) - onehot(o, V))") == "d x 1");
  BOOST_TEST(shape("outer(U * v_c, v_c)") == "V x d");
  BOOST_TEST(shape("U[o, :]") == "1 x d");
  BOOST_TEST(shape("U[:, 0]") == "V x 1");
  BOOST_TEST(shape("U[w, :]") == "3 x d");
  BOOST_TEST(shape("U[o, :] * v_c") == "1 x 1");
  BOOST_TEST(shape("2 * U") == "V x d");
  BOOST_TEST(shape("sum(U)") == "1 x 1");
  BOOST_TEST(shape("sum k in w: onehot(k, V)") == "V x 1");
  BOOST_TEST(shape("zeros(V, d) + U") == "V x d");
  BOOST_TEST(shape("d") == "1 x 1");
}

BOOST_AUTO_TEST_CASE(shapes_that_agree_for_some_values_wait_for_evaluation) {
  // V and d overlap (2..20), so V x 1 - d x 1 is well-formed when V = d.
  BOOST_TEST(shape("U * v_c - v_c") == "V x 1");
  // No V >= 2 equals 1: never well-formed.
  BOOST_TEST(expr_error("U * v_c - 1 * ones(1)") == "");  // a literal 1 x 1 is a scalar: it broadcasts
  BOOST_TEST(expr_error("U * v_c + ones(1, 2)") ==
             "t.gcf:7:13: shape mismatch in '+': 'U * v_c' is V x 1 but 'ones(1, 2)' is 1 x 2, and no V in 2..50 "
             "makes them agree");
  BOOST_TEST(expr_error("v_c * U") ==
             "t.gcf:7:9: shape mismatch in '*': 'v_c' is d x 1 but 'U' is V x d; a matrix product needs the left's "
             "columns (1) to equal the right's rows (V), and no V in 2..50 makes them agree");
  BOOST_TEST(expr_error("softmax(U)") == "t.gcf:7:13: softmax expects a vector (n x 1 or 1 x n), but 'U' is V x d");
  BOOST_TEST(expr_error("U[o]") == "t.gcf:7:6: 'U' is V x d: index a matrix with [i, j], [i, :] or [:, j]");
  BOOST_TEST(expr_error("w + 1") ==
             "t.gcf:7:5: 'w' is a list of indices: use it to index (U[w, :]) or to sum over (sum k in w: ...), not in "
             "arithmetic");
  BOOST_TEST(expr_error("sum k in v_c: 1") ==
             "t.gcf:7:14: 'sum k in ...:' runs over a list of indices or a range a..b, but 'v_c' is d x 1");
  BOOST_TEST(expr_error("onehot(o, v_c)") ==
             "t.gcf:7:15: onehot's size must be a dimension (a name declared as 'V in LO..HI') or a whole number, not "
             "'v_c'");
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_TEST(expr_error("yhatt") == "t.gcf:7:5: undefined name 'yhatt'");
  BOOST_TEST(expr_error("U_") == "t.gcf:7:5: undefined name 'U_' (did you mean 'U'?)");
  BOOST_TEST(expr_error("softmx(v_c)") == "t.gcf:7:5: unknown function 'softmx' (did you mean 'softmax'?)");
  BOOST_TEST(expr_error("softmax") == "t.gcf:7:5: 'softmax' is a function: call it as softmax(...)");
  BOOST_TEST(expr_error("sum o in w: 1") == "t.gcf:7:5: the summation variable 'o' is already a name: choose another");
  BOOST_TEST(error("V in 2..5\nV in 1..2\n") == "t.gcf:2:1: 'V' is already declared at 1:1");
  BOOST_TEST(error("sum = 3\n") == "t.gcf:1:1: 'sum' is a reserved word and cannot be used as a name");
  BOOST_TEST(error("x = y\ny = 1\n") == "t.gcf:1:5: undefined name 'y'");  // define before use
}

BOOST_AUTO_TEST_CASE(claims_and_controls) {
  const std::string base = "n in 1..3\nx: vector[n]\nloss = sum(x)\n";
  BOOST_TEST(error(base) ==
             "t.gcf:3:1: no claim: expected 'grad NAME = ...', 'derivative NAME = ...' or 'value = ...'");
  BOOST_TEST(error(base + "grad y = x\n") == "t.gcf:4:6: undefined parameter 'y'");
  BOOST_TEST(error(base + "grad n = x\n") ==
             "t.gcf:4:6: 'n' is not a parameter: a grad claim is about a declared parameter");
  BOOST_TEST(error(base + "grad x = x\ngrad x = x\n") == "t.gcf:5:6: grad x is claimed twice");
  BOOST_TEST(error(base + "grad x = x\nvalue = 1\n") == "t.gcf:5:1: cannot mix 'grad' and 'value' claims in one file");
  BOOST_TEST(error(base + "derivative x = x\n") ==
             "t.gcf:3:1: 'derivative' claims need 'elementwise = ...', not 'loss = ...'");
  BOOST_TEST(error(base + "grad x = x\ncontrol a: grad x = 2 * x\ncontrol a: grad x = x\n") ==
             "t.gcf:6:9: control 'a' is already declared at 5:9");
  BOOST_TEST(error("n in 1..3\nx: vector[n]\ny: vector[n]\nloss = sum(x)\ngrad x = x\ncontrol c: grad y = y\n") ==
             "t.gcf:6:17: control 'c' claims grad y, but the file claims no grad y");
  // A claim of the wrong shape is accepted here: the engine reports it as wrong_shape.
  BOOST_TEST(error(base + "grad x = ones(1, n)\n") == "");
}

BOOST_AUTO_TEST_CASE(case_from_a_file) {
  const runner::CheckCase c = formula::load_case_from_text(
      "notes \"(b)\"\nn in 1..3\nx: vector[n]\nloss = sum(x .* x) / 2\ngrad x = x\n"
      "control doubled \"2x\": grad x = 2 * x\ncontrol halved: grad x = x / 2\n",
      "some/dir/my_case.gcf");
  BOOST_TEST(c.id == "my_case");
  BOOST_TEST(c.notes == "(b)");
  BOOST_TEST(c.description == "formula file some/dir/my_case.gcf");
  BOOST_TEST(c.formula == "grad x = x");
  BOOST_TEST(c.convention == "x: vector[n]; indices 0-based, matrices column-major");
  BOOST_TEST_REQUIRE(c.controls.size() == 2U);
  BOOST_TEST(c.controls[0].id == "doubled");
  BOOST_TEST(c.controls[0].description == "2x");
  BOOST_TEST(c.controls[1].description == "grad x = x / 2");  // the claim itself when no description is given
}

// Named entries are checked against the file's own smallest sizes (n = 2, m = 3 here), not a
// drawn point's: a file's case ignores the run's size ranges.
BOOST_AUTO_TEST_CASE(a_files_bound_layouts_come_from_its_own_ranges) {
  const runner::CheckCase c = formula::load_case_from_text(
      "n in 2..30\nm in 3..9\nx: vector[n]\nA: matrix[n, m]\nloss = sum(A' * x)\ngrad x = A * ones(m, 1)\n"
      "grad A = x * ones(1, m)\n",
      "t.gcf");
  BOOST_TEST_REQUIRE(static_cast<bool>(c.bound_layout));
  const std::vector<runner::Block> layout = c.bound_layout(runner::CaseSettings{}, runner::Bound::smallest);
  BOOST_TEST_REQUIRE(layout.size() == 2U);
  BOOST_TEST((layout[0].name == "x" && layout[0].rows == 2 && layout[0].cols == 1));
  BOOST_TEST((layout[1].name == "A" && layout[1].rows == 2 && layout[1].cols == 3));
  runner::CaseSettings s;
  s.check.mode = Mode::sampled;
  s.entries.entries = {{.block = "A", .index = {1, 2}}};
  BOOST_CHECK_NO_THROW(runner::check_entries(c, s));
  s.entries.entries = {{.block = "x", .index = {2}}};
  BOOST_CHECK_THROW(runner::check_entries(c, s), Error);
  const std::vector<runner::Block> largest = c.bound_layout(runner::CaseSettings{}, runner::Bound::largest);
  BOOST_TEST((largest.size() == 2U && largest[1].rows == 30 && largest[1].cols == 9));
}

BOOST_AUTO_TEST_CASE(limits) {
  std::string deep = "n in 1..2\nx: vector[n]\nloss = sum(x";
  for (int i = 0; i < 250; ++i) deep += " + x";
  deep += ")\ngrad x = x\n";
  BOOST_TEST(error(deep) == "t.gcf:3:810: expression nested too deeply (more than 200 levels)");
  std::string chain = "n in 1..2\nx: vector[n]\na0 = x\n";
  for (int i = 1; i <= 120; ++i)
    chain += fmt::format("a{} = a{} + a{} + a{} + a{} + a{} + a{} + a{} + a{} + a{}\n", i, i - 1, i - 1, i - 1, i - 1,
                         i - 1, i - 1, i - 1, i - 1, i - 1);
  chain += "loss = sum(a120)\ngrad x = x\n";
  BOOST_TEST(error(chain).find("definitions nested too deeply (more than 1000 levels)") != std::string::npos);
  BOOST_TEST(error("V in 1..10000001\n") == "t.gcf:1:9: the dimension's range 10000001 is too large: at most 10000000");
  BOOST_TEST(error("V in 0..3\n") == "t.gcf:1:1: dimension V: range 0..3 must start at 1 or more");
}

BOOST_AUTO_TEST_SUITE_END()
