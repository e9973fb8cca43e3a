// gradcheck/autodiff.hpp: a second opinion by forward-mode automatic
// differentiation, where f is templated on its scalar type.
//
// A central difference estimates a derivative; it is the reference of every
// verdict because it needs nothing of f but its values. Where f is written for
// any scalar type T (a generic lambda or function template taking
// Eigen::Matrix<T, Eigen::Dynamic, 1> and returning T, as the losses of
// gradcheck/word2vec_losses.hpp), forward-mode AD gives the derivative of the
// same code exactly, up to the rounding of f's own operations: each input x_j
// is a dual number (x_j, e_j), every operation applies the chain rule to the
// derivative part, and f's output carries ∂f/∂x_j. Reported beside the finite
// difference (CheckResult::exact, exact_vs_numeric, exact_vs_analytic), it
// shows whether the two references agree, so a verdict resting on a bad
// difference (a kink, a noisy f, a step too large) is visible; it never changes
// the verdict.
//
// The dual numbers are Eigen's AutoDiffScalar (unsupported/Eigen/AutoDiff,
// shipped with Eigen 3) with a FIXED-size derivative vector of autodiff_chunk
// entries: one pass of f seeds autodiff_chunk coordinates at once, so a
// gradient of n coordinates costs ⌈n / autodiff_chunk⌉ evaluations of f, each
// about autodiff_chunk times the arithmetic of one in double, memory stays
// O(n), and no operation allocates (a dynamic derivative vector of size n
// would cost O(n) per operation and O(n²) for the gradient).
//
// What f must do for T = AutoDiffScalar: call exp, log, sqrt, ... unqualified
// after `using std::exp;` (argument-dependent lookup finds Eigen's overloads),
// keep T throughout (a conversion to double drops the derivative: f returning
// double is rejected at compile time), cast constant matrices with
// .cast<T>(), and branch on values only (comparisons of AutoDiffScalar compare
// values). log1p is not provided by Eigen for AD types; word2vec_losses.hpp
// has detail::log1p_of.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <string>
#include <type_traits>
#include <unsupported/Eigen/AutoDiff>
#include <utility>

#include "gradcheck/check.hpp"
#include "gradcheck/detail/exact.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {

/// Coordinates seeded per forward pass: the size of the derivative vector.
inline constexpr int autodiff_chunk = 16;
/// The scalar f is evaluated in: a value and autodiff_chunk partial derivatives.
using AutoDiff = Eigen::AutoDiffScalar<Eigen::Matrix<double, autodiff_chunk, 1>>;
using AutoDiffVector = Eigen::Matrix<AutoDiff, Eigen::Dynamic, 1>;

namespace detail {

// Seeds coordinates [first, first + count) of `a` (x as constants otherwise):
// derivative k of coordinate first + k is 1.
// cppcheck-suppress constParameter ; a's entries are written through derivatives()
inline void seed(AutoDiffVector& a, Eigen::Index first, Eigen::Index count, double value) {
  for (Eigen::Index k = 0; k < count; ++k) a(first + k).derivatives()(k) = value;
}

inline AutoDiffVector constants(const Eigen::VectorXd& x) {
  AutoDiffVector a(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) a(i) = AutoDiff(x(i));  // derivatives zero
  return a;
}

}  // namespace detail

/// ∇f(x) for a scalar f templated on its scalar type, by forward-mode AD in
/// ⌈n / autodiff_chunk⌉ passes. `f(v)` is called with a const
/// Eigen::Matrix<AutoDiff, Eigen::Dynamic, 1>& and returns AutoDiff (or an
/// expression of it). Exceptions of f propagate.
template <class F>
Eigen::VectorXd forward_mode_gradient(F&& f, const Eigen::VectorXd& x) {
  using Result = std::invoke_result_t<F&, const AutoDiffVector&>;
  static_assert(!std::is_arithmetic_v<std::remove_cvref_t<Result>>,
                "forward_mode_gradient: f must return its scalar type T, not a double (the derivative would be lost)");
  const Eigen::Index n = x.size();
  Eigen::VectorXd gradient(n);
  AutoDiffVector a = detail::constants(x);
  for (Eigen::Index first = 0; first < n; first += autodiff_chunk) {
    const Eigen::Index count = std::min<Eigen::Index>(autodiff_chunk, n - first);
    detail::seed(a, first, count, 1.0);
    const AutoDiff y = f(std::as_const(a));
    gradient.segment(first, count) = y.derivatives().head(count);
    detail::seed(a, first, count, 0.0);
  }
  return gradient;
}

/// The m × n Jacobian of f : Rⁿ → Rᵐ templated on its scalar type, by
/// forward-mode AD in ⌈n / autodiff_chunk⌉ passes (at least one, which fixes
/// m). `f(v)` returns an Eigen::Matrix<AutoDiff, Eigen::Dynamic, 1> (or an
/// expression of one); a size that changes between passes throws
/// gradcheck::Error. For an elementwise f the diagonal is the derivative.
template <class F>
Eigen::MatrixXd forward_mode_jacobian(F&& f, const Eigen::VectorXd& x) {
  using Result = std::remove_cvref_t<std::invoke_result_t<F&, const AutoDiffVector&>>;
  static_assert(!std::is_arithmetic_v<typename Result::Scalar>,
                "forward_mode_jacobian: f must return a vector of its scalar type T, not of double");
  const Eigen::Index n = x.size();
  Eigen::MatrixXd jacobian;
  AutoDiffVector a = detail::constants(x);
  for (Eigen::Index first = 0; first == 0 || first < n; first += autodiff_chunk) {
    const Eigen::Index count = std::min<Eigen::Index>(autodiff_chunk, n - first);
    detail::seed(a, first, count, 1.0);
    const AutoDiffVector y = f(std::as_const(a));
    if (first == 0) {
      jacobian.resize(y.size(), n);
    } else if (y.size() != jacobian.rows()) {
      throw Error("forward_mode_jacobian: f returned " + std::to_string(y.size()) + " outputs in one pass and " +
                  std::to_string(jacobian.rows()) + " in another");
    }
    for (Eigen::Index i = 0; i < y.size(); ++i) {
      jacobian.row(i).segment(first, count) = y(i).derivatives().head(count).transpose();
    }
    detail::seed(a, first, count, 0.0);
  }
  return jacobian;
}

