// Evaluation against hand-computed values, run-time shape and index errors,
// the drawing of points, and the problem a formula file gives the engine
// (suite "evaluate").
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <string>

#include "formula/ast.hpp"
#include "formula/evaluate.hpp"
#include "formula/formula.hpp"
#include "formula/sample.hpp"
#include "runner/run_case.hpp"

namespace {

using namespace gradcheck;
using Eigen::MatrixXd;

// A fixed point: V = 3, d = 2, o = 2, w = [0, 2, 2],
//   v_c = (1, -2),  U = [1 2; 3 4; 5 6] (rows u_0, u_1, u_2),  s = U v_c = (-3, -5, -7).
const char* const declarations =
    "V in 3..3\nd in 2..2\nv_c: vector[d]\nU: matrix[V, d]\no: index[V]\nw: indices[3] of V\n";

struct Fixture {
  std::shared_ptr<const formula::Program> program;
  formula::Point point;
};

Fixture fixture(const std::string& definitions) {
  Fixture f;
  f.program =
      formula::compile(std::string(declarations) + definitions + "\nloss = sum(v_c)\ngrad v_c = ones(d)\n", "t.gcf");
  f.point.dims = {3, 2};
  MatrixXd vc(2, 1);
  vc << 1, -2;
  MatrixXd U(3, 2);
  U << 1, 2, 3, 4, 5, 6;
  MatrixXd w(3, 1);
  w << 0, 2, 2;
  f.point.params = {vc, U, MatrixXd::Constant(1, 1, 2.0), w};
  return f;
}

// The value of `expr` at the fixed point.
MatrixXd eval(const std::string& expr) {
  const Fixture f = fixture("e = " + expr);
  return formula::Evaluator(*f.program, f.point).evaluate(f.program->lets.front().expr);
}

double scalar(const std::string& expr) {
  const MatrixXd m = eval(expr);
  BOOST_TEST_REQUIRE(m.size() == 1);
  return m(0, 0);
}

std::string eval_error(const std::string& expr) {
  try {
    eval(expr);
  } catch (const formula::FormulaError& e) {
    return e.what();
  }
  return "";
}

MatrixXd col(std::initializer_list<double> values) {
  MatrixXd m(static_cast<Eigen::Index>(values.size()), 1);
  Eigen::Index i = 0;
  for (const double v : values) m(i++, 0) = v;
  return m;
}

bool near(const MatrixXd& a, const MatrixXd& b, double tol = 1e-12) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a - b).cwiseAbs().maxCoeff() <= tol;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(evaluate)

BOOST_AUTO_TEST_CASE(arithmetic) {
  BOOST_TEST(near(eval("U * v_c"), col({-3, -5, -7})));
  BOOST_TEST(near(eval("U' * onehot(o, V)"), col({5, 6})));
  BOOST_TEST(near(eval("v_c .* v_c + 1"), col({2, 5})));
  BOOST_TEST(near(eval("v_c ./ 2"), col({0.5, -1})));
  BOOST_TEST(near(eval("2 * v_c - v_c / 2"), col({1.5, -3})));
  BOOST_TEST(near(eval("-v_c^2"), col({-1, -4})));
  BOOST_TEST(near(eval("v_c .^ 3"), col({1, -8})));
  BOOST_TEST(near(eval("(v_c - 1) % 3"), col({0, 0})));  // floor modulo: -3 % 3 = 0
  BOOST_TEST(scalar("-1 % 3") == 2.0);                   // (-1) % 3: unary minus binds tighter than % (not than ^)
  BOOST_TEST(scalar("7 % -3") == -2.0);
  BOOST_TEST(near(eval("v_c'"), (MatrixXd(1, 2) << 1, -2).finished()));
  BOOST_TEST(near(eval("outer(v_c, v_c)"), (MatrixXd(2, 2) << 1, -2, -2, 4).finished()));
  BOOST_TEST(scalar("dot(v_c, v_c)") == 5.0);
  BOOST_TEST(scalar("norm(v_c)") == std::sqrt(5.0));
  BOOST_TEST(scalar("sum(U)") == 21.0);
  BOOST_TEST(scalar("max(U)") == 6.0);
  BOOST_TEST(scalar("min(U * v_c)") == -7.0);
  BOOST_TEST(near(eval("max(0.1 * v_c, v_c)"), col({1, -0.2})));
  BOOST_TEST(near(eval("min(v_c, 0)"), col({0, -2})));
  BOOST_TEST(near(eval("zeros(V) + ones(V)"), col({1, 1, 1})));
  BOOST_TEST(scalar("V * d + trial") == 6.0);
}

