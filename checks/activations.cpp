// The activation derivations, notes (e)-(g): leaky ReLU and the sigmoid, each an
// elementwise function whose Jacobian is diagonal.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cases.hpp"
#include "gradcheck/word2vec.hpp"
#include "sampling.hpp"

namespace gradcheck::checks {
namespace {

// Entries are kept this far from 0: leaky ReLU has its kink there (a central
// difference straddling it measures neither side), and σ² = σ(1 − σ) holds
// exactly at 0, so the "sigma_squared" control would be right there. The step
// (~6e-6 · max(1, |x|)) is far smaller, so no difference quotient crosses 0.
constexpr double min_abs = 1e-3;
// Entries stay within ±bound so that every control is wrong by far more than
// the tolerance: at |x| ≤ 8, σ ≥ 3e-4, so σ itself differs from σ(1 − σ) by a
// relative σ ≥ 3e-4 ≫ rtol, and σ(1 + σ) by 2σ/(1 + σ).
constexpr double bound = 8.0;

// n entries uniform in [−bound, bound), each redrawn until |x_i| ≥ min_abs.
VectorXd draw_off_zero(Rng& rng, Index n) {
  VectorXd x(n);
  for (Index i = 0; i < n; ++i) {
    do {
      x(i) = random_uniform(rng, -bound, bound);
    } while (std::abs(x(i)) < min_abs);
  }
  return x;
}

CheckCase leaky_relu_derivative() {
  return {
      .id = "leaky_relu_derivative",
      .notes = "(e)/(f)",
      .description = "derivative of leaky ReLU f(x) = max(alpha x, x), elementwise (a diagonal Jacobian)",
      .formula = "f'(x) = 1 for x > 0, alpha for x < 0 (undefined at 0: kink entries are judged inconclusive)",
      .convention = "x in R^n, f applied to each entry, 0 < alpha < 1",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            // Two entries at least, one of each sign: "alpha on both sides" is right on an all-negative
            // point and "1 on both sides" on an all-positive one, so each control needs both signs present.
            const Index n = std::max<Index>(draw(rng, s.sizes.n), 2);
            VectorXd x0 = draw_off_zero(rng, n) * s.scale;
            if ((x0.array() > 0.0).all() || (x0.array() < 0.0).all()) {
              const Index i = random_index(rng, 0, n - 1);
              x0(i) = -x0(i);
            }
            // Kink points: every other draw adds an entry at exactly 0 and one within 1e-8 of it,
            // which the step straddles. They are judged INCONCLUSIVE (never a pass or a failure of
            // the formula) and the point is redrawn; wrong controls still FAIL at the other entries.
            int kinks = 0;
            if (random_index(rng, 0, 1) == 1) {
              x0.conservativeResize(n + 2);
              x0(n) = 0.0;
              x0(n + 1) = random_uniform(rng, -1e-8, 1e-8);
              kinks = 2;
            }
            const double alpha = s.sizes.alpha;
            Problem p;
            p.kind = ProblemKind::elementwise;
            p.point = fmt::format("n={} alpha={} positives={} kink_entries={}", x0.size(), alpha,
                                  (x0.array() > 0.0).count(), kinks);
            p.layout = {{"x", x0.size(), 1}};
            p.x = x0;
            set_elementwise(p, [alpha](const auto& x) { return w2v::leaky_relu(x, alpha); });
            p.claim = [alpha](const VectorXd& x) {
              return std::vector<MatrixXd>{w2v::leaky_relu_derivative(x, alpha)};
            };
            // positive_slope is used for x > 0, negative_slope for x < 0.
            const auto slopes = [](double positive_slope, double negative_slope) {
              return [=](const VectorXd& x) {
                return std::vector<MatrixXd>{
                    x.unaryExpr([=](double v) { return v > 0.0 ? positive_slope : negative_slope; })};
              };
            };
            p.controls = {
                {"alpha_both_sides", "alpha everywhere (the x > 0 branch forgotten)", slopes(alpha, alpha)},
                {"one_both_sides", "1 everywhere (the x < 0 branch forgotten)", slopes(1.0, 1.0)},
                {"sides_swapped", "alpha for x > 0, 1 for x < 0", slopes(alpha, 1.0)},
            };
            return p;
          },
      // Half the draws add two kink entries: the smallest point has none, the largest both.
      .bound_layout =
          [](const CaseSettings& s, runner::Bound end) {
            if (end == runner::Bound::smallest) return std::vector<Block>{{"x", std::max<Index>(s.sizes.n.lo, 2), 1}};
            return std::vector<Block>{{"x", std::max<Index>(s.sizes.n.hi, 2) + 2, 1}};
          },
  };
}

CheckCase sigmoid_derivative() {
  return {
      .id = "sigmoid_derivative",
      .notes = "(f)/(g)",
      .description = "derivative of the sigmoid sigma(x) = 1 / (1 + e^-x), elementwise (a diagonal Jacobian)",
      .formula = "sigma'(x) = sigma(x) (1 - sigma(x)), equivalently e^x / (e^x + 1)^2",
      .convention = "x in R^n, sigma applied to each entry; points drawn in [-8, 8] with |x_i| >= 1e-3",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Index n = draw(rng, s.sizes.n);
            Problem p;
            p.kind = ProblemKind::elementwise;
            p.point = fmt::format("n={}", n);
            p.layout = {{"x", n, 1}};
            // One entry is non-negative: where every entry is far below 0, σ, σ² and σ(1 − σ) all
            // underflow alike and "missing_exp_sign" would be right to every digit.
            p.x = draw_off_zero(rng, n) * s.scale;
            p.x(0) = std::abs(p.x(0));
            set_elementwise(p, [](const auto& x) { return w2v::sigmoid(x); });
            p.claim = [](const VectorXd& x) { return std::vector<MatrixXd>{w2v::sigmoid_derivative(x)}; };
            const auto with_sigma = [](auto&& form) {
              return [=](const VectorXd& x) {
                const Eigen::ArrayXd sigma = w2v::sigmoid(x).array();
                return std::vector<MatrixXd>{form(sigma).matrix()};
              };
            };
            p.controls = {
                {"sigma_one_plus_sigma", "sigma (1 + sigma)",
                 with_sigma([](const Eigen::ArrayXd& sigma) -> Eigen::ArrayXd { return sigma * (1.0 + sigma); })},
                {"sigma_squared", "sigma^2",
                 with_sigma([](const Eigen::ArrayXd& sigma) -> Eigen::ArrayXd { return sigma.square(); })},
                {"missing_exp_sign", "e^x / (e^x + 1) = sigma itself (the denominator's square lost)",
                 with_sigma([](const Eigen::ArrayXd& sigma) -> Eigen::ArrayXd { return sigma; })},
            };
            return p;
          },
  };
}

}  // namespace

std::vector<CheckCase> activation_cases() { return {leaky_relu_derivative(), sigmoid_derivative()}; }

}  // namespace gradcheck::checks
