// Malformed formula files (fixtures/formulas/malformed/*.gcf): each is rejected
// before any evaluation with ONE line "FILE:LINE:COL: message", and the caret
// excerpt points at the column.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>

#include "formula/formula.hpp"

namespace {

using namespace gradcheck;

const std::string dir = std::string(GRADCHECK_FORMULA_DIR) + "/malformed/";

// The error of loading `name`, with the directory left out of what().
formula::FormulaError error_of(const std::string& name) {
  try {
    formula::load_case(dir + name);
  } catch (const formula::FormulaError& e) {
    return e;
  }
  BOOST_FAIL(name << " was accepted");
  throw std::logic_error("unreachable");
}

void expect(const std::string& name, const std::string& message) {
  const formula::FormulaError e = error_of(name);
  const std::string what = e.what();
  BOOST_TEST(what == dir + message);
  BOOST_TEST(what.find('\n') == std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(malformed)

BOOST_AUTO_TEST_CASE(unbalanced_brackets) {
  expect("unbalanced_brackets.gcf",
         "unbalanced_brackets.gcf:9:49: expected ')' to close the '(' at 9:17, found end of line");
}

BOOST_AUTO_TEST_CASE(unknown_function) {
  expect("unknown_function.gcf",
         "unknown_function.gcf:6:16: unknown function 'logsumexpp' (did you mean 'logsumexp'?)");
}

BOOST_AUTO_TEST_CASE(shape_mismatch) {
  expect("shape_mismatch.gcf",
         "shape_mismatch.gcf:7:16: shape mismatch in '+': 'v_c' is d x 1 but 'U' is V x d, and no V in 2..50, d in "
         "1..20 makes them agree");
}

BOOST_AUTO_TEST_CASE(undefined_name) { expect("undefined_name.gcf", "undefined_name.gcf:10:25: undefined name 'y'"); }

BOOST_AUTO_TEST_CASE(empty_file) {
  expect("empty.gcf",
         "empty.gcf:1:1: empty formula file: expected dimensions, parameters, a loss (or an elementwise function) and "
         "at least one claim");
}

BOOST_AUTO_TEST_CASE(binary_garbage) {
  expect("binary_garbage.gcf", "binary_garbage.gcf:1:1: not a text file (byte 0x7f)");
  BOOST_TEST(formula::caret_excerpt(error_of("binary_garbage.gcf")).empty(), "no binary bytes are echoed");
}

BOOST_AUTO_TEST_CASE(unterminated_string) {
  expect("unterminated_string.gcf", "unterminated_string.gcf:1:7: unterminated string");
}

BOOST_AUTO_TEST_CASE(unexpected_character) {
  expect("unexpected_character.gcf", "unexpected_character.gcf:4:29: unexpected character '$'");
}

BOOST_AUTO_TEST_CASE(missing_loss) {
  expect("missing_loss.gcf", "missing_loss.gcf:4:6: a 'grad' claim needs a loss: add 'loss = ...'");
}

BOOST_AUTO_TEST_CASE(empty_range) {
  expect("empty_range.gcf", "empty_range.gcf:1:1: dimension V: range 50..2 is empty (expected LO <= HI)");
}

BOOST_AUTO_TEST_CASE(undefined_dimension) {
  expect("undefined_dimension.gcf", "undefined_dimension.gcf:3:14: undefined dimension 'D' (did you mean 'd'?)");
}

BOOST_AUTO_TEST_CASE(too_large) {
  expect("too_large.gcf", "too_large.gcf:4:1: U: matrix[V, d] can have up to 100000000 entries; the limit is 10000000");
}

BOOST_AUTO_TEST_CASE(nested_too_deeply) {
  expect("nested_too_deeply.gcf", "nested_too_deeply.gcf:4:211: expression nested too deeply (more than 200 levels)");
}

BOOST_AUTO_TEST_CASE(missing_operand) {
  expect("missing_operand.gcf", "missing_operand.gcf:4:15: expected an expression, found end of line");
}

BOOST_AUTO_TEST_CASE(wrong_argument_count) {
  expect("wrong_argument_count.gcf", "wrong_argument_count.gcf:5:10: softmax takes 1 argument, got 2");
}

BOOST_AUTO_TEST_CASE(loss_not_scalar) {
  expect("loss_not_scalar.gcf",
         "loss_not_scalar.gcf:5:1: the loss must be a scalar (1 x 1), but it is V x 1: reduce it, e.g. with sum(...)");
}

BOOST_AUTO_TEST_CASE(caret_under_the_column) {
  const formula::FormulaError e = error_of("unbalanced_brackets.gcf");
  BOOST_TEST(e.position().line == 9);
  BOOST_TEST(e.position().column == 49);
  BOOST_TEST(formula::caret_excerpt(e) ==
             "  grad v_c = U' * (softmax(U * v_c) - onehot(o, V)\n"
             "                                                  ^");
}

BOOST_AUTO_TEST_CASE(long_line_excerpt_is_cut_around_the_column) {
  const std::string excerpt = formula::caret_excerpt(error_of("nested_too_deeply.gcf"));
  const auto newline = excerpt.find('\n');
  BOOST_REQUIRE(newline != std::string::npos);
  BOOST_TEST(newline < 120U);
  BOOST_TEST(excerpt.substr(0, 5) == "  ...");
  // The caret stands under the 'x', the first character nesting too deeply.
  const std::string line = excerpt.substr(0, newline);
  const std::string caret = excerpt.substr(newline + 1);
  BOOST_TEST(caret.back() == '^');
  BOOST_TEST(line[caret.size() - 1] == '(');
}

BOOST_AUTO_TEST_CASE(unreadable_file) {
  BOOST_CHECK_EXCEPTION(
      formula::load_case(dir + "no_such_file.gcf"), formula::FormulaError, [](const formula::FormulaError& e) {
        return std::string(e.what()) == dir + "no_such_file.gcf: cannot read formula file: No such file or directory";
      });
}

BOOST_AUTO_TEST_CASE(file_over_one_mebibyte) {
  const std::string text(std::size_t{1} << 20U | 1U, '#');
  BOOST_CHECK_EXCEPTION(formula::load_case_from_text(text, "big.gcf"), formula::FormulaError,
                        [](const formula::FormulaError& e) {
                          return std::string(e.what()) == "big.gcf:1:1: file is larger than 1 MiB (1048577+ bytes)";
                        });
}

BOOST_AUTO_TEST_SUITE_END()