BOOST_AUTO_TEST_CASE(masks_and_conditions) {
  BOOST_TEST(near(eval("v_c > 0"), col({1, 0})));
  BOOST_TEST(near(eval("(v_c > 0) + 0.1 * (v_c < 0)"), col({1, 0.1})));
  BOOST_TEST(near(eval("v_c == 1"), col({1, 0})));
  BOOST_TEST(scalar("any(v_c > 1)") == 0.0);
  BOOST_TEST(scalar("all(abs(v_c) >= 1)") == 1.0);
  BOOST_TEST(scalar("o != 2") == 0.0);
  BOOST_TEST(scalar("if o == 2 then 10 else 20") == 10.0);
  BOOST_TEST(scalar("if trial % 2 == 1 then 10 else 20") == 20.0);
}

BOOST_AUTO_TEST_CASE(functions) {
  const double lse = std::log(std::exp(-3.0) + std::exp(-5.0) + std::exp(-7.0));
  BOOST_TEST(std::abs(scalar("logsumexp(U * v_c)") - lse) < 1e-14);
  BOOST_TEST(near(eval("softmax(U * v_c)"), col({std::exp(-3 - lse), std::exp(-5 - lse), std::exp(-7 - lse)})));
  BOOST_TEST(std::abs(scalar("logsumexp(1000 * v_c)") - 1000.0) < 1e-12);  // stable for large scores
  BOOST_TEST(scalar("sum(softmax(1000 * U * v_c))") == 1.0);
  BOOST_TEST(std::abs(scalar("sigmoid(-800)")) < 1e-300);
  BOOST_TEST(scalar("sigmoid(800)") == 1.0);
  BOOST_TEST(near(eval("sigmoid(v_c)"), col({1 / (1 + std::exp(-1.0)), 1 / (1 + std::exp(2.0))})));
  BOOST_TEST(near(eval("exp(log(abs(v_c)))"), col({1, 2})));
  BOOST_TEST(near(eval("sqrt(v_c .* v_c)"), col({1, 2})));
  BOOST_TEST(near(eval("tanh(0 * v_c)"), col({0, 0})));
  BOOST_TEST(near(eval("transpose(U)"), (MatrixXd(2, 3) << 1, 3, 5, 2, 4, 6).finished()));
}

BOOST_AUTO_TEST_CASE(indexing) {
  BOOST_TEST(scalar("(U * v_c)[o]") == -7.0);
  BOOST_TEST(near(eval("U[o, :]"), (MatrixXd(1, 2) << 5, 6).finished()));
  BOOST_TEST(near(eval("U[:, 1]"), col({2, 4, 6})));
  BOOST_TEST(scalar("U[1, 0]") == 3.0);
  BOOST_TEST(near(eval("U[w, :]"), (MatrixXd(3, 2) << 1, 2, 5, 6, 5, 6).finished()));
  BOOST_TEST(near(eval("v_c[w[0]] + (U * v_c)[w]"), col({-2, -6, -6})));
  BOOST_TEST(scalar("w[1]") == 2.0);
}