/// The options check_gradient_templated and check_jacobian_templated apply to
/// a float claim: the double defaults (step ε^(1/3) ≈ 6e-6, noise and ladder
/// of double precision: the reference is computed in double) with the rtol of
/// float precision, CheckOptions::single_precision().rtol = 1e-4.
inline CheckOptions float_claim_options() {
  CheckOptions o;
  o.rtol = CheckOptions::single_precision().rtol;
  return o;
}

namespace detail {

// check_gradient or check_jacobian of f<double> against `claim` at x, with the
// exact derivative of f<AutoDiff> in the judged columns.
template <ClaimKind kind, class F, class C>
CheckResult templated_check(F& f, C&& claim, const Eigen::VectorXd& x, const CheckOptions& options) {
  if constexpr (kind == ClaimKind::gradient) {
    CheckResult r =
        check_gradient([&f](const Eigen::VectorXd& p) { return static_cast<double>(f(p)); }, claim, x, options);
    attach_exact_columns(r, [&] { return Eigen::MatrixXd(forward_mode_gradient(f, x).transpose()); });
    return r;
  } else {
    CheckResult r =
        check_jacobian([&f](const Eigen::VectorXd& p) -> Eigen::VectorXd { return f(p); }, claim, x, options);
    attach_exact_columns(r, [&] { return forward_mode_jacobian(f, x); });
    return r;
  }
}

// The same for a float claim, evaluated once at the float point x and judged
// at x in double, its own rounding covered in atol (FloatClaim).
template <ClaimKind kind, class F, class C>
CheckResult templated_float_check(F& f, C& claim, const Eigen::VectorXf& x, const CheckOptions& options) {
  require_coordinates(x.size());  // before the claim is evaluated
  const FloatClaim float_claim(claim, x, options);
  const Eigen::VectorXd xd = x.cast<double>();
  return templated_check<kind>(
      f, [&float_claim](const Eigen::VectorXd&) { return float_claim(); }, xd, float_claim.applied);
}

}  // namespace detail

/// Checks a float gradient against a reference computed in double, where f is
/// templated on its scalar type: `grad(x)` (x an Eigen::VectorXf, returning
/// Eigen::VectorXf) is judged against central differences of f<double> at
/// x.cast<double>() (every float is a double, so the point is the same), and
/// the exact gradient of f<AutoDiff> fills the exact column (the judged
/// columns: none in a directional check, see detail::attach_exact_columns).
/// The reference then carries double rounding, not float's: the allowance is
/// that of check_gradient with `options`, where a float claim's own rounding,
/// relative to the largest terms it sums rather than to each entry, is
/// covered by adding rtol · max_j |grad_j| to atol (the finite difference in
/// double no longer supplies float's noise term; without it correct claims
/// of entries far below the largest fail: bench/README.md). r.options holds
/// the options applied. `f` is a generic lambda (or a callable object with a
/// templated call operator): it is called with Eigen::VectorXd (returning
/// double) and with AutoDiffVector.
template <class F, class G>
CheckResult check_gradient_templated(F&& f, G&& grad, const Eigen::VectorXf& x,
                                     const CheckOptions& options = float_claim_options()) {
  return detail::templated_float_check<detail::ClaimKind::gradient>(f, grad, x, options);
}

/// The same for a double claim: check_gradient(f<double>, grad, x, options)
/// with the exact gradient of f<AutoDiff> in the exact column.
template <class F, class G>
CheckResult check_gradient_templated(F&& f, G&& grad, const Eigen::VectorXd& x, const CheckOptions& options = {}) {
  return detail::templated_check<detail::ClaimKind::gradient>(
      f, [&grad](const Eigen::VectorXd& p) -> Eigen::VectorXd { return grad(p); }, x, options);
}

/// check_gradient_templated for f : R^n → R^m templated on its scalar type
/// (returning Eigen::Matrix<T, Eigen::Dynamic, 1>): a float Jacobian `jac(x)`
/// (Eigen::MatrixXf, m × n) is judged against central differences of
/// f<double> at x.cast<double>(), the float claim's rounding covered by adding
/// rtol · max_ij |jac_ij| to atol (one bound for every row: options have one
/// atol), and the exact Jacobian of f<AutoDiff> (forward_mode_jacobian) fills
/// the exact columns.
template <class F, class J>
CheckResult check_jacobian_templated(F&& f, J&& jac, const Eigen::VectorXf& x,
                                     const CheckOptions& options = float_claim_options()) {
  return detail::templated_float_check<detail::ClaimKind::jacobian>(f, jac, x, options);
}

/// The same for a double claim: check_jacobian(f<double>, jac, x, options)
/// with the exact Jacobian of f<AutoDiff> in the exact columns.
template <class F, class J>
CheckResult check_jacobian_templated(F&& f, J&& jac, const Eigen::VectorXd& x, const CheckOptions& options = {}) {
  return detail::templated_check<detail::ClaimKind::jacobian>(
      f, [&jac](const Eigen::VectorXd& p) -> Eigen::MatrixXd { return jac(p); }, x, options);
}

}  // namespace gradcheck
