// Kinked functions checked as a user would: ReLU, |x|, a hinge loss and a
// max-pooling style max, at points drawn within ±w of their kinks for w from
// 1e-5 to 1e-2 (inside the first step h ≈ 6e-6 and inside Ridders' ladder).
// The correct derivative never FAILs and PASSES in at least 90% of trials;
// a wrong slope on one side FAILs wherever that side is sampled.
#include <Eigen/Dense>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <random>
#include <string>

#include "gradcheck/check.hpp"
#include "tally.hpp"

using namespace gradcheck;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr int trials = 200;

using tests::Tally;

// A family of kinked checks: given a point generator's draw, the correct
// claim's result, the wrong claim's, and whether the wrong side was sampled.
struct Outcome {
  CheckResult right;
  CheckResult wrong;
  bool wrong_side_sampled = true;
};
using Family = std::function<Outcome(std::mt19937_64& rng, double width)>;

VectorXd draw(std::mt19937_64& rng, Eigen::Index n, double width) {
  std::uniform_real_distribution<double> u(-width, width);
  VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i) x(i) = u(rng);
  return x;
}

Eigen::Index draw_size(std::mt19937_64& rng) { return std::uniform_int_distribution<Eigen::Index>(2, 20)(rng); }

// max(0, x) entry by entry: a diagonal Jacobian; wrong: slope 0.5 for x < 0.
Outcome relu(std::mt19937_64& rng, double width) {
  const VectorXd x = draw(rng, draw_size(rng), width);
  const auto f = [](const VectorXd& p) -> VectorXd { return p.cwiseMax(0.0); };
  const auto slopes = [](double negative) {
    return [negative](const VectorXd& p) -> MatrixXd {
      return p.unaryExpr([negative](double v) { return v > 0.0 ? 1.0 : negative; }).asDiagonal();
    };
  };
  return {check_jacobian(f, slopes(0.0), x), check_jacobian(f, slopes(0.5), x), (x.array() <= 0.0).any()};
}

// Σ|x_i|; wrong: slope +1 on both sides.
Outcome absolute(std::mt19937_64& rng, double width) {
  const VectorXd x = draw(rng, draw_size(rng), width);
  const auto f = [](const VectorXd& p) { return p.cwiseAbs().sum(); };
  const auto sign = [](const VectorXd& p) -> VectorXd { return p.array().sign().matrix(); };
  const auto ones = [](const VectorXd& p) -> VectorXd { return VectorXd::Ones(p.size()); };
  return {check_gradient(f, sign, x), check_gradient(f, ones, x), (x.array() < 0.0).any()};
}

// Mean hinge loss max(0, 1 − y_k w·z_k) of 6 samples, w placed so that every
// margin is within ±width of 1; wrong: the inactive samples count half.
Outcome hinge(std::mt19937_64& rng, double width) {
  static constexpr int samples = 6;
  const Eigen::Index d = std::uniform_int_distribution<Eigen::Index>(samples, 12)(rng);
  std::normal_distribution<double> normal(0.0, 1.0);
  MatrixXd a(samples, d);  // rows y_k z_kᵀ
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
  const VectorXd margins = VectorXd::Ones(samples) + draw(rng, samples, width);
  const VectorXd w = a.completeOrthogonalDecomposition().solve(margins);
  const auto f = [a](const VectorXd& p) { return (1.0 - (a * p).array()).max(0.0).sum() / samples; };
  const auto grad = [a](double inactive) {
    return [a, inactive](const VectorXd& p) -> VectorXd {
      const VectorXd m = (a * p).array();
      VectorXd g = VectorXd::Zero(p.size());
      for (int k = 0; k < samples; ++k) g -= (m(k) < 1.0 ? 1.0 : inactive) * a.row(k).transpose();
      return g / samples;
    };
  };
  return {check_gradient(f, grad(0.0), w), check_gradient(f, grad(0.5), w), ((a * w).array() >= 1.0).any()};
}

// max_i x_i + ‖x‖²/2 at near ties (max pooling); wrong: the argmax gets 1/2.
Outcome max_pool(std::mt19937_64& rng, double width) {
  const VectorXd x = draw(rng, draw_size(rng), width);
  const auto f = [](const VectorXd& p) { return p.maxCoeff() + 0.5 * p.squaredNorm(); };
  const auto grad = [](double share) {
    return [share](const VectorXd& p) -> VectorXd {
      Eigen::Index k = 0;
      p.maxCoeff(&k);
      VectorXd g = p;
      g(k) += share;
      return g;
    };
  };
  return {check_gradient(f, grad(1.0), x), check_gradient(f, grad(0.5), x), true};
}