BOOST_AUTO_TEST_CASE(sums) {
  // Repeats count: word 2 is drawn twice.
  BOOST_TEST(near(eval("sum k in w: onehot(k, V)"), col({1, 0, 2})));
  BOOST_TEST(near(eval("sum k in w: U[k, :]'"), col({11, 14})));
  BOOST_TEST(scalar("sum j in 1..4: j^2") == 30.0);
  BOOST_TEST(scalar("sum j in 0..V-1: sum k in 0..j: 1") == 6.0);
  BOOST_TEST(near(eval("sum j in 1..0: v_c"), col({0, 0})));  // an empty range is zero of the body's shape
}

BOOST_AUTO_TEST_CASE(run_time_errors_are_positioned) {
  BOOST_TEST(eval_error("v_c[o]") == "t.gcf:7:9: index 2 is out of range 0..1 of 'v_c', which is 2 x 1");
  BOOST_TEST(eval_error("U[o + 1, :]") == "t.gcf:7:7: index 3 is out of range 0..2 of 'U', which is 3 x 2 (row)");
  BOOST_TEST(eval_error("U[0.5, 0]") == "t.gcf:7:7: index 0.5 is not a whole number of 'U', which is 3 x 2 (row)");
  BOOST_TEST(eval_error("onehot(o + 5, V)") == "t.gcf:7:5: onehot: index 7 is out of range 0..2");
  // V x 1 against d x 1 passes the checker when V and d can be equal, not evaluation at V = 3, d = 2.
  const auto overlapping = formula::compile(
      "V in 2..5\nd in 2..5\nv_c: vector[d]\nU: matrix[V, d]\ne = U * v_c + v_c\n"
      "loss = sum(v_c)\ngrad v_c = ones(d)\n",
      "t.gcf");
  const Fixture f0 = fixture("");
  const formula::Point point{{3, 2}, {f0.point.params[0], f0.point.params[1]}, 0};
  BOOST_CHECK_EXCEPTION(formula::Evaluator(*overlapping, point).evaluate(overlapping->lets.front().expr),
                        formula::FormulaError, [](const formula::FormulaError& e) {
                          return std::string(e.what()) ==
                                 "t.gcf:5:13: shape mismatch in '+': 'U * v_c' is 3 x 1 but 'v_c' is 2 x 1";
                        });
  BOOST_TEST(eval_error("sum j in 1..1e12: j") ==
             "t.gcf:7:5: the summation runs over 1000000000000 terms, more than 100000000");
  const Fixture f = fixture("e = sum j in 1..100: sum k in 1..100: j * k");
  BOOST_CHECK_EXCEPTION(formula::Evaluator(*f.program, f.point, 1000).evaluate(f.program->lets.front().expr),
                        formula::FormulaError, [](const formula::FormulaError& e) {
                          return std::string(e.what()).find("evaluation takes more than 1000 steps") !=
                                 std::string::npos;
                        });
}

BOOST_AUTO_TEST_CASE(drawn_points) {
  const auto program = formula::compile(
      "V in 2..9\nK in 1..5\no: index[V]\nw: indices[K] of V distinct excluding o\nx: vector[K] ~ uniform(-8, 8)\n"
      "y: vector[V] ~ normal(10, 0.5)\nassume any(x > 0)\nloss = sum(x)\ngrad x = ones(K)\n",
      "t.gcf");
  for (int trial = 0; trial < 200; ++trial) {
    Rng rng = trial_rng(3, "t", static_cast<std::uint64_t>(trial));
    Rng again = trial_rng(3, "t", static_cast<std::uint64_t>(trial));
    const formula::Point p = formula::draw_point(*program, rng, trial);
    const formula::Point q = formula::draw_point(*program, again, trial);
    BOOST_TEST(p.dims == q.dims);  // reproducible from the generator
    BOOST_TEST(near(p.params[2], q.params[2], 0.0));
    const long V = p.dims[0];
    const long K = p.dims[1];
    BOOST_TEST(K <= V - 1);  // a draw that cannot be distinct is redrawn
    const double o = p.params[0](0, 0);
    const MatrixXd& w = p.params[1];
    BOOST_TEST(w.rows() == K);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      BOOST_TEST(w(i) != o);
      for (Eigen::Index j = 0; j < i; ++j) BOOST_TEST(w(i) != w(j));
    }
    BOOST_TEST((p.params[2].array() > 0.0).any());
    BOOST_TEST(p.params[2].maxCoeff() < 8.0);
    BOOST_TEST(p.params[2].minCoeff() >= -8.0);
    BOOST_TEST(std::abs(p.params[3].mean() - 10.0) < 2.0);
  }
  const auto impossible =
      formula::compile("n in 1..3\nx: vector[n]\nassume sum(x) > 100\nloss = sum(x)\ngrad x = ones(n)\n", "t.gcf");
  Rng rng(1);
  BOOST_CHECK_EXCEPTION(formula::draw_point(*impossible, rng, 0), formula::FormulaError, [](const auto& e) {
    return std::string(e.what()) ==
           "t.gcf:3:1: no point found in 10000 draws: the assumption at 3:1 failed in the last";
  });
}

