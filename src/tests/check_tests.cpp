// Tests of gradcheck/check.hpp and gradcheck/random.hpp: the pass condition on
// hand-made numbers, step selection, shapes, NaN, exceptions, reproducibility.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradcheck/check.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/random.hpp"

using namespace gradcheck;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// f(x) = Σ_i exp(x_i) / 2 + x_0 x_1: smooth, with a known gradient.
double smooth(const VectorXd& x) { return 0.5 * x.array().exp().sum() + x(0) * x(1); }
VectorXd smooth_grad(const VectorXd& x) {
  VectorXd g = 0.5 * x.array().exp();
  g(0) += x(1);
  g(1) += x(0);
  return g;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// −s_o + logsumexp(s) at scores s = U v that put word o far ahead: the values
// of the naive-softmax loss at a saturated point (as drawn at scale 30), with
// the shift by max s that the library's logsumexp uses.
double saturated_loss(const MatrixXd& U, const VectorXd& v, Eigen::Index o) {
  const VectorXd s = U * v;
  const double top = s.maxCoeff();
  return top + std::log((s.array() - top).exp().sum()) - s(o);
}
VectorXd saturated_grad(const MatrixXd& U, const VectorXd& v, Eigen::Index o) {  // Uᵀ(ŷ − y)
  const VectorXd s = U * v;
  VectorXd yhat = (s.array() - s.maxCoeff()).exp();
  yhat /= yhat.sum();
  yhat(o) -= 1.0;
  return U.transpose() * yhat;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(check)

BOOST_AUTO_TEST_CASE(correct_gradient_passes_and_planted_error_fails) {
  const VectorXd x = (VectorXd(4) << 0.3, -1.2, 2.0, 0.0).finished();
  const CheckResult good = check_gradient(smooth, smooth_grad, x);
  BOOST_TEST(good.passed, good.message);
  BOOST_TEST(good.failure == Failure::none);
  BOOST_TEST(good.max_rel_error < 1e-8);
  BOOST_TEST(good.evaluations == 1 + 6 + 2 * 4);  // f(x), the noise probe, one difference per coordinate

  const auto bad_grad = [](const VectorXd& p) {
    VectorXd g = smooth_grad(p);
    g(2) *= 1.001;  // a 1e-3 relative error in one entry
    return g;
  };
  const CheckResult bad = check_gradient(smooth, bad_grad, x);
  BOOST_TEST(!bad.passed);
  BOOST_TEST(bad.failure == Failure::wrong_value);
  BOOST_TEST(bad.worst_input == 2);
  BOOST_TEST(bad.worst_output == 0);
  BOOST_TEST(contains(bad.message, "x[2]"), bad.message);
  BOOST_TEST(bad.worst_ratio > 1.0);

  // The same wrong gradient passes under a loose enough tolerance (Ceres' test pattern).
  CheckOptions loose;
  loose.rtol = 1e-2;
  BOOST_TEST(check_gradient(smooth, bad_grad, x, loose).passed);
}

BOOST_AUTO_TEST_CASE(pass_condition_on_hand_made_numbers) {
  CheckOptions o;
  o.rtol = 1e-6;
  o.atol = 1e-9;
  // allowance = atol + rtol · max(|a|, |r|) + noise_factor · ε · max(|a|, |r|) ≈ 1e-9 + 1e-6 · 2
  const VectorXd ref = VectorXd::Constant(1, 2.0);
  const CheckResult inside = compare_values(ref, VectorXd::Constant(1, 2.0 + 2.0e-6), o);
  BOOST_TEST(inside.passed, inside.message);
  const double scale = 2.0 + 2.0e-6;
  BOOST_TEST(inside.worst_allowance == 1e-9 + 1e-6 * scale + 8.0 * std::numeric_limits<double>::epsilon() * scale,
             boost::test_tools::tolerance(1e-12));
  const CheckResult outside = compare_values(ref, VectorXd::Constant(1, 2.0 + 2.01e-6), o);
  BOOST_TEST(!outside.passed);
  BOOST_TEST(outside.failure == Failure::wrong_value);
  // The absolute floor decides near zero.
  BOOST_TEST(compare_values(VectorXd::Zero(1), VectorXd::Constant(1, 0.9e-9), o).passed);
  BOOST_TEST(!compare_values(VectorXd::Zero(1), VectorXd::Constant(1, 1.1e-9), o).passed);
  // Relative error is reported against max(|a|, |n|).
  BOOST_TEST(outside.max_rel_error == 2.01e-6 / (2.0 + 2.01e-6), boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(step_is_relative_and_exactly_representable) {
  std::vector<VectorXd> seen;
  const auto recording = [&seen](const VectorXd& p) {
    seen.push_back(p);
    return p(0) * p(0);
  };
  const auto grad = [](const VectorXd& p) { return VectorXd::Constant(1, 2.0 * p(0)); };
  for (const double x0 : {0.0, 0.7, -3.0, 1234.5678, 1e-300}) {
    seen.clear();
    CheckOptions o;
    check_gradient(recording, grad, VectorXd::Constant(1, x0), o);
    // f(x), six noise probes, f(x + h), f(x − h), then any refinement.
    BOOST_TEST_REQUIRE(seen.size() >= 9U);
    const double up = seen[7](0) - x0;
    const double down = x0 - seen[8](0);
    BOOST_TEST(up == down);  // symmetric and exact: no rounding in x ± h
    BOOST_TEST(up == o.step * std::max(1.0, std::abs(x0)), boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(noise_term_prevents_false_alarm_on_large_values) {
  // A loss of magnitude 1e9 cannot resolve its derivative to 1e-9 absolute; the
  // measured rounding noise widens the allowance instead of crying wolf.
  const auto f = [](const VectorXd& p) { return 1e9 + p.squaredNorm(); };
  const auto g = [](const VectorXd& p) -> VectorXd { return 2.0 * p; };
  const VectorXd x = (VectorXd(3) << 0.1, -0.2, 0.3).finished();
  const CheckResult r = check_gradient(f, g, x);
  BOOST_TEST(r.passed, r.message);
  CheckOptions no_noise;
  no_noise.noise_factor = 0.0;
  BOOST_TEST(!check_gradient(f, g, x, no_noise).passed);
  // The noise term does not excuse an error above what the differences can
  // resolve: here ~ε·1e9/h ≈ 0.04, and the planted error is 1.
  const auto wrong = [](const VectorXd& p) -> VectorXd { return (2.0 * p).array() + 1.0; };
  BOOST_TEST(!check_gradient(f, wrong, x).passed);
}

BOOST_AUTO_TEST_CASE(wrong_shapes_are_results_naming_both_shapes) {
  const VectorXd x = VectorXd::Ones(4);
  const CheckResult short_grad = check_gradient(
      smooth, [](const VectorXd&) { return VectorXd::Zero(3).eval(); }, x);
  BOOST_TEST(!short_grad.passed);
  BOOST_TEST(short_grad.failure == Failure::wrong_shape);
  BOOST_TEST(short_grad.message == "gradient has shape 3x1, expected 4x1 (one entry per coordinate of x)");

  const auto f = [](const VectorXd& p) -> VectorXd { return p.head(2); };
  const CheckResult transposed = check_jacobian(
      f, [](const VectorXd&) { return MatrixXd::Zero(4, 2).eval(); }, x);
  BOOST_TEST(transposed.failure == Failure::wrong_shape);
  BOOST_TEST(transposed.message == "Jacobian has shape 4x2, expected 2x4 (outputs x inputs)");

  BOOST_TEST(compare_values(VectorXd::Zero(2), VectorXd::Zero(3)).failure == Failure::wrong_shape);
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_named) {
  const VectorXd x = VectorXd::Ones(3);
  const auto nan_grad = [](const VectorXd& p) {
    VectorXd g = smooth_grad(p);
    g(2) = std::numeric_limits<double>::quiet_NaN();
    return g;
  };
  const CheckResult r = check_gradient(smooth, nan_grad, x);
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.failure == Failure::non_finite);
  BOOST_TEST(contains(r.message, "x[2]"), r.message);

  // A function that is not finite near x cannot be differentiated there: that
  // point is INCONCLUSIVE (no verdict on the formula), naming the coordinate.
  const auto inf_f = [](const VectorXd& p) { return p(1) > 1.0 ? HUGE_VAL : 0.0; };
  const CheckResult at_step = check_gradient(
      inf_f, [](const VectorXd&) { return VectorXd::Zero(3).eval(); }, x);
  BOOST_TEST(at_step.verdict == Verdict::inconclusive);
  BOOST_TEST(at_step.failure == Failure::non_finite);
  BOOST_TEST(contains(at_step.message, "e_1"), at_step.message);

  const auto nan_f = [](const VectorXd&) { return std::numeric_limits<double>::quiet_NaN(); };
  const CheckResult nan_at_x = check_gradient(nan_f, smooth_grad, x);
  BOOST_TEST(nan_at_x.verdict == Verdict::inconclusive);
  BOOST_TEST(nan_at_x.failure == Failure::non_finite);
}

BOOST_AUTO_TEST_CASE(exceptions_are_reported_not_thrown) {
  const VectorXd x = VectorXd::Ones(2);
  const auto throwing_f = [](const VectorXd& p) -> double {
    if (p(1) > 1.0) throw std::runtime_error("boom in f");
    return 0.0;
  };
  const CheckResult in_f = check_gradient(throwing_f, smooth_grad, x);
  BOOST_TEST(in_f.failure == Failure::exception);
  BOOST_TEST(in_f.message == "f threw at x ± h e_1: boom in f");

  const auto throwing_grad = [](const VectorXd&) -> VectorXd { throw 42; };
  const CheckResult in_grad = check_gradient(smooth, throwing_grad, x);
  BOOST_TEST(in_grad.failure == Failure::exception);
  BOOST_TEST(contains(in_grad.message, "not derived from std::exception"), in_grad.message);
}

BOOST_AUTO_TEST_CASE(jacobian_entries_are_named_output_and_input) {
  // f(x) = (x0 x1, sin x2): J = [[x1, x0, 0], [0, 0, cos x2]].
  const auto f = [](const VectorXd& p) { return (VectorXd(2) << p(0) * p(1), std::sin(p(2))).finished(); };
  const auto jac = [](const VectorXd& p) {
    MatrixXd j = MatrixXd::Zero(2, 3);
    j(0, 0) = p(1);
    j(0, 1) = p(0);
    j(1, 2) = std::cos(p(2));
    return j;
  };
  const VectorXd x = (VectorXd(3) << 0.5, -2.0, 1.0).finished();
  BOOST_TEST(check_jacobian(f, jac, x).passed);
  const auto wrong = [&jac](const VectorXd& p) {
    MatrixXd j = jac(p);
    j(1, 2) = -j(1, 2);
    return j;
  };
  const CheckResult r = check_jacobian(f, wrong, x);
  BOOST_TEST(!r.passed);
  BOOST_TEST(r.worst_output == 1);
  BOOST_TEST(r.worst_input == 2);
  BOOST_TEST(contains(r.message, "(1, 2)"), r.message);
}

BOOST_AUTO_TEST_CASE(invalid_options_throw_the_library_error) {
  CheckOptions o;
  o.step = 0.0;
  BOOST_CHECK_THROW(check_gradient(smooth, smooth_grad, VectorXd::Ones(2), o), Error);
  o = {};
  o.rtol = -1.0;
  BOOST_CHECK_THROW(check_gradient(smooth, smooth_grad, VectorXd::Ones(2), o), Error);
}

// A step below x's resolution cannot move it: INCONCLUSIVE for any claim,
// the coordinate named (formatted only when the message is made).
BOOST_AUTO_TEST_CASE(a_step_that_cannot_move_x_is_inconclusive_and_names_the_coordinate) {
  CheckOptions o;
  o.step = 1e-30;
  for (const double wrong : {0.0, 1.0}) {
    const auto claim = [&](const VectorXd& p) -> VectorXd { return smooth_grad(p) + VectorXd::Constant(2, wrong); };
    const CheckResult r = check_gradient(smooth, claim, VectorXd::Ones(2), o);
    BOOST_TEST(r.verdict == Verdict::inconclusive, r.message);
    BOOST_TEST(r.failure == Failure::step_underflow, r.message);
    BOOST_TEST(r.message.find("x[0] cannot be perturbed: x + h == x") != std::string::npos, r.message);
  }
  // A Jacobian's column is named as its entry of output 0.
  const auto twice = [](const VectorXd& p) -> VectorXd { return 2.0 * p; };
  const auto jac = [](const VectorXd& p) -> MatrixXd { return 2.0 * MatrixXd::Identity(p.size(), p.size()); };
  const CheckResult j = check_jacobian(twice, jac, VectorXd::Ones(2), o);
  BOOST_TEST(j.verdict == Verdict::inconclusive, j.message);
  BOOST_TEST(j.failure == Failure::step_underflow, j.message);
  BOOST_TEST(j.message.find("(0, 0) cannot be perturbed: x + h == x") != std::string::npos, j.message);
}

BOOST_AUTO_TEST_CASE(same_seed_same_points) {
  Rng a = trial_rng(7, "naive_softmax_grad_center", 3);
  Rng b = trial_rng(7, "naive_softmax_grad_center", 3);
  const VectorXd pa = random_normal(a, 10);
  BOOST_TEST(pa == random_normal(b, 10));
  Rng other_trial = trial_rng(7, "naive_softmax_grad_center", 4);
  Rng other_case = trial_rng(7, "xent_grad_logits", 3);
  Rng other_seed = trial_rng(8, "naive_softmax_grad_center", 3);
  BOOST_TEST(pa != random_normal(other_trial, 10));
  BOOST_TEST(pa != random_normal(other_case, 10));
  BOOST_TEST(pa != random_normal(other_seed, 10));
  // Pinned values: the stream must not change silently between versions (a
  // reproduce line or a calibration's trial numbers would then name other
  // points). Boost's distributions, not the standard library's (whose algorithms vary).
  Rng pinned = trial_rng(1, "pin", 0);
  BOOST_TEST(random_index(pinned, 0, 1000000) == 517655);
  BOOST_TEST(random_normal(pinned, 1)(0) == -0.30175225521092941);
  BOOST_TEST(random_uniform(pinned, 0.0, 1.0) == 0.71001710442664512);
}

BOOST_AUTO_TEST_SUITE_END()

// Points where the numerics cannot resolve the gradient (check.hpp, RESOLUTION).
BOOST_AUTO_TEST_SUITE(check)

// Scores near 7000 round the loss to a grid of 9.1e-13, while Uᵀ(ŷ − y) is
// 2e-11 along v[1]: f does not move over any step tried along it (h = 6e-6 up
// to the ladder's 1e-3). Before the noise probe widened its step it read 0
// here, the noise fell back to ε/h, and the correct gradient FAILED with
// "analytic 2.3e-11 vs numeric 0" (calibration, naive_softmax_grad_center at
// scale 30). The correct gradient is INCONCLUSIVE; a wrong one still FAILS.
BOOST_AUTO_TEST_CASE(saturated_softmax_where_f_does_not_move_is_inconclusive_not_fail) {
  const MatrixXd U = (MatrixXd(3, 2) << 70.0, 0.0, 69.75, 1.0, 60.0, -2.0).finished();
  const VectorXd v = (VectorXd(2) << 100.0, 0.5).finished();
  constexpr Eigen::Index o = 0;
  const auto f = [&](const VectorXd& p) { return saturated_loss(U, p, o); };
  const auto right = [&](const VectorXd& p) { return saturated_grad(U, p, o); };
  // The situation: f identical at v ± 1e-3 e_1, where the claim predicts a change of 5e-14.
  const VectorXd g = right(v);
  BOOST_TEST_REQUIRE(std::abs(g(1)) > 1e-11);
  BOOST_TEST_REQUIRE(std::abs(g(1)) < 1e-10);
  for (const double t : {6e-6, 1e-4, 1e-3}) {
    VectorXd up = v;
    VectorXd down = v;
    up(1) += t;
    down(1) -= t;
    BOOST_TEST_REQUIRE(f(up) == f(down), "f moved at step " << t);
  }

  const CheckResult r = check_gradient(f, right, v);
  BOOST_TEST(r.verdict == Verdict::inconclusive, r.message);
  BOOST_TEST(r.failure == Failure::unresolved, r.message);
  BOOST_TEST(r.inconclusive_entries >= 1);

  // The same machinery still rejects wrong formulas there: Uᵀŷ (y forgotten,
  // ≈ u_o) and Uᵀ(ŷ − y) with the entries of u_o and u_1 confused.
  const auto forgot_y = [&](const VectorXd& p) -> VectorXd {
    const VectorXd s = U * p;
    VectorXd yhat = (s.array() - s.maxCoeff()).exp();
    return U.transpose() * (yhat / yhat.sum());
  };
  const CheckResult wrong = check_gradient(f, forgot_y, v);
  BOOST_TEST(wrong.verdict == Verdict::fail, wrong.message);
  BOOST_TEST(wrong.failure == Failure::wrong_value);
  const auto scaled = [&](const VectorXd& p) -> VectorXd { return 1e4 * right(p); };
  const CheckResult too_large = check_gradient(f, scaled, v);
  BOOST_TEST(too_large.verdict == Verdict::fail, too_large.message);
  // A sign flip is as unresolvable as the formula: never a pass.
  const auto flipped = [&](const VectorXd& p) -> VectorXd { return -right(p); };
  BOOST_TEST(check_gradient(f, flipped, v).verdict != Verdict::pass);
}

// J(s) = −s_o + logsumexp(s) at the scores xent_grad_logits drew in trial
// 3131 at scale 30 (seed 1): s_o = 66.9 is 31 above the rest, so the whole
// gradient ŷ − y is below 1e-13 while f rounds to the grid of 67 (1.4e-14).
// The sign-flipped claim y − ŷ passed there like the formula ("sign_flipped
// ACCEPTED"). Both are INCONCLUSIVE now, never PASS, so the runner redraws the
// point; a claim off by more than the noise still FAILS at the same point.
BOOST_AUTO_TEST_CASE(gradient_below_resolution_passes_neither_formula_nor_sign_flip) {
  const VectorXd s = (VectorXd(11) << 15.72153864064856, 36.04711586266242, 2.453549732341493, -98.09568364588607,
                      66.87949602884169, -42.93600514454671, 12.247953055582915, 13.221347062888643, -31.8965846413707,
                      15.673196167630445, -36.6072099534015)
                         .finished();
  constexpr Eigen::Index o = 4;
  const auto f = [](const VectorXd& p) {
    const double top = p.maxCoeff();
    return top + std::log((p.array() - top).exp().sum()) - p(o);
  };
  const auto yhat_minus_y = [](const VectorXd& p) -> VectorXd {
    VectorXd yhat = (p.array() - p.maxCoeff()).exp();
    yhat /= yhat.sum();
    yhat(o) -= 1.0;
    return yhat;
  };
  BOOST_TEST_REQUIRE(yhat_minus_y(s).cwiseAbs().maxCoeff() < 1e-13);

  const CheckResult right = check_gradient(f, yhat_minus_y, s);
  BOOST_TEST(right.verdict == Verdict::inconclusive, right.message);
  BOOST_TEST(right.failure == Failure::unresolved, right.message);
  const CheckResult flipped = check_gradient(
      f, [&](const VectorXd& p) -> VectorXd { return -yhat_minus_y(p); }, s);
  BOOST_TEST(flipped.verdict == Verdict::inconclusive, flipped.message);
  BOOST_TEST(!flipped.passed);

  // ŷ (y forgotten): 1 at o where the derivative is ~0, so it FAILS here too.
  const auto forgot_y = [&](const VectorXd& p) -> VectorXd {
    VectorXd g = yhat_minus_y(p);
    g(o) += 1.0;
    return g;
  };
  const CheckResult wrong = check_gradient(f, forgot_y, s);
  BOOST_TEST(wrong.verdict == Verdict::fail, wrong.message);
  BOOST_TEST(wrong.worst_input == o);

  // Away from saturation the same formula passes and the sign flip fails.
  const VectorXd mild = s / 30.0;
  BOOST_TEST(check_gradient(f, yhat_minus_y, mild).passed);
  BOOST_TEST(check_gradient(
                 f, [&](const VectorXd& p) -> VectorXd { return -yhat_minus_y(p); }, mild)
                 .verdict == Verdict::fail);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(kinks)

// Leaky ReLU with an entry exactly at its kink and within 1e-8 of it (inside
// the first step h ≈ 6e-6): at the kink the correct derivative is
// INCONCLUSIVE; near it the step is halved until it clears the kink, and the
// entry PASSES there. The wrong derivatives FAIL at every point.
BOOST_AUTO_TEST_CASE(leaky_relu_at_the_kink) {
  constexpr double alpha = 0.1;
  const auto f = [](const VectorXd& x) -> VectorXd { return x.cwiseMax(0.1 * x); };
  const auto derivative = [](double positive, double negative) {
    return [=](const VectorXd& x) -> MatrixXd {
      return x.unaryExpr([=](double v) { return v > 0.0 ? positive : negative; }).asDiagonal();
    };
  };
  for (const double near : {0.0, 1e-9, -1e-9, 1e-8, -3e-9}) {
    const VectorXd x = (VectorXd(4) << near, 0.5, -0.7, 2.0).finished();
    const CheckResult right = check_jacobian(f, derivative(1.0, alpha), x);
    if (near == 0.0) {
      BOOST_TEST(right.verdict == Verdict::inconclusive, "at the kink: " << right.message);
      BOOST_TEST(right.failure == Failure::kink, right.message);
      BOOST_TEST(right.inconclusive_entries == 1);
    } else {
      BOOST_TEST(right.verdict == Verdict::pass, "at " << near << ": " << right.message);
    }
    for (const auto& [positive, negative] : {std::pair{alpha, alpha}, std::pair{1.0, 1.0}, std::pair{alpha, 1.0}}) {
      const CheckResult wrong = check_jacobian(f, derivative(positive, negative), x);
      BOOST_TEST(wrong.verdict == Verdict::fail, "at " << near << ": " << wrong.message);
    }
  }
  // Away from the kink the same derivative passes.
  BOOST_TEST(check_jacobian(f, derivative(1.0, alpha), (VectorXd(2) << 0.3, -0.4).finished()).passed);
}

// check.hpp: at a kink within the step, a claim outside both one-sided slopes
// is wrong on either side: FAIL, at the kink's own entry. A claim equal to the
// slope of a side x_0 lies on (either side's at the kink itself) is not shown
// wrong there. f = |x_0| + x_0/2 + x_1², slopes 1.5 right and −0.5 left, at x_0
// on the kink and 0.3 steps to either side of it.
BOOST_AUTO_TEST_CASE(a_claim_wrong_on_both_sides_of_a_kink_fails) {
  const auto f = [](const VectorXd& x) { return std::abs(x(0)) + 0.5 * x(0) + x(1) * x(1); };
  const CheckOptions o;
  struct At {
    double x0;
    std::vector<double> sides;  // slopes a claim may take there without failing
  };
  for (const At& at : {At{0.0, {1.5, -0.5}}, At{0.3 * o.step, {1.5}}, At{-0.3 * o.step, {-0.5}}}) {
    const VectorXd x = (VectorXd(2) << at.x0, 0.4).finished();
    const auto claiming = [](double slope) {
      return [slope](const VectorXd& p) -> VectorXd { return (VectorXd(2) << slope, 2.0 * p(1)).finished(); };
    };
    for (const double wrong : {3.0, -2.5}) {
      const CheckResult r = check_gradient(f, claiming(wrong), x, o);
      BOOST_TEST((r.verdict == Verdict::fail),
                 "x_0 = " << at.x0 << ", claim " << wrong << ": " << to_string(r.verdict) << " " << r.message);
      BOOST_TEST(r.worst_input == 0);
    }
    for (const double side : at.sides) {
      const CheckResult r = check_gradient(f, claiming(side), x, o);
      BOOST_TEST((r.verdict != Verdict::fail), "x_0 = " << at.x0 << ", claim " << side << ": " << r.message);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(allowance)

// The allowance of the first difference (check.hpp, PASS CONDITION), worked
// out here from f's values rather than read from the engine's report: for
// f = x_0³ + 2 x_0 x_1 + x_1²/2 + 3 (values near 2.4, so the noise term takes
// |f(x ± h e_j)| rather than 1; x_1 = −1.3, so h_1 is relative), allowance_j =
// atol + rtol · max(|a_j|, |n_j|) + noise_factor · ε · max(|f(x ± h_j e_j)|, 1) / h_j,
// the rtol term 1e-8 · |a_j| and the noise term ~7e-10 both counting. A claim
// inside it passes; one just outside does not.
BOOST_AUTO_TEST_CASE(first_difference_allowance_by_hand) {
  const auto f = [](const VectorXd& p) { return p(0) * p(0) * p(0) + 2.0 * p(0) * p(1) + 0.5 * p(1) * p(1) + 3.0; };
  const auto grad = [](const VectorXd& p) {
    return (VectorXd(2) << 3.0 * p(0) * p(0) + 2.0 * p(1), 2.0 * p(0) + p(1)).finished();
  };
  const VectorXd x = (VectorXd(2) << 0.7, -1.3).finished();
  const CheckOptions o;  // the defaults: rtol 1e-8, atol 0, noise_factor 8
  const double eps = std::numeric_limits<double>::epsilon();
  const VectorXd g = grad(x);
  for (Eigen::Index j = 0; j < 2; ++j) {
    const volatile double up = x(j) + o.step * std::max(1.0, std::abs(x(j)));
    const double h = up - x(j);  // exact: x_j ± h are representable
    VectorXd xp = x;
    VectorXd xm = x;
    xp(j) += h;
    xm(j) -= h;
    const double fp = f(xp);
    const double fm = f(xm);
    const double numeric = (fp - fm) / (2.0 * h);
    const double noise = o.noise_factor * eps * std::max({std::abs(fp), std::abs(fm), 1.0}) / h;
    const auto allowance = [&](double claimed) {
      return o.atol + o.rtol * std::max(std::abs(claimed), std::abs(numeric)) + noise;
    };
    BOOST_TEST_REQUIRE(noise > 0.05 * allowance(g(j)));  // both terms matter
    BOOST_TEST_REQUIRE(noise < 0.5 * allowance(g(j)));

    const CheckResult exact = check_gradient(f, grad, x, o);
    BOOST_TEST_REQUIRE(exact.passed, exact.message);
    BOOST_TEST(exact.estimate(0, j) == 0.0);  // decided by the first difference
    BOOST_TEST(exact.numeric(0, j) == numeric);
    BOOST_TEST(exact.allowance(0, j) == allowance(g(j)), boost::test_tools::tolerance(1e-12));

    // Planted relative to the numeric value: inside passes, just outside does not.
    const double base = allowance(numeric);
    for (const double share : {0.9, -0.9, 1.1, -1.1}) {
      const double claimed = numeric + share * base;
      const auto planted = [&](const VectorXd& p) {
        VectorXd a = grad(p);
        a(j) = claimed;
        return a;
      };
      const CheckResult r = check_gradient(f, planted, x, o);
      if (std::abs(share) < 1.0) {
        BOOST_TEST(r.passed, "x[" << j << "] off by " << share << " x the allowance: " << r.message);
        BOOST_TEST(r.allowance(0, j) == allowance(claimed), boost::test_tools::tolerance(1e-12));
      } else {
        BOOST_TEST((r.verdict != Verdict::pass), "x[" << j << "] off by " << share << " x the allowance " << base);
      }
    }
  }
}

// A gradient error planted just below the allowance passes; just above, fails.
BOOST_AUTO_TEST_CASE(planted_error_just_below_and_just_above) {
  const VectorXd x = (VectorXd(3) << 0.3, -1.2, 0.8).finished();
  const CheckResult exact = check_gradient(smooth, smooth_grad, x);
  BOOST_TEST_REQUIRE(exact.passed, exact.message);
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    const double allowance = exact.allowance(0, j);
    const double gap = exact.analytic(0, j) - exact.numeric(0, j);  // the difference's own error, ≪ allowance
    for (const double share : {0.9, 1.1}) {
      const auto planted = [&](const VectorXd& p) {
        VectorXd g = smooth_grad(p);
        g(j) += share * allowance - gap;
        return g;
      };
      const CheckResult r = check_gradient(smooth, planted, x);
      BOOST_TEST((r.verdict == (share < 1.0 ? Verdict::pass : Verdict::fail)),
                 "x[" << j << "] error " << share << " x allowance " << allowance << ": " << r.message);
    }
  }
}

// After Ridders, an error beyond the allowance but within noise_factor times
// the numerics' noise and estimate terms is INCONCLUSIVE; beyond that, FAIL.
// f sits on 1e6, so every entry's first difference is noise-bound and refined.
BOOST_AUTO_TEST_CASE(error_between_allowance_and_fail_band_is_inconclusive) {
  const auto lifted = [](const VectorXd& p) { return 1e6 + smooth(p); };
  const VectorXd x = (VectorXd(3) << 0.3, -1.2, 0.8).finished();
  const CheckResult exact = check_gradient(lifted, smooth_grad, x);
  BOOST_TEST_REQUIRE(exact.passed, exact.message);
  const CheckOptions o;
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    BOOST_TEST_REQUIRE(exact.estimate(0, j) > 0.0, "x[" << j << "] was not refined");
    const double numeric = exact.numeric(0, j);
    const double relative = o.rtol * std::abs(numeric);
    const double uncertainty = exact.allowance(0, j) - relative;  // noise and estimate terms
    for (const auto& [share, verdict] : {std::pair{0.5, Verdict::pass}, std::pair{2.0, Verdict::inconclusive},
                                         std::pair{o.noise_factor + 1.0, Verdict::fail}}) {
      const double gap = relative + share * uncertainty;
      const auto planted = [&](const VectorXd& p) {
        VectorXd g = smooth_grad(p);
        g(j) = numeric + gap;
        return g;
      };
      const CheckResult r = check_gradient(lifted, planted, x);
      BOOST_TEST((r.verdict == verdict), "x[" << j << "] error " << share << " x the noise and estimate terms "
                                              << uncertainty << ": " << to_string(r.verdict) << " " << r.message);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
