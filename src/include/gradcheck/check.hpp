// gradcheck/check.hpp: compare a closed-form gradient or Jacobian with central
// finite differences. The pass condition is written here, once; how each
// stage works, and why: docs/pass-condition.md.
//
// PASS CONDITION. Entry (i, j), claimed a_ij and measured n_ij, passes iff
//
//     |a_ij − n_ij|  ≤  atol + rtol · max(|a_ij|, |n_ij|) + k · noise_ij · s_ij + estimate_factor · E_ij
//     noise_ij       =  max(ε · max(|f_i(x + h_j e_j)|, |f_i(x − h_j e_j)|, 1), σ_i) / h_j
//
// h_j = step · max(1, |x_j|), rounded so that x_j ± h_j are exact in f's
// precision; ε its unit roundoff (2^-52 double, 2^-23 float); σ_i the rounding
// noise of f_i measured near x (Moré–Wild ECnoise); ‖a_i‖∞ the largest claimed
// entry of row i. The cases, by the stage that measured n_ij:
//
// 1. First difference: n_ij = (f_i(x + h_j e_j) − f_i(x − h_j e_j)) / (2 h_j);
//    k = noise_factor, s_ij = 1, E_ij = 0. It passes the entry only if the
//    noise term also resolves rtol · max(|a_ij|, |n_ij|, ‖a_i‖∞) (or a claimed
//    0 where f(x ± h_j e_j) are identical); else stage 2.
// 2. Ridders: n_ij and its error estimate E_ij extrapolated over steps
//    top / 1.4^l, l = 0..9, top = ladder_step · max(1, |x_j|) or below the
//    nearest kink; k = 1, s_ij = min(1, h_j / h_min). A FAIL needs
//    |a_ij − n_ij| > atol + rtol · max(|a_ij|, |n_ij|) + noise_factor ·
//    (noise_ij · s_ij + estimate_factor · E_ij); between that and the
//    allowance the entry is INCONCLUSIVE, and so is it where n_ij leaves the
//    first difference's band.
// KINKS. A first step straddling a kink: a claim outside both one-sided
//    slopes at h and 2h by more than four times their spread FAILs; else the
//    entry is judged at the first of h/2, h/4, ... clear of the kink (E_ij its
//    distance to the difference at twice that step): PASS if resolved to 10%,
//    FAIL only beyond twice its terms, 10% of the value and 0.1% of ‖a_i‖∞.
//    Where no step clears the kink, a claim outside both one-sided slopes at
//    the smallest step FAILs. An entry still undecided, its kink on one side,
//    is judged by one-sided Ridders on the other: PASS, never FAIL.
// RESOLUTION. INCONCLUSIVE, not PASS: an entry beyond atol + rtol ·
//    max(|a_ij|, |n_ij|) let through only by a noise term above 10% of
//    max(|a_ij|, |n_ij|, ‖a_i‖∞/100) or an estimate term above 1% of
//    max(|a_ij|, |n_ij|); f flat over every step while the claim predicts a
//    change below f's noise; a FAIL against Ridders that the Richardson value
//    of the steps h and 2h would pass while the two disagree; an entry at a
//    kink no step clears; differences that are not finite; x + h == x.
// MODES. `full` judges every coordinate, `sampled` a random subset of them;
//    `directional` replaces e_j by random directions v (entries
//    N(0,1)·max(1, |x_j|), step `step` not rounded): a_ij = ∇f_i·v and
//    ‖a_i‖∞ becomes ‖a_i ⊙ s‖₂, s_j = max(1, |x_j|); a kink along v is
//    detected, not searched past; a failing direction is bisected down to one
//    coordinate, then judged as in `full`.
//
// The check FAILs if any entry fails (or the claim has the wrong shape, is
// not finite, or throws), else is INCONCLUSIVE if any entry is, else PASSes.
// INCONCLUSIVE is neither a pass nor a failure: runners redraw the point a
// bounded number of times. The defaults (options.hpp) were chosen by
// `gradcheck calibrate` (docs/calibration.md).
#pragma once