BOOST_AUTO_TEST_CASE(point_description) {
  const Fixture f = fixture("");
  BOOST_TEST(formula::describe_point(*f.program, f.point) == "V=3 d=2 o=2 w=[0, 2, 2]");
}

// The problem handed to the engine: a wrong-shaped claim is a wrong_shape
// result, a claim that fails to evaluate an exception result; neither is a crash.
BOOST_AUTO_TEST_CASE(problems_for_the_engine) {
  const runner::CheckCase c = formula::load_case_from_text(
      "V in 2..6\nd in 2..6\nv_c: vector[d]\nU: matrix[V, d]\nassume V != d\n"
      "loss = sum((U * v_c) .^ 2) / 2\ngrad v_c = U' * U * v_c\n"
      "control transposed: grad v_c = (U' * U * v_c)'\ncontrol scores: grad v_c = U * v_c\n"
      "control mismatched: grad v_c = U * v_c + v_c\n",
      "t.gcf");
  runner::CaseSettings settings;
  settings.trials = 5;
  const runner::CaseReport r = runner::run_case(c, settings, 1);
  BOOST_TEST(r.formula_passes() == 5);
  for (const auto& t : r.trials) {
    BOOST_TEST((t.controls[0].result.failure == Failure::wrong_shape));
    BOOST_TEST((t.controls[1].result.failure == Failure::wrong_shape));
    BOOST_TEST((t.controls[2].result.failure == Failure::exception));
    BOOST_TEST(t.controls[2].result.message.find("shape mismatch in '+'") != std::string::npos);
  }
  BOOST_TEST(r.passed());
}

BOOST_AUTO_TEST_CASE(equivalent_forms_pass) {
  // 1 - sigma(-x) = sigma(x), e^x / (e^x + 1)^2 = sigma (1 - sigma), and a control in notes' words.
  const auto passes = [](const std::string& text) {
    const runner::CheckCase c = formula::load_case_from_text(text, "t.gcf");
    runner::CaseSettings settings;
    settings.trials = 10;
    return runner::run_case(c, settings, 1).formula_passes() == 10;
  };
  BOOST_TEST(
      passes("n in 1..10\nx: vector[n] ~ uniform(-8, 8)\nelementwise = sigmoid(x)\n"
             "derivative x = exp(x) ./ (exp(x) + 1)^2\n"));
  BOOST_TEST(passes("n in 1..10\nx: vector[n]\nelementwise = log(sigmoid(x))\nderivative x = sigmoid(-x)\n"));
  BOOST_TEST(passes("n in 1..10\nx: vector[n]\nelementwise = log(sigmoid(x))\nderivative x = 1 - sigmoid(x)\n"));
  BOOST_TEST(passes("n in 1..10\nx: vector[n]\nloss = -sum(log(sigmoid(x)))\ngrad x = -(1 - sigmoid(x))\n"));
  BOOST_TEST(passes("n in 1..10\nx: vector[n]\nloss = -sum(log(sigmoid(x)))\ngrad x = -sigmoid(-x)\n"));
  BOOST_TEST(
      passes("n in 1..4\nx: vector[n]\ny: vector[n]\nloss = sum(x .* x) * sum(y)\ngrad y = ones(n) * sum(x .* x)\n"
             "grad x = 2 * x * sum(y)\n"));
  BOOST_TEST(passes("V in 2..5\ns: vector[V]\no: index[V]\nloss = -log(softmax(s)[o])\nvalue = logsumexp(s) - s[o]\n"));
}