void expect_kinks_handled(const std::string& name, const Family& family) {
  for (const unsigned seed : {1U, 2U, 3U}) {
    for (const double width : {1e-5, 1e-4, 1e-3, 1e-2}) {
      std::mt19937_64 rng(seed);
      Tally right;
      Tally wrong_sampled;
      std::string first_failure;
      for (int t = 0; t < trials; ++t) {
        const Outcome o = family(rng, width);
        right.add(o.right);
        if (o.right.verdict == Verdict::fail && first_failure.empty()) first_failure = o.right.message;
        if (o.wrong_side_sampled) wrong_sampled.add(o.wrong);
      }
      const int sampled = wrong_sampled.pass + wrong_sampled.fail + wrong_sampled.inconclusive;
      BOOST_TEST_MESSAGE(name << " seed " << seed << " width " << width << ": correct " << right.pass << " pass, "
                              << right.fail << " fail, " << right.inconclusive << " inconclusive; wrong slope "
                              << wrong_sampled.fail << " of " << sampled << " failed");
      BOOST_TEST(right.fail == 0, name << " width " << width << ": " << first_failure);
      BOOST_TEST(right.pass >= 9 * trials / 10, name << " width " << width << ": " << right.pass << " pass");
      BOOST_TEST(wrong_sampled.pass == 0, name << " width " << width << ": a wrong slope passed");
      BOOST_TEST(wrong_sampled.fail >= 95 * sampled / 100,
                 name << " width " << width << ": wrong slope failed " << wrong_sampled.fail << " of " << sampled);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kinks_near)

BOOST_AUTO_TEST_CASE(relu_entry_by_entry) { expect_kinks_handled("relu", relu); }
BOOST_AUTO_TEST_CASE(absolute_value) { expect_kinks_handled("abs", absolute); }
BOOST_AUTO_TEST_CASE(hinge_loss) { expect_kinks_handled("hinge", hinge); }
BOOST_AUTO_TEST_CASE(max_pooling) { expect_kinks_handled("max pooling", max_pool); }

// CheckResult::kinks: the entries whose first step straddled a kink, with the
// one-sided slopes measured there; none for a smooth f or points clear of the kink.
BOOST_AUTO_TEST_CASE(kinks_recorded_with_their_slopes) {
  const auto f = [](const VectorXd& p) { return p.cwiseMax(0.1 * p).sum(); };  // leaky ReLU, α = 0.1
  const auto swapped = [](const VectorXd& p) -> VectorXd {
    return p.unaryExpr([](double v) { return v > 0.0 ? 0.1 : 1.0; });
  };
  VectorXd x(4);
  x << 2e-6, -3e-6, 0.5, -0.7;  // two within the step h ≈ 6e-6 of the kink at 0, two far from it
  for (const int threads : {1, 2}) {
    CheckOptions options;
    options.threads = threads;
    const CheckResult r = check_gradient(f, swapped, x, options);
    BOOST_TEST(r.verdict == Verdict::fail);
    BOOST_TEST_REQUIRE(r.kinks.size() == 2U);
    BOOST_TEST(r.kinks[0].column == 0);
    BOOST_TEST(r.kinks[1].column == 1);
    // x = 2e-6: right of the kink, which lies within h: the slope within x − h
    // mixes both sides, beyond it (2·left2 − left) is the left side's.
    const KinkSlopes& k = r.kinks[0];
    BOOST_TEST(k.output == 0);
    BOOST_TEST(k.right == 1.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(k.right2 == 1.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(2.0 * k.left2 - k.left == 0.1, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(k.left > 0.1 + 1e-3);
    BOOST_TEST(k.left < 1.0 - 1e-3);
  }
  // Negative controls: a smooth f, and the kinked f at points clear of its kink.
  const auto square = [](const VectorXd& p) { return p.squaredNorm(); };
  const auto doubled = [](const VectorXd& p) -> VectorXd { return 4.0 * p; };
  BOOST_TEST(check_gradient(square, doubled, x).kinks.empty());
  const VectorXd far = x.cwiseAbs().cwiseMax(0.5);
  BOOST_TEST(check_gradient(f, swapped, far).kinks.empty());
}

BOOST_AUTO_TEST_SUITE_END()