#include <Eigen/Core>
#include <type_traits>

#include "gradcheck/detail/check_impl.hpp"
#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {

/// What a check of n coordinates under `options` will do: the mode
/// (Mode::automatic resolved), the samples it draws, and the evaluations of f
/// it needs at least (1 at x, 6 for the noise probe, 2 per coordinate or
/// direction; the probe adds 6 per widening, at most 6 in double, where f does
/// not move at its first step; refinement adds up to 24 per coordinate or
/// direction that the first difference does not decide). Throws gradcheck::Error on bad options
/// and for n = 0 ("x is empty: nothing to check"), as every check of an empty x does.
struct Plan {
  Mode mode = Mode::full;
  long samples = 0;
  long evaluations = 0;
};
Plan plan(Eigen::Index n, const CheckOptions& options);

/// Default options for a function computed in precision `Scalar`.
template <class Scalar>
CheckOptions default_options() {
  static_assert(std::is_same_v<Scalar, double> || std::is_same_v<Scalar, float>,
                "gradcheck checks functions of double or float vectors");
  return std::is_same_v<Scalar, float> ? CheckOptions::single_precision() : CheckOptions{};
}

/// Check `grad`, the claimed gradient of the scalar function `f`, at `x`.
/// Any callables work (lambdas included). For an Eigen::VectorXd x, `f(x)`
/// returns double and `grad(x)` an n-vector (anything convertible to
/// Eigen::MatrixXd with one column).
///
/// For an Eigen::VectorXf x, f computes in single precision: `f` takes
/// Eigen::VectorXf and returns float, `grad` returns Eigen::VectorXf; steps
/// are exact in float, noise follows ε = 2^-23, and the default options are
/// CheckOptions::single_precision(). FLOAT USERS: if your f is templated on
/// its scalar type (a generic lambda or a template, see gradcheck/autodiff.hpp),
/// call check_gradient_templated instead, the better choice: it judges the
/// float gradient against differences of f in double and adds the exact
/// gradient by forward-mode AD, deciding points that float differences, with
/// their coarse steps and rounding, leave INCONCLUSIVE or misjudge. A
/// float-only f is checked here, in float.
///
/// Default options: Mode::automatic (every coordinate while 7 + 2n
/// evaluations fit in `budget`, else random directions) on one thread; set
/// `threads` for more only if f is safe to call concurrently.
template <class F, class G, class Derived>
CheckResult check_gradient(F&& f, G&& grad, const Eigen::MatrixBase<Derived>& x,
                           const CheckOptions& options = default_options<typename Derived::Scalar>()) {
  return detail::check_claim<detail::ClaimKind::gradient>(f, grad, x, options);
}

/// Check `jac`, the claimed m × n Jacobian of `f : R^n → R^m`, at `x`.
/// For an Eigen::VectorXd x, `f(x)` returns an m-vector (Eigen::VectorXd)
/// and `jac(x)` an m × n matrix. For an Eigen::VectorXf x, f computes in
/// single precision as in check_gradient: `f` takes Eigen::VectorXf and
/// returns Eigen::VectorXf, `jac` returns Eigen::MatrixXf, steps are exact in
/// float, and the default options are CheckOptions::single_precision(); for
/// an f templated on its scalar type, check_jacobian_templated
/// (gradcheck/autodiff.hpp) judges a float Jacobian against a double
/// reference and is the better choice. Default options as check_gradient's.
template <class F, class J, class Derived>
CheckResult check_jacobian(F&& f, J&& jac, const Eigen::MatrixBase<Derived>& x,
                           const CheckOptions& options = default_options<typename Derived::Scalar>()) {
  return detail::check_claim<detail::ClaimKind::jacobian>(f, jac, x, options);
}

/// Compare claimed values with reference values entrywise under the same
/// condition with the noise term zero: |a − r| ≤ atol + rtol · max(|a|, |r|).
/// For value identities (e.g. −Σ y_w log ŷ_w = −log ŷ_o). Sizes must agree,
/// else a wrong_shape result.
CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options = {});

}  // namespace gradcheck
