// float_jacobian: check_jacobian of an f computed in float (an Eigen::VectorXf
// x: steps exact in float, CheckOptions::single_precision() by default) and
// check_jacobian_templated (a float Jacobian against f<double>, the exact
// Jacobian by forward-mode AD): an elementwise tanh and a 3 × 4 linear map
// followed by tanh. Correct Jacobians never FAIL; one wrong entry FAILs at
// every point and is named.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <string>

#include "gradcheck/autodiff.hpp"
#include "gradcheck/check.hpp"
#include "gradcheck/random.hpp"
#include "seeds.hpp"

using namespace gradcheck;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::MatrixXf;
using Eigen::VectorXd;
using Eigen::VectorXf;

namespace {

constexpr int points = 200;

// y = tanh(A x + b) for any scalar type T, with J = diag(1 − y²) A. An
// elementwise tanh is A = I, b = 0 (n × n).
struct TanhMap {
  MatrixXd A;
  VectorXd b;

  template <class T>
  Eigen::Matrix<T, Eigen::Dynamic, 1> operator()(const Eigen::Matrix<T, Eigen::Dynamic, 1>& x) const {
    const Eigen::Matrix<T, Eigen::Dynamic, 1> z = A.cast<T>() * x + b.cast<T>();
    return z.unaryExpr([](const T& v) {
      using std::tanh;
      return T(tanh(v));
    });
  }
  // The closed form in float: f computed in float, as a float-only layer is.
  VectorXf in_float(const VectorXf& x) const { return (A.cast<float>() * x + b.cast<float>()).array().tanh().matrix(); }
  MatrixXf jacobian(const VectorXf& x) const {
    const Eigen::ArrayXf y = in_float(x).array();
    return (1.0F - y * y).matrix().asDiagonal() * A.cast<float>();
  }
};

TanhMap elementwise_tanh(Rng& rng) {
  const Index n = random_index(rng, 1, 20);
  return {MatrixXd::Identity(n, n), VectorXd::Zero(n)};
}

TanhMap linear_tanh(Rng& rng) { return {random_normal(rng, 3, 4) / 2.0, random_normal(rng, 3) / 2.0}; }

struct Tally {
  int pass = 0;
  int fail = 0;
  int inconclusive = 0;
  int named = 0;  // of the wrong claim's FAILs, those naming the wrong entry
  void add(const CheckResult& r) {
    (r.verdict == Verdict::pass ? pass : r.verdict == Verdict::fail ? fail : inconclusive) += 1;
  }
};

// Runs `check(map, x, claim)` at `points` random points, for a map drawn by
// `draw`, with the closed form and with a random entry (i, j) of it off by 1%
// of the Jacobian's largest entry. (1% of its row's largest is not always
// resolved in float: near saturation a row is ~1e-4 while f ≈ ±1 rounds at
// 6e-8, and the float differences' noise covers a few percent of the row.)
template <class Draw, class Check>
void expect_verdicts(const std::string& name, std::uint64_t seed, Draw draw, Check check) {
  Tally right;
  Tally wrong;
  for (int t = 0; t < points; ++t) {
    Rng rng = trial_rng(seed, name, static_cast<std::uint64_t>(t));
    const TanhMap map = draw(rng);
    const VectorXf x = (random_normal(rng, map.A.cols()) * 1.5).cast<float>();
    const Index i = random_index(rng, 0, map.A.rows() - 1);
    const Index j = random_index(rng, 0, map.A.cols() - 1);
    const CheckResult r = check(map, x, [&map](const VectorXf& p) { return map.jacobian(p); });
    BOOST_TEST(r.verdict != Verdict::fail, name << " point " << t << ": " << r.message);
    right.add(r);
    const CheckResult bad = check(map, x, [&map, i, j](const VectorXf& p) {
      MatrixXf J = map.jacobian(p);
      J(i, j) += 0.01F * J.cwiseAbs().maxCoeff();
      return J;
    });
    wrong.add(bad);
    wrong.named += bad.verdict == Verdict::fail && bad.worst_output == i && bad.worst_input == j ? 1 : 0;
  }
  BOOST_TEST_MESSAGE(name << ", seed " << seed << ": correct " << right.pass << " pass, " << right.fail << " fail, "
                          << right.inconclusive << " inconclusive; wrong entry " << wrong.fail << " fail ("
                          << wrong.named << " naming it), " << wrong.pass << " pass, of " << points);
  BOOST_TEST(right.fail == 0, name);
  BOOST_TEST(right.pass >= points * 9 / 10, name);
  // Never passed; FAILed and named at 98% of points (where the entry sits at
  // an inflection of a saturated tanh, float's ladder may not resolve it).
  BOOST_TEST(wrong.pass == 0, name);
  BOOST_TEST(wrong.fail >= points * 98 / 100, name);
  BOOST_TEST(wrong.named == wrong.fail, name);
}

// check_jacobian of the float-only f, under default options for float.
const auto in_float = [](const TanhMap& map, const VectorXf& x, const auto& jac) {
  CheckResult r = check_jacobian([&map](const VectorXf& p) { return map.in_float(p); }, jac, x);
  BOOST_TEST(r.options.rtol == CheckOptions::single_precision().rtol);  // float's defaults applied
  return r;
};

// check_jacobian_templated: the float claim against f<double>; where the
// claim is right, the exact Jacobian (AD) agrees with the finite difference.
const auto templated = [](const TanhMap& map, const VectorXf& x, const auto& jac) {
  CheckResult r = check_jacobian_templated(map, jac, x);
  BOOST_TEST(r.exact.rows() == map.A.rows());
  BOOST_TEST(r.exact.cols() == map.A.cols());
  if (r.verdict == Verdict::pass) BOOST_TEST(r.exact_vs_numeric <= 1.0, r.exact_vs_numeric);
  return r;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(float_jacobian)

BOOST_AUTO_TEST_CASE(elementwise_tanh_in_float) {
  for (const std::uint64_t seed : tests::seeds({1, 2}))
    expect_verdicts("elementwise tanh", seed, elementwise_tanh, in_float);
}

BOOST_AUTO_TEST_CASE(linear_then_tanh_in_float) {
  for (const std::uint64_t seed : tests::seeds({1, 2}))
    expect_verdicts("3x4 linear + tanh", seed, linear_tanh, in_float);
}

BOOST_AUTO_TEST_CASE(elementwise_tanh_templated) {
  for (const std::uint64_t seed : tests::seeds({1, 2}))
    expect_verdicts("elementwise tanh", seed, elementwise_tanh, templated);
}

BOOST_AUTO_TEST_CASE(linear_then_tanh_templated) {
  for (const std::uint64_t seed : tests::seeds({1, 2}))
    expect_verdicts("3x4 linear + tanh", seed, linear_tanh, templated);
}

// The double forms take the same functions: check_jacobian_templated of a
// double claim fills the exact Jacobian, and a wrong entry is named.
BOOST_AUTO_TEST_CASE(linear_then_tanh_templated_in_double) {
  Rng rng = trial_rng(3, "double", 0);
  const TanhMap map = linear_tanh(rng);
  const VectorXd x = random_normal(rng, 4);
  const auto exact = [&map](const VectorXd& p) {
    const Eigen::ArrayXd y = map(p).array();
    return MatrixXd((1.0 - y * y).matrix().asDiagonal() * map.A);
  };
  const CheckResult right = check_jacobian_templated(map, exact, x);
  BOOST_TEST(right.passed, right.message);
  BOOST_TEST(right.exact_vs_analytic < 1e-12);
  const CheckResult wrong = check_jacobian_templated(
      map,
      [&](const VectorXd& p) {
        MatrixXd J = exact(p);
        J(2, 1) *= 1.01;
        return J;
      },
      x);
  BOOST_TEST(wrong.verdict == Verdict::fail);
  BOOST_TEST(wrong.worst_output == 2);
  BOOST_TEST(wrong.worst_input == 1);
}

BOOST_AUTO_TEST_SUITE_END()
