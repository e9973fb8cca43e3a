// engine/differences.hpp (internal): the finite differences behind check_impl.
// A Worker evaluates f along one axis (a coordinate, or a direction restricted
// to a range of coordinates) in its own copy of x, perturbed in place and
// restored; judge_axis applies the scheme and pass condition of check.hpp to
// one axis: a first central difference, then (only where that does not decide)
// a kink test and Ridders' extrapolation.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "gradcheck/check.hpp"
#include "worker.hpp"

namespace gradcheck::detail {

/// How one entry was judged.
struct EntryJudgement {
  Verdict verdict = Verdict::pass;
  Failure why = Failure::none;
  std::string detail;  ///< for inconclusive entries
  /// Whether the kink test found a kink within the first step, and the
  /// one-sided slopes it measured (CheckResult::kinks); set last, after the verdict.
  bool kink = false;
  Slopes slopes{};
};

/// Where judge_axis writes: column `column` of the result's matrices, and the
/// judgement of each output along this axis into `judged` (m entries).
struct AxisOutput {
  Eigen::MatrixXd& numeric;
  Eigen::MatrixXd& allowance;
  Eigen::MatrixXd& estimate;
  std::vector<EntryJudgement>& judged;
  Eigen::Index column;
};

/// One axis to judge, as judge_axis, judge_past_kink and judge_one_side read
/// it: f's worker and the axis, the claimed derivative per output and its row
/// scale (‖a_i‖∞ per output), f(x), f's measured noise per output, the options,
/// the claim's kind and where the judgements go.
struct AxisTask {
  Worker& worker;
  const Axis& axis;
  const Eigen::Ref<const Eigen::VectorXd>& claimed;
  const Eigen::Ref<const Eigen::VectorXd>& row_scale;
  const Eigen::VectorXd& fx;
  const Eigen::VectorXd& rounding;
  const CheckOptions& options;
  ClaimKind kind;
  const AxisOutput& out;
};

/// An entry passed only thanks to an error estimate above this share of its
/// value is not resolved by the numerics: INCONCLUSIVE, not PASS.
inline constexpr double resolution = 1e-2;
/// An entry passed only thanks to its noise term need resolve itself only
/// down to this share of its row's largest entry (check.hpp).
inline constexpr double row_share = 1e-2;
/// An entry passed only thanks to the noise term resolves its value if that
/// term is at most this share of it (or of row_share of its row's largest):
/// then no claim off by more than this share (a sign, a factor, a missing term
/// of the same size) is excused by noise. Not 1% as for the error estimate: the
/// noise term is an upper bound taken at the ladder's smallest step.
inline constexpr double noise_resolution = 0.1;

/// Where f is flat, and past a kink (steps below h), an error is shown wrong
/// only if it would move f over the step by more than this many times f's
/// rounding floor: f may round like intermediates far larger than itself,
/// which no probe shows (a saturated softmax: scores of 1e3-1e4 where the loss
/// is 1e-11, flat or rounded 20% off at small steps). A wrong slope at a kink
/// moves f far more.
inline constexpr double hidden_rounding = 1e6;
/// That floor, in units of f: intermediates up to hidden_rounding times f's
/// own size (at least 1) rounded in double, and at least f's own rounding in
/// its precision (unit roundoff eps), times noise_factor.
inline double hidden_floor(const CheckOptions& options, double f, double eps) {
  return options.noise_factor * std::max(hidden_rounding * 0x1p-52, eps) * std::max(1.0, std::abs(f));
}

/// The rounding noise of a difference quotient at step h between f values
/// `plus` and `minus`: max(eps·max(|plus|, |minus|, 1), rounding) / h, f taken
/// to round at least like intermediates of unit size (check.hpp, noise_ij).
inline double slope_noise(double eps, double plus, double minus, double rounding, double h) {
  return std::max(eps * std::max({std::abs(plus), std::abs(minus), 1.0}), rounding) / h;
}

/// Ridders' ladder (Numerical Recipes §5.7): shrink factor and levels.
inline constexpr double ladder_shrink = 1.4;
inline constexpr int ladder_levels = 10;

/// Ridders' extrapolation along `axis` from step `top` down: the derivative of
/// every output into worker.best and an estimate of its error into
/// worker.error. side 0: central differences; ±1: one-sided differences
/// (f(x ± t) − fx) / ±t on that side only.
void ridders(Worker& w, const Axis& axis, double top, Eigen::Index m, int side = 0,
             const Eigen::VectorXd* fx = nullptr);

/// Whether f has a kink within 2h of x along an axis, from f there (f0) and
/// at ±h and ±2h; `noise` is the rounding noise of a slope at step h. Two
/// signs: the jump in slope that F(s) − B(s) extrapolates to at s = 0 (0 for
/// smooth f, whose F(s) − B(s) is s·f″), or one-sided bends
/// f(x ± 2h) − 2f(x ± h) + f(x) that differ by more than smooth f allows.
bool straddles_kink(double f0, double fp, double fm, double fp2, double fm2, double h, double noise,
                    const CheckOptions& options);

/// The largest step, at most `top`, within which f has no kink along `axis`
/// (outputs whose first step h straddles one aside): steps 4h, 8h, ... are
/// tried until one straddles a kink, and the last clear one is returned; `top`
/// itself if none does. Two evaluations per doubling. Needs f at ±h and ±2h in
/// the worker's fp, fm, fp2, fm2.
double ladder_top(Worker& worker, const Axis& axis, double h, double top, const Eigen::VectorXd& fx,
                  const Eigen::VectorXd& rounding, const CheckOptions& options);

/// A claim outside both one-sided slopes of a kink by more than `widen` is
/// wrong on either side of it: entry i of `out` FAILs (its numeric the nearer
/// slope, its allowance `widen`). Whether it did.
bool outside_slopes(double forward, double backward, double claimed, double widen, const AxisOutput& out,
                    Eigen::Index i);

/// The side (+1, −1) of x on which a kink within 2h lies, from the one-sided
/// bends f(x ± 2h) − 2f(x ± h) + f(x): smooth f bends alike on both sides, a
/// kink only on its own. 0 where neither side stands out clearly.
int kink_side(double f0, double fp, double fm, double fp2, double fm2, double h, double noise,
              const CheckOptions& options);

/// Entries that judge_past_kink leaves undecided and whose kink lies on one
/// side (worker.kink_sides): Ridders' ladder of one-sided differences on the
/// other side, from the largest step clear of kinks there up to `top`. Turns
/// an entry it resolves into a PASS where it agrees with the claim; never FAILs.
void judge_one_side(const AxisTask& task, double h, double top);

/// Decides entries whose first step straddles a kink (check.hpp, KINKS) at
/// steps h/2, h/4, ... until one is clear of the kink, and writes their
/// judgements into `out`; `kinked` lists their outputs. An entry that no step
/// clears keeps the judgement it has (INCONCLUSIVE: a kink).
void judge_past_kink(const AxisTask& task, double h, const std::vector<Eigen::Index>& kinked);

/// Judges the claimed derivative `claimed` (one per output) of f along `axis`
/// under the pass condition of check.hpp. `row_scale` is, per output, the
/// largest claimed magnitude of its row (‖a_i‖∞); `fx` is f(x); `rounding`
/// the measured noise of f per output. Throws FunctionThrew if f throws.
void judge_axis(Worker& worker, const Axis& axis, const Eigen::Ref<const Eigen::VectorXd>& claimed,
                const Eigen::Ref<const Eigen::VectorXd>& row_scale, const Eigen::VectorXd& fx,
                const Eigen::VectorXd& rounding, const CheckOptions& options, ClaimKind kind, const AxisOutput& out);

/// The rounding noise of f near x, per output (Moré & Wild's ECnoise along
/// the direction `probe`, whose entries should be of the size of max(1, |x_j|));
/// 0 where it cannot be measured. Six evaluations, and six more per tenfold
/// wider step for outputs that do not move at the first (up to 1e-3 relative).
Eigen::VectorXd measured_noise(Worker& worker, const Axis& probe, const Eigen::VectorXd& fx);

}  // namespace gradcheck::detail
