// gradcheck/check.hpp: compare a closed-form gradient or Jacobian with central
// finite differences.
//
// Numerical scheme, per coordinate j (Ceres and Boost.Math derive the same
// trade-offs; Ridders, Adv. Eng. Software 4(2), 1982; Numerical Recipes §5.7).
//
// 1. First difference. h_j = step · max(1, |x_j|), then h_j ← (x_j + h_j) − x_j
//    in the function's precision, so x_j ± h_j are exact; the numeric value is
//        n_ij = (f_i(x + h_j e_j) − f_i(x − h_j e_j)) / (2 h_j),
//    with error ≈ h²|f‴|/6 (truncation) + ε|f|/h (rounding), smallest near
//    h ≈ ε^(1/3). Two evaluations. The entry passes here if it meets the
//    allowance below and the rounding term noise_factor·ε|f|/h resolves rtol
//    relative to max(|a_ij|, |n_ij|, ‖a_i‖∞), a_i the claimed row of output i:
//    an entry far below its row's largest need only be resolved to rtol of
//    that largest (the scale of the gradient errors the calibration's
//    sensitivity measures), so it is not refined; a claimed 0 where
//    f(x ± h e_j) are identical passes too. A truncation error can make
//    a right formula look wrong, but not a wrong one look right.
// 2. Refinement, only for coordinates with an entry the first difference did
//    not pass. A kink test (KINKS below) on f at x ± h and x ± 2h; then
//    Ridders' extrapolation over a ladder h = top / 1.4^k, k = 0..9, top =
//    ladder_step·max(1,|x_j|) or lower (KINKS), gives n_ij with an error
//    estimate E_ij. If it leaves the first difference's band (|n¹ − n_ij| >
//    noise_factor·noise + estimate_factor·E_ij + rtol·max|n|), the ladder met
//    truncation its larger steps cannot handle: the entry is INCONCLUSIVE,
//    whatever the claim.
//
// KINKS. No stage carries a kink into a verdict; each keeps its steps on one
// side of it. A kink within 2h shows as a jump in slope, J = 2·(F − B)(h) −
// (F − B)(2h) (F, B the one-sided slopes; J = 0 for smooth f, whatever f″),
// or as one-sided bends f(x ± 2h) − 2f(x ± h) + f(x) that differ, each
// beyond the noise (noise_factor·noise, four times that for the bends) and
// rtol of the slopes. At h a claim outside both one-sided slopes at h and 2h
// by more than four times their spread FAILs (wrong on either side; two
// kinks within h can shift both slopes one way by up to about that spread).
// Else h is halved until a step no longer straddles the kink, and the entry
// is judged there as in step 1, the difference at that step against the one
// at twice it (their distance the estimate E); it passes if resolved to 10%
// (RESOLUTION), FAILs only by more than twice its noise and estimate, 10% of
// the value and 0.1% of its row's largest entry (a saturated f rounds at
// small steps like its far larger intermediates, unseen), else INCONCLUSIVE.
// The grid f moves on near x (two changes or more, each a whole multiple of
// the smallest) is rounding, and enters the noise. Where no step clears the
// kink before noise does (x at the kink), a claim outside both one-sided
// slopes at the smallest step FAILs. An entry still undecided whose kink lies
// on one side (that side's bend eight times the other's, beyond the noise)
// is judged on the other side: Ridders' ladder of one-sided differences
// (f(x ∓ t) − f(x)) / ∓t, its top the largest of 2h, 4h, ... up to
// ladder_step over which that side's bends grow fourfold per doubling as
// smooth f's do; it PASSES if resolved to 10% and within the allowance
// (2σ/t_min + estimate_factor·E), and never FAILs. Ridders' ladder starts
// below the nearest kink: steps 4h, 8h, ... up to its top are tested the same
// way, and it starts at the last clear one. The noise probe (σ below) does
// not read a bend over a kink as rounding (Δ²f of one sign, or one bend in
// one or two neighbours). f that moves on a grid (a function rounded coarser
// than any probe shows) has no kinks there. Along a direction only the plain
// test applies (F − B not halving with h, beyond 4·noise_factor·noise), and
// is not searched past.
//
// PASS CONDITION (the one place it is written). Entry (i, j) passes iff
//
//     |a_ij − n_ij|  ≤  allowance_ij,
//     allowance_ij  =  atol + rtol · max(|a_ij|, |n_ij|)
//                        + k · noise_ij · s_ij
//                        + estimate_factor · E_ij                      (E_ij = 0 after step 1)
//     noise_ij      =  max(ε · max(|f_i(x + h_j e_j)|, |f_i(x − h_j e_j)|, 1), σ_i) / h_j
//
// σ_i the rounding noise of f_i measured near x (Moré–Wild ECnoise: six
// evaluations per check at steps of 1e-9 relative, 16 ulps in float; an output
// that does not move there, half its differences exactly 0, is probed again at
// 10 times the step up to 1e-3, six evaluations each, and a value read there
// counts only if ECnoise recognises it as noise); k = noise_factor and s_ij = 1
// after step 1; after Ridders k = 1 and s_ij = min(1, h_j / h_min), h_min its
// smallest step (larger steps divide the rounding by more, and its estimate
// E_ij measures the rest), with a the claimed (analytic) derivative and ε the
// unit roundoff of the function's precision (2^-52 double, 2^-23 float).
// After Ridders a FAIL needs more than the allowance: |a_ij − n_ij| above
// atol + rtol · max(|a_ij|, |n_ij|) + noise_factor · (k · noise_ij · s_ij +
// estimate_factor · E_ij). Between the two the entry is INCONCLUSIVE: at a
// saturated point f rounds like its intermediates, far larger than f (scores
// near 30 where the loss is 1e-7), and Ridders' value was measured off by up
// to twice its noise and estimate terms (xent_grad_logits at scale 30).
//
// RESOLUTION. The numerics must resolve what they pass. An entry with
// |a_ij − n_ij| > atol + rtol · max(|a_ij|, |n_ij|) that is within the
// allowance only thanks to its noise or estimate term is INCONCLUSIVE, not
// PASS, if the noise term k · noise_ij · s_ij exceeds 10% of
// max(|a_ij|, |n_ij|, ‖a_i‖∞/100) (the noise floor is above the value judged: a
// wrong claim of the same size, a flipped sign, would pass as well), or if it
// needs an estimate term estimate_factor · E_ij above 1% of max(|a_ij|, |n_ij|).
// An entry whose extrapolation is exactly 0 (f does not move over any step
// tried: it is rounded to a grid coarser than any step shows) while the
// claim predicts a change over the first step, |a_ij| · h_j, below
// noise_factor · max(ε · max(|f_i(x)|, 1), σ_i) is INCONCLUSIVE too, and so is an entry that
// fails against Ridders' n_ij but agrees, within atol + rtol · max(|a_ij|, |R_ij|)
// + noise_factor · 1.5 · noise_ij, with the Richardson value of the differences
// at h and 2h, R_ij = (4 D(h) − D(2h)) / 3, where R_ij and n_ij differ by more
// than atol + noise_factor · 1.5 · noise_ij + estimate_factor · E_ij (a bend
// within the ladder's larger steps can bias n_ij beyond E_ij: the numerics
// disagree with themselves), as are entries at a kink, entries whose
// differences are not finite, and coordinates with x + h == x.
// INCONCLUSIVE is never a pass of the claim and never a failure: runners redraw
// the point a bounded number of times and count it.
// The check's verdict is FAIL if any entry fails (or the claim has the wrong
// shape, is not finite, or throws), else INCONCLUSIVE if any entry is, else PASS.
//
// MODES (CheckOptions::mode). `full` judges every coordinate j as above;
// `sampled` a random subset of them. `directional` replaces e_j by random
// Gaussian directions v (entries N(0,1)·max(1, |x_j|)): the claimed ∇f·v is
// judged against the same differences of t ↦ f(x + t v) (step `step`, no
// exact-step rounding), under the same pass condition with a_ij = (∇f_i)·v,
// and with the row's largest entry ‖a_i‖∞ (in step 1 and in RESOLUTION)
// replaced by the spread of (∇f_i)·v over directions, ‖a_i ⊙ s‖₂
// (s_j = max(1, |x_j|); 0 if it overflows): a direction nearly orthogonal to
// ∇f_i need only be resolved to rtol of that spread, the typical |δ·v| of a
// gradient error δ of relative size rtol, as a small entry to rtol of its row.
// A failing direction is narrowed down by bisection: the halves of v's
// coordinates are judged the same way until one coordinate remains, which is
// then judged as in `full`, so the report names a guilty entry.
//
// Defaults (options.hpp) were chosen by measurement: `gradcheck calibrate`
// runs every derivation case at points scaled by 0.01, 1 and 30 and reports
// false failures, inconclusive points and the sensitivity (the smallest
// relative gradient error rejected in every trial); docs/calibration.md has the table.
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
  if constexpr (std::is_same_v<typename Derived::Scalar, float>) {
    return detail::check_in_float(f, grad, Eigen::VectorXf(x), options, detail::ClaimKind::gradient);
  } else {
    const auto f_out = [&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) {
      out.resize(1);
      out(0) = static_cast<double>(f(p));
    };
    const auto g_out = [&grad](const Eigen::VectorXd& p, Eigen::Index& rows, Eigen::Index& cols) -> Eigen::VectorXd {
      decltype(auto) g = grad(p);
      rows = g.rows();
      cols = g.cols();
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, Eigen::VectorXd>) {
        return g;  // moved, not copied, when grad returns by value
      } else {
        return Eigen::MatrixXd(g).reshaped();
      }
    };
    return detail::with_double_point(x, [&](const Eigen::VectorXd& xd) {
      return detail::check_impl(f_out, g_out, xd, options, detail::ClaimKind::gradient,
                                detail::Precision::double_precision);
    });
  }
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
  if constexpr (std::is_same_v<typename Derived::Scalar, float>) {
    return detail::check_in_float(f, jac, Eigen::VectorXf(x), options, detail::ClaimKind::jacobian);
  } else {
    const auto f_out = [&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) { out = f(p); };
    const auto j_out = [&jac](const Eigen::VectorXd& p, Eigen::Index& rows, Eigen::Index& cols) -> Eigen::VectorXd {
      const Eigen::MatrixXd j = jac(p);
      rows = j.rows();
      cols = j.cols();
      return j.reshaped();
    };
    return detail::with_double_point(x, [&](const Eigen::VectorXd& xd) {
      return detail::check_impl(f_out, j_out, xd, options, detail::ClaimKind::jacobian,
                                detail::Precision::double_precision);
    });
  }
}

/// Compare claimed values with reference values entrywise under the same
/// condition with the noise term zero: |a − r| ≤ atol + rtol · max(|a|, |r|).
/// For value identities (e.g. −Σ y_w log ŷ_w = −log ŷ_o). Sizes must agree,
/// else a wrong_shape result.
CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options = {});

}  // namespace gradcheck