// --float32: each node's value is the float one (1 + 1e-10 is 1 in float);
// in double the same expression keeps its 1e-10.
BOOST_AUTO_TEST_CASE(round_to_float_rounds_every_node) {
  const Fixture f = fixture("e = (v_c[0] + 1e-10) - v_c[0]\nt = exp(v_c[0] / 3)");
  formula::Evaluator single(*f.program, f.point);
  single.round_to_float();
  BOOST_TEST(single.evaluate(f.program->lets[0].expr)(0, 0) == 0.0);
  BOOST_TEST(single.evaluate(f.program->lets[1].expr)(0, 0) ==
             static_cast<double>(static_cast<float>(std::exp(static_cast<double>(static_cast<float>(1.0 / 3.0))))));
  formula::Evaluator twice(*f.program, f.point);
  BOOST_TEST(twice.evaluate(f.program->lets[0].expr)(0, 0) != 0.0);
}

// --float32 adds in float: each partial sum of a reduction, a matrix product or
// a summation is a float, left to right. Floats near 1e8 are 8 apart, so
// 1e8 + 1 is 1e8 and adding sixteen 1s one at a time leaves 1e8; adding them
// in double and rounding the result (as --float32 once did) gives 100000016.
BOOST_AUTO_TEST_CASE(float32_adds_in_float) {
  const Fixture f = fixture(
      "big = 1e8 * onehot(0, 17) + ones(17)\n"  // (1e8 + 1, 1, ..., 1): (1e8, 1, ..., 1) in float
      "a = sum(big)\nb = big' * ones(17)\nc = dot(big, ones(17))\nq = sum k in 0..16: big[k]\n"
      "e = norm(1e4 * onehot(0, 65) + (ones(65) - onehot(0, 65)))\n"  // sqrt(1e8 + 64 * 1)
      "s = 20 * onehot(0, 1001) - 20 * ones(1001)\n"                  // (0, -20, ..., -20)
      "g = logsumexp(s)\nh = softmax(s)[0]\n"                         // 1 + 1000 e^-20 is 1 in float
      "m = (1e7 + 1) % 3.3");                                         // x - y floor(x / y), each step in float
  const auto value = [&](formula::Evaluator& e, std::size_t let) {
    return e.evaluate(f.program->lets[let].expr)(0, 0);
  };
  formula::Evaluator single(*f.program, f.point);
  single.round_to_float();
  for (std::size_t let = 1; let <= 4; ++let) BOOST_TEST(value(single, let) == 1e8);
  BOOST_TEST(value(single, 5) == 1e4);
  BOOST_TEST(value(single, 7) == 0.0);
  BOOST_TEST(value(single, 8) == 1.0);
  BOOST_TEST(value(single, 9) == 1.0);
  // In double the same sums keep every 1 (and a float sum's roundings are not a double's).
  formula::Evaluator twice(*f.program, f.point);
  for (std::size_t let = 1; let <= 4; ++let) BOOST_TEST(value(twice, let) == 100000017.0);
  BOOST_TEST(value(twice, 5) == std::sqrt(1e8 + 64.0));
  BOOST_TEST(value(twice, 7) > 2e-6);
  BOOST_TEST(value(twice, 8) < 1.0);
}

BOOST_AUTO_TEST_SUITE_END()
