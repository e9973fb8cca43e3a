// The spellings students write (docs/notation.md): each accepted one parses to
// the same tree as its ASCII form, each refused one is answered with the fix,
// and did-you-mean names what was meant (suite "notation"). The files of
// fixtures/formulas/notation/ pass as written and fail with a wrong claim.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "formula/ast.hpp"
#include "formula/evaluate.hpp"
#include "formula/formula.hpp"
#include "formula/help.hpp"
#include "formula/lexer.hpp"
#include "formula/names.hpp"
#include "formula/suggest.hpp"
#include "runner/run_case.hpp"

namespace {

using namespace gradcheck;
using formula::Op;

std::string error(const std::string& text) {
  try {
    formula::compile(text, "t.gcf");
  } catch (const formula::FormulaError& e) {
    return e.what();
  }
  return "";
}

// The structure of a node: operators by their Op (not their spelling), calls by
// the builtin they resolve to, names and numbers as written.
std::string structure(const formula::Program& p, int id) {
  const formula::Node& n = p.node(id);
  if (n.op == Op::number) return fmt::format("{}", n.number);
  if (n.op == Op::name) return n.name;
  std::string text = n.op == Op::call ? fmt::format("(call{}", static_cast<int>(n.builtin))
                                      : fmt::format("(op{}", static_cast<int>(n.op));
  for (const int a : n.args) text.append(1, ' ').append(structure(p, a));
  return text + ")";
}

const char* const header =
    "V in 2..50\nd in 1..20\nv_c: vector[d]\nU: matrix[V, d]\nx: vector[V]\no: index[V]\nŷ = softmax(U * v_c)\n"
    "y = onehot(o, V)\n";

std::string parsed(const std::string& expr) {
  const auto p = formula::compile(std::string(header) + "e = " + expr + "\nloss = sum(v_c)\ngrad v_c = v_c\n", "t.gcf");
  return structure(*p, p->lets.back().expr);
}

std::string expr_error(const std::string& expr) {
  return error(std::string(header) + "e = " + expr + "\nloss = sum(v_c)\ngrad v_c = v_c\n");
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  BOOST_TEST_REQUIRE(at != std::string::npos, "'" << from << "' is in the file");
  return text.replace(at, from.size(), to);
}

runner::CaseReport run(const runner::CheckCase& c) {
  runner::CaseSettings settings;
  settings.trials = 10;
  return runner::run_case(c, settings, 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notation)

BOOST_AUTO_TEST_CASE(transpose_spellings) {
  const std::string ascii = parsed("U'");
  for (const char* spelling : {"Uᵀ", "U⊤", "U^T", "U.T"}) BOOST_TEST(parsed(spelling) == ascii, spelling);
  BOOST_TEST(parsed("U.T @ x") == parsed("U' * x"));
  BOOST_TEST(parsed("U^T * x") == parsed("U' * x"));
  BOOST_TEST(parsed("x.T") == parsed("x'"));
  BOOST_TEST(parsed("U") != ascii);  // the comparison can fail
}

BOOST_AUTO_TEST_CASE(a_transposed_operand_before_a_bracket_multiplies) {
  const std::string ascii = parsed("U' * (ŷ - y)");
  for (const char* spelling : {"Uᵀ(ŷ − y)", "U^T(ŷ − y)", "U.T(ŷ − y)", "U'(ŷ - y)"}) {
    BOOST_TEST(parsed(spelling) == ascii, spelling);
  }
  BOOST_TEST(parsed("−Uᵀ(ŷ − y) + v_c") == parsed("-U' * (ŷ - y) + v_c"));
  BOOST_TEST(parsed("Uᵀ(ŷ − y)") != parsed("U' * ŷ - y"));
}

BOOST_AUTO_TEST_CASE(product_spellings) {
  const std::string ascii = parsed("U * v_c");
  for (const char* spelling : {"U @ v_c", "U · v_c", "U ⋅ v_c", "U × v_c"}) BOOST_TEST(parsed(spelling) == ascii);
  BOOST_TEST(parsed("x ⊙ x") == parsed("x .* x"));
  BOOST_TEST(parsed("x ∘ x") == parsed("x .* x"));
  BOOST_TEST(parsed("x ⊙ x") != parsed("x * x'"));
}

BOOST_AUTO_TEST_CASE(power_and_minus_spellings) {
  BOOST_TEST(parsed("x**2") == parsed("x^2"));
  BOOST_TEST(parsed("-x**2") == parsed("-x^2"));  // -(x^2)
  BOOST_TEST(parsed("2**3**2") == parsed("2^3^2"));
  BOOST_TEST(parsed("x − 1") == parsed("x - 1"));
  BOOST_TEST(parsed("−x") == parsed("-x"));
  BOOST_TEST(parsed("x**2") != parsed("x * 2"));
}

BOOST_AUTO_TEST_CASE(relu_and_sigma) {
  BOOST_TEST(parsed("σ(x)") == parsed("sigmoid(x)"));
  BOOST_TEST(parsed("relu(x)") != parsed("abs(x)"));
  // relu(x) is max(x, 0) entry by entry, NaN kept.
  const auto p =
      formula::compile("n in 4..4\nx: vector[n]\nr = relu(x)\nm = max(x, 0)\nloss = sum(r)\ngrad x = x\n", "t.gcf");
  formula::Point point;
  point.dims = {4};
  Eigen::MatrixXd x(4, 1);
  x << -1.5, 0.0, 2.0, std::nan("");
  point.params = {x};
  formula::Evaluator e(*p, point);
  const Eigen::MatrixXd r = e.evaluate(p->lets[0].expr);
  const Eigen::MatrixXd m = e.evaluate(p->lets[1].expr);
  BOOST_TEST((r(0, 0) == 0.0 && r(1, 0) == 0.0 && r(2, 0) == 2.0 && std::isnan(r(3, 0))));
  BOOST_TEST((r.topRows(3) == m.topRows(3)));
  BOOST_TEST(error("relu = 1\n") == "t.gcf:1:1: 'relu' is a reserved word and cannot be used as a name");
}

BOOST_AUTO_TEST_CASE(greek_and_hatted_names) {
  // ŷ precomposed (U+0177) and y + U+0302 COMBINING CIRCUMFLEX are one name.
  BOOST_TEST(parsed("y\u0302") == "ŷ");
  BOOST_TEST(formula::compose_name("y\u0302") == "ŷ");
  BOOST_TEST(formula::compose_name("x\u0302") == "x\u0302");  // no precomposed x̂: kept as written
  BOOST_TEST(
      error("n in 1..3\nσ: scalar\nτ = 2\nθ: vector[n]\nx̂ = θ / τ\nloss = σ * sum(x̂)\ngrad θ = σ / τ * ones(n)\n") ==
      "");
  BOOST_TEST(error("n in 1..3\nθ₁: vector[n]\nloss = sum(θ₁)\ngrad θ₁ = ones(n)\n") == "");
  // Operator characters are not letters.
  const formula::Source source("t.gcf", "Uᵀ");
  const auto tokens = formula::tokenize(source);
  BOOST_TEST_REQUIRE(tokens.size() == 3U);
  BOOST_TEST(tokens[0].text == "U");
  BOOST_TEST((tokens[1].kind == formula::Tok::apostrophe));
  BOOST_TEST(error("x = 1 € 2\n") == "t.gcf:1:7: unexpected character '€'");
}

BOOST_AUTO_TEST_CASE(ambiguous_spellings_are_refused_with_the_fix) {
  BOOST_TEST(expr_error("U v_c") ==
             "t.gcf:9:7: expected an operator between 'U' and 'v_c': write U * v_c (or U @ v_c) for a product");
  BOOST_TEST(expr_error("Uᵀ ŷ") ==
             "t.gcf:9:8: expected an operator between 'Uᵀ' and 'ŷ': write Uᵀ * ŷ (or Uᵀ @ ŷ) for a product");
  BOOST_TEST(expr_error("2 (x + 1)") ==
             "t.gcf:9:7: expected an operator between '2' and '(x + 1)': write 2 * (x + 1) (or 2 @ (x + 1)) for a "
             "product");
  BOOST_TEST(expr_error("U(x)") == "t.gcf:9:5: 'U' is a parameter, not a function: write U * (x) for a product");
  BOOST_TEST(expr_error("y · ŷ") ==
             "t.gcf:9:7: shape mismatch in '·': 'y' is V x 1 but 'ŷ' is V x 1; a matrix product needs the left's "
             "columns (1) to equal the right's rows (V), and no V in 2..50 makes them agree; for the dot product "
             "write dot(y, ŷ) or y' * ŷ");
  const std::string declares_t = "n in 1..3\nT: scalar\nx: vector[n]\n";
  BOOST_TEST(error(declares_t + "loss = sum(x^T)\ngrad x = T * x\n") ==
             "t.gcf:4:13: 'x^T' is ambiguous: T is declared at 2:1; write x' for the transpose or x^(T) for the power");
  BOOST_TEST(error(declares_t + "loss = sum(x^(T))\ngrad x = T * x\n") == "");
  const std::string declares_sigma = "n in 1..3\nσ: scalar\nx: vector[n]\n";
  BOOST_TEST(error(declares_sigma + "loss = sum(σ(x))\ngrad x = x\n") ==
             "t.gcf:4:12: 'σ(...)' is ambiguous: σ is declared at 2:1; write sigmoid(x) for the function or σ * (x) "
             "for a product");
  BOOST_TEST(error(declares_sigma + "loss = sum(sigmoid(x)) * σ\ngrad x = x\n") == "");
}

BOOST_AUTO_TEST_CASE(did_you_mean_in_formula_files) {
  const std::string base = "n_words in 1..3\nv_c: vector[n_words]\nŷ = v_c\nσ = 2\n";
  const std::string rest = "loss = sum(v_c)\ngrad v_c = v_c\n";
  BOOST_TEST(error(base + "loss = sum(v_c)\ngrad vc = v_c\n") ==
             "t.gcf:6:6: undefined parameter 'vc' (did you mean 'v_c'?)");
  BOOST_TEST(error("n_words in 1..3\nv_c: vector[nwords]\n") ==
             "t.gcf:2:13: undefined dimension 'nwords' (did you mean 'n_words'?)");
  BOOST_TEST(error(base + "e = yhat\n" + rest) == "t.gcf:5:5: undefined name 'yhat' (did you mean 'ŷ'?)");
  BOOST_TEST(error(base + "e = sigma\n" + rest) == "t.gcf:5:5: undefined name 'sigma' (did you mean 'σ'?)");
  BOOST_TEST(error(base + "e = sigmod(v_c)\n" + rest) ==
             "t.gcf:5:5: unknown function 'sigmod' (did you mean 'sigmoid'?)");
  BOOST_TEST(error(base + "e = rleu(v_c)\n" + rest) == "t.gcf:5:5: unknown function 'rleu' (did you mean 'relu'?)");
  // Keywords: statements, types, distributions, 'in', 'then', claims in a control.
  BOOST_TEST(error(base + "loss = sum(v_c)\ngard v_c = v_c\n") ==
             "t.gcf:6:1: unknown statement 'gard' (did you mean 'grad'?)");
  BOOST_TEST(error("n in 1..3\nx: vectr[n]\n") ==
             "t.gcf:2:4: unknown type 'vectr': expected scalar, vector[n], matrix[m, n], index[n] or indices[k] of n "
             "(did you mean 'vector'?)");
  BOOST_TEST(error("n in 1..3\nx: vector[n] ~ normall(0, 1)\n") ==
             "t.gcf:2:16: expected 'normal' or 'uniform' after '~', found 'normall' (did you mean 'normal'?)");
  BOOST_TEST(error("n inn 1..3\n") ==
             "t.gcf:1:3: expected 'in', ':' or '=' after 'n', found 'inn' (did you mean 'in'?)");
  BOOST_TEST(error(base + "e = if 1 > 0 thn 1 else 2\n") ==
             "t.gcf:5:14: expected 'then' after the condition of 'if', found 'thn' (did you mean 'then'?)");
  BOOST_TEST(error(base + rest + "control c: grda v_c = v_c\n") ==
             "t.gcf:7:12: expected a claim ('grad', 'derivative' or 'value') in control 'c', found 'grda' (did you "
             "mean 'grad'?)");
  BOOST_TEST(error(base + "Loss = sum(v_c)\ngrad v_c = v_c\n") ==
             "t.gcf:6:6: a 'grad' claim needs a loss: add 'loss = ...' ('Loss' at 5:1 defines a name; did you mean "
             "'loss = ...'?)");
  // Negative controls: nothing close, nothing suggested.
  BOOST_TEST(error(base + "loss = sum(v_c)\ngrad W = v_c\n") == "t.gcf:6:6: undefined parameter 'W'");
  BOOST_TEST(error(base + "loss = sum(v_c)\nfoo v_c = v_c\n") ==
             "t.gcf:6:5: expected 'in', ':' or '=' after 'foo', found 'v_c'");
}

BOOST_AUTO_TEST_CASE(suggestion_rules) {
  const std::vector<std::string> options = {"trials", "trial", "seed", "report_dir", "resample", "rtol"};
  BOOST_TEST(formula::closest("trails", options).value_or("") == "trials");  // a swap is one edit
  BOOST_TEST(formula::closest("report-dir", options).value_or("") == "report_dir");
  BOOST_TEST(formula::closest("rep", options).value_or("") == "report_dir");  // the only one it begins
  BOOST_TEST(!formula::closest("re", options));                               // too short to guess
  BOOST_TEST(!formula::closest("bogus", options));
  BOOST_TEST(!formula::closest("y", {"x"}));  // one letter: no unrelated one-letter name
  BOOST_TEST(formula::closest("D", {"d"}).value_or("") == "d");
  BOOST_TEST(!formula::closest("seed", options));  // the word itself is never suggested
  BOOST_TEST(formula::spelled_out("ŷ") == "yhat");
  BOOST_TEST(formula::spelled_out("y\u0302") == "yhat");
  BOOST_TEST(formula::spelled_out("Σ_k") == "sigmak");
  BOOST_TEST(formula::did_you_mean("softmx", {"softmax"}) == " (did you mean 'softmax'?)");
  BOOST_TEST(formula::did_you_mean("zzz", {"softmax"}) == "");
}

// The files of fixtures/formulas/notation/ pass as written, every control
// rejected; with the claim made wrong, the same file fails every trial.
BOOST_AUTO_TEST_CASE(student_files_pass_and_a_wrong_claim_fails) {
  const std::string dir = std::string(GRADCHECK_FORMULA_DIR) + "/notation/";
  const struct {
    const char* file;
    const char* claim;
    const char* wrong;
  } files[] = {
      {"softmax_temperature.gcf", "grad v_c = Uᵀ(ŷ − y) / τ", "grad v_c = Uᵀ(y − ŷ) / τ"},
      {"relu_sigmoid.gcf", "grad θ = σ(x) ⊙ h\n", "grad θ = σ(x) ⊙ θ\n"},
  };
  for (const auto& f : files) {
    const std::string text = read(dir + f.file);
    const runner::CheckCase right = formula::load_case_from_text(text, f.file);
    const runner::CaseReport good = run(right);
    BOOST_TEST(good.passed(), f.file);
    BOOST_TEST(good.formula_passes() == 10);
    BOOST_TEST(!right.controls.empty());
    for (std::size_t k = 0; k < right.controls.size(); ++k) BOOST_TEST(good.control_rejections(k) == 10);
    const runner::CheckCase wrong = formula::load_case_from_text(replaced(text, f.claim, f.wrong), f.file);
    const runner::CaseReport bad = run(wrong);
    BOOST_TEST(!bad.passed(), f.file);
    BOOST_TEST(bad.formula_failures() == 10, f.file);
  }
}

// The example `gradcheck formula --help` prints is a file that passes, its control rejected.
BOOST_AUTO_TEST_CASE(the_help_example_passes) {
  const std::string& help = formula::syntax_summary();
  const auto begin = help.find("\nExample\n");
  BOOST_TEST_REQUIRE(begin != std::string::npos);
  std::istringstream lines(help.substr(begin + 9, help.find("\n\n", begin + 9) - begin - 9));
  std::string file;
  for (std::string line; std::getline(lines, line);) file += line.substr(2) + "\n";  // without the indent
  const runner::CheckCase c = formula::load_case_from_text(file, "example.gcf");
  BOOST_TEST_REQUIRE(c.controls.size() == 1U);
  const runner::CaseReport r = run(c);
  BOOST_TEST(r.passed());
  BOOST_TEST(r.control_rejections(0) == 10);
}

BOOST_AUTO_TEST_SUITE_END()
