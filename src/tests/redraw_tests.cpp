// Tests of gradcheck/redraw.hpp: an INCONCLUSIVE point is redrawn, a bounded
// number of times, and the points used are returned; a PASS or FAIL is final.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "gradcheck/check.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/parameters.hpp"
#include "gradcheck/random.hpp"
#include "gradcheck/redraw.hpp"

using namespace gradcheck;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// log x: not finite for x ≤ 0, where every check is INCONCLUSIVE.
double log_loss(const VectorXd& x) { return std::log(x(0)); }
VectorXd log_grad(const VectorXd& x) { return VectorXd::Constant(1, 1.0 / x(0)); }
VectorXd wrong_log_grad(const VectorXd& x) { return VectorXd::Constant(1, 2.0 / x(0)); }

VectorXd point(double v) { return VectorXd::Constant(1, v); }

// Draws the points `values` in turn (ignoring the generator), counting draws.
struct Scripted {
  std::vector<double> values;
  int drawn = 0;
  auto draw() {
    return [this](Rng&) {
      const auto last = static_cast<int>(values.size()) - 1;
      return point(values[static_cast<std::size_t>(std::min(drawn++, last))]);
    };
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(redraw)

BOOST_AUTO_TEST_CASE(inconclusive_then_decided) {
  Scripted s{{-1.0, -2.0, 2.0, 3.0}};
  const auto r = check_redrawing(
      s.draw(), [](const VectorXd& x) { return check_gradient(log_loss, log_grad, x); }, 1);
  BOOST_TEST(r.result.verdict == Verdict::pass, r.result.message);
  BOOST_TEST_REQUIRE(r.points.size() == 3U);  // two inconclusive points, then the one that passed
  BOOST_TEST(r.points[0](0) == -1.0);
  BOOST_TEST(r.points[2](0) == 2.0);
  BOOST_TEST(s.drawn == 3);

  // Negative control: the same points with a wrong gradient FAIL at the first
  // decided point, and a FAIL is never redrawn.
  Scripted w{{-1.0, 2.0, 3.0}};
  const auto f = check_redrawing(
      w.draw(), [](const VectorXd& x) { return check_gradient(log_loss, wrong_log_grad, x); }, 1);
  BOOST_TEST(f.result.verdict == Verdict::fail);
  BOOST_TEST(f.points.size() == 2U);
}

BOOST_AUTO_TEST_CASE(bounded) {
  for (const int resample : {0, 1, 3, 7}) {
    Scripted s{{-1.0}};  // never decided
    const auto r = check_redrawing(
        s.draw(), [](const VectorXd& x) { return check_gradient(log_loss, log_grad, x); }, 5, resample);
    BOOST_TEST(r.result.verdict == Verdict::inconclusive);
    BOOST_TEST(r.points.size() == static_cast<std::size_t>(resample + 1));
  }
  Scripted d;  // default: the CLI's resample = 3
  d.values = {-1.0};
  const auto r = check_redrawing(
      d.draw(), [](const VectorXd& x) { return check_gradient(log_loss, log_grad, x); }, 5);
  BOOST_TEST(r.points.size() == 4U);
  BOOST_TEST(default_resample == 3);

  // A decided first point is the only one drawn.
  Scripted once{{2.0, -1.0}};
  BOOST_TEST(check_redrawing(
                 once.draw(), [](const VectorXd& x) { return check_gradient(log_loss, log_grad, x); }, 5, 7)
                 .points.size() == 1U);
}

BOOST_AUTO_TEST_CASE(the_policy_counts_attempts) {
  std::vector<int> attempts;
  const int n = redraw_while_inconclusive(2, [&](int k) {
    attempts.push_back(k);
    return Verdict::inconclusive;
  });
  BOOST_TEST(n == 3);
  BOOST_TEST((attempts == std::vector<int>{0, 1, 2}));
  BOOST_TEST(redraw_while_inconclusive(2, [](int k) { return k == 1 ? Verdict::fail : Verdict::inconclusive; }) == 2);
  try {
    redraw_while_inconclusive(-1, [](int) { return Verdict::pass; });
    BOOST_FAIL("resample -1 was accepted");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()) == "resample = -1 is invalid: expected a whole number from 0 to 100");
  }
}

BOOST_AUTO_TEST_CASE(same_seed_same_points) {
  // Points from the seed: x ~ N(0, 1), log x inconclusive wherever x ≤ 0.
  const auto draw = [](Rng& rng) { return random_normal(rng, 1); };
  const auto check = [](const VectorXd& x) { return check_gradient(log_loss, log_grad, x); };
  const auto a = check_redrawing(draw, check, 11, 10);
  const auto b = check_redrawing(draw, check, 11, 10);
  BOOST_TEST(a.points.size() == b.points.size());
  for (std::size_t k = 0; k < a.points.size(); ++k) BOOST_TEST(a.points[k](0) == b.points[k](0));
  BOOST_TEST(a.points.back()(0) > 0.0);  // decided where log is finite
  BOOST_TEST(a.result.verdict == Verdict::pass);
  bool differs = false;
  for (std::uint64_t seed = 12; seed < 20 && !differs; ++seed) {
    differs = check_redrawing(draw, check, seed, 10).points.front()(0) != a.points.front()(0);
  }
  BOOST_TEST(differs);
}

BOOST_AUTO_TEST_CASE(parameters_drawn_in_place) {
  // f(W) = Σ log W_ij, INCONCLUSIVE wherever an entry is ≤ 0.
  MatrixXd W(2, 2);
  const Parameters params{{"W", W}};
  int drawn = 0;
  const auto draw = [&](Rng& rng) {
    W = random_normal(rng, 2, 2);     // a new matrix moved in: the parameter follows W
    if (drawn++ < 2) W(1, 1) = -1.0;  // the first two points are inconclusive
    return params.values();
  };
  const auto loss = [&] { return W.array().log().sum(); };
  const auto grad = [&] { return blocks(MatrixXd(W.array().inverse())); };
  const auto r = check_redrawing(
      draw, [&] { return check_gradient(loss, grad, params); }, 3, 50);
  BOOST_TEST(r.points.size() >= 3U);
  BOOST_TEST(r.points[0][0](1, 1) == -1.0);
  BOOST_TEST(r.result.verdict == Verdict::pass, r.result.message);
  BOOST_TEST((r.points.back()[0].array() == W.array()).all());  // the last point is the one judged
}

BOOST_AUTO_TEST_SUITE_END()
