// gradcheck/check.hpp: compare a closed-form gradient or Jacobian with central
// finite differences.
//
// Numerical scheme. For coordinate j the step is
//     h_j = step · max(1, |x_j|),   then  h_j ← (x_j + h_j) − x_j
// so that x_j ± h_j is exactly representable, and the numeric derivative is the
// central difference
//     n_ij = (f_i(x + h_j e_j) − f_i(x − h_j e_j)) / (2 h_j),
// whose error is about h²|f'''|/6 (truncation) + ε|f|/h (rounding), smallest
// near h ≈ ε^(1/3) ≈ 6e-6 for doubles (Boost.Math's finite_difference.hpp
// derives the same trade-off).
//
// PASS CONDITION (the one place it is written). Entry (i, j) passes iff
//
//     |a_ij − n_ij|  ≤  allowance_ij
//     allowance_ij  =  atol + rtol · max(|a_ij|, |n_ij|)
//                          + noise_factor · ε · max(|f_i(x + h_j e_j)|, |f_i(x − h_j e_j)|) / h_j
//
// where a is the claimed (analytic) derivative, ε = 2^-52, and the last term is
// the measured rounding noise of that difference quotient: a loss of value 1e3
// cannot resolve its derivative better than ~1e3·ε/h ≈ 4e-8, so no false alarm
// is raised there. The check passes iff every entry passes, the claim has the
// shape of the Jacobian (outputs × inputs; n entries for a gradient), and every
// value involved is finite.
//
// Defaults (options.hpp) were chosen by measurement (bench/step_sweep.py, 200
// trials of each of the 13 derivation cases per step): the largest error /
// allowance ratio of a correct formula is smallest around step = ε^(1/3)
// (0.13 at 6.06e-6, against 4.0 at 1e-4 and 5.4 at 1e-7, which would be false
// alarms); over 2000 trials per case at the defaults it stays below 0.23. The
// negative controls miss by factors of 1e3 and more. noise_factor = 8 covers
// user functions that round worse than the ε/2 of a single operation.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <utility>

#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {

namespace detail {
// f writes its m outputs into `out` (resized by the callee as needed).
using VectorFunction = std::function<void(const Eigen::VectorXd& x, Eigen::VectorXd& out)>;
// The claimed Jacobian at x; for a gradient, an n × 1 column.
using MatrixFunction = std::function<Eigen::MatrixXd(const Eigen::VectorXd& x)>;

enum class ClaimKind { gradient, jacobian, value };

CheckResult check_impl(const VectorFunction& f, const MatrixFunction& claim, const Eigen::VectorXd& x,
                       const CheckOptions& options, ClaimKind kind);
}  // namespace detail

/// Check `grad`, the claimed gradient of the scalar function `f`, at `x`.
/// `f(x)` returns double; `grad(x)` returns an n-vector (anything convertible
/// to Eigen::MatrixXd with one column). Any callable works.
template <class F, class G>
CheckResult check_gradient(F&& f, G&& grad, const Eigen::VectorXd& x, const CheckOptions& options = {}) {
  return detail::check_impl(
      [&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) {
        out.resize(1);
        out(0) = static_cast<double>(f(p));
      },
      [&grad](const Eigen::VectorXd& p) -> Eigen::MatrixXd { return grad(p); }, x, options,
      detail::ClaimKind::gradient);
}

/// Check `jac`, the claimed m × n Jacobian of `f : R^n → R^m`, at `x`.
/// `f(x)` returns an m-vector (Eigen::VectorXd); `jac(x)` an m × n matrix.
template <class F, class J>
CheckResult check_jacobian(F&& f, J&& jac, const Eigen::VectorXd& x, const CheckOptions& options = {}) {
  return detail::check_impl([&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) { out = f(p); },
                            [&jac](const Eigen::VectorXd& p) -> Eigen::MatrixXd { return jac(p); }, x, options,
                            detail::ClaimKind::jacobian);
}

/// Compare claimed values with reference values entrywise under the same
/// condition with the noise term zero: |a − r| ≤ atol + rtol · max(|a|, |r|).
/// For value identities (e.g. −Σ y_w log ŷ_w = −log ŷ_o). Sizes must agree,
/// else a wrong_shape result.
CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options = {});

}  // namespace gradcheck
