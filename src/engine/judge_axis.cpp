// judge_axis: the scheme and pass condition of check.hpp along one axis.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "differences.hpp"

namespace gradcheck::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// One axis judged in phases: the first central difference (step 1); for the
// entries it leaves undecided, f at ±2h, then per entry the flat rule, the
// kink test or Ridders' extrapolation and its verdict (step 2); last, the
// entries whose first step straddles a kink, past it (kinks.cpp).
class AxisJudge : AxisTask {
 public:
  // cppcheck-suppress uninitDerivedMemberVar ; AxisTask(task) copies every field
  explicit AxisJudge(const AxisTask& task)
      : AxisTask(task),
        column_(task.out.column),
        eps_(task.worker.eps()),
        h_(task.worker.exact_step(task.axis, task.options.step * task.axis.scale)),
        ladder_max_(task.options.ladder_step * task.axis.scale),
        along_coordinate_(task.axis.coordinate >= 0) {}

  void run() {
    out.judged.resize(static_cast<std::size_t>(fx.size()));
    if (!(h_ > 0.0) || !std::isfinite(h_)) {
      step_underflow();
      return;
    }
    if (!first_difference()) return;
    refine();
    if (!worker.kinked.empty()) past_kinks();
  }

 private:
  Eigen::Index column_;
  double eps_;
  double h_;
  double ladder_max_;  // the ladder's largest step, lowered below a kink
  bool along_coordinate_;
  bool extrapolated_ = false;

  EntryJudgement& judged(Eigen::Index i) const { return out.judged[static_cast<std::size_t>(i)]; }
  double ladder_min() const { return ladder_max_ / std::pow(ladder_shrink, ladder_levels - 1); }
  double relative_to(double ai, double ni) const {
    return options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni));
  }
  // f is taken to be rounded relative to intermediates of at least unit size:
  // −s_o + logsumexp(s) ≈ 1e-11 at saturated scores still carries the rounding
  // of scores near 30, which no probe along a line reveals (rounding a nearly
  // linear function is a regular sawtooth).
  double noise_of(Eigen::Index i) const { return slope_noise(eps_, worker.fp(i), worker.fm(i), rounding(i), h_); }
  std::string label(Eigen::Index i) const { return entry_label(kind, axis, i); }

  void step_underflow() {
    out.numeric.col(column_).setConstant(nan);
    out.allowance.col(column_).setConstant(nan);
    for (Eigen::Index i = 0; i < fx.size(); ++i) {
      judged(i) = {Verdict::inconclusive, Failure::step_underflow,
                   fmt::format("{} cannot be perturbed: x + h == x", axis_label(kind, axis))};
    }
  }

  // The first difference passes an entry only if it meets the allowance and
  // resolves rtol (of the entry, or of its row's largest entry): where
  // its rounding noise dominates, the ladder's larger steps resolve more (a
  // wrong claim could hide in that noise). A claimed 0 where f did not change
  // at all is decided too: nothing to resolve.
  bool decided_by_first(Eigen::Index i, double noise) const {
    const double ai = claimed(i);
    const double ni = out.numeric(i, column_);
    if (ai == 0.0 && worker.fp(i) == worker.fm(i)) return true;
    const double resolved = std::max({std::abs(ai), std::abs(ni), row_scale(i)});
    return std::abs(ai - ni) <= out.allowance(i, column_) &&
           options.noise_factor * noise <= options.atol + options.rtol * resolved;
  }

  // Step 1: one central difference. Whether any entry needs step 2.
  bool first_difference() {
    const Eigen::Index m = fx.size();
    worker.at(axis, h_, worker.fp);
    worker.at(axis, -h_, worker.fm);
    if (worker.fp.size() != m || worker.fm.size() != m) {
      throw FunctionThrew{fmt::format("f returned {} and {} outputs at x ± h {} but {} at x", worker.fp.size(),
                                      worker.fm.size(), axis.move(), m)};
    }
    bool undecided = false;
    for (Eigen::Index i = 0; i < m; ++i) {
      const double ni = (worker.fp(i) - worker.fm(i)) / (2.0 * h_);
      out.numeric(i, column_) = ni;
      out.estimate(i, column_) = 0.0;
      const double noise = noise_of(i);
      out.allowance(i, column_) = relative_to(claimed(i), ni) + options.noise_factor * noise;
      judged(i) = {};
      if (!std::isfinite(ni)) {
        judged(i) = {Verdict::inconclusive, Failure::non_finite,
                     fmt::format("f(x ± h {}) is not finite: {}", axis.move(), ni)};
      } else if (!decided_by_first(i, noise)) {
        undecided = true;
      }
    }
    return undecided;
  }

  // Step 2, for each entry step 1 left undecided.
  void refine() {
    worker.at(axis, 2.0 * h_, worker.fp2);
    worker.at(axis, -2.0 * h_, worker.fm2);
    worker.kinked.clear();
    worker.kink_sides.clear();
    worker.kink_slopes.clear();
    for (Eigen::Index i = 0; i < fx.size(); ++i) {
      const double noise = noise_of(i);
      if (judged(i).verdict != Verdict::pass || decided_by_first(i, noise)) continue;
      if (flat_but_claimed(i) || at_kink(i, noise)) continue;
      extrapolate(i, noise);
    }
  }

  // f does not move at all within ±2h (the flat side of a ReLU, near its
  // kink), while the claim predicts a change far above any rounding of f:
  // wrong, whatever the ladder's larger steps meet.
  bool flat_but_claimed(Eigen::Index i) {
    const Worker& w = worker;
    const double f0 = fx(i);
    if (!along_coordinate_ || w.fp(i) != f0 || w.fm(i) != f0 || w.fp2(i) != f0 || w.fm2(i) != f0) return false;
    if (!(std::abs(claimed(i)) * h_ > std::max(hidden_floor(options, f0, eps_), options.noise_factor * rounding(i))))
      return false;
    out.numeric(i, column_) = 0.0;
    judged(i) = {Verdict::fail, Failure::wrong_value, {}};
    return true;
  }

  // A kink within 2h (check.hpp, KINKS): the entry is FAILed outside both
  // one-sided slopes, else left to past_kinks. Whether there was one.
  bool at_kink(Eigen::Index i, double noise) {
    const Worker& w = worker;
    const double f0 = fx(i);
    const Slopes s{(w.fp(i) - f0) / h_, (f0 - w.fm(i)) / h_, (w.fp2(i) - f0) / (2.0 * h_),
                   (f0 - w.fm2(i)) / (2.0 * h_)};
    // Along a direction (a sum over many coordinates, whose rounding the
    // probe reads less well) only the plain sign of a kink: F − B not
    // shrinking with h, well above the noise; it is not searched past.
    const double gap = std::abs(s.forward - s.backward);
    const bool kink = along_coordinate_ ? straddles_kink(f0, w.fp(i), w.fm(i), w.fp2(i), w.fm2(i), h_, noise, options)
                                        : std::isfinite(gap) && gap > 0.75 * std::abs(s.forward2 - s.backward2) &&
                                              gap > 4.0 * options.noise_factor * noise &&
                                              gap > options.rtol * std::max(std::abs(s.forward), std::abs(s.backward));
    if (!kink) return false;
    // Two kinks within the step, one each side, can shift both slopes one
    // way, by amounts their spread at h and 2h shows only roughly (a float
    // ReLU network: slopes -0.047 to -0.019 where the derivative is 0.033):
    // along a coordinate a claim within four spreads of them is decided at
    // smaller steps (its message written only if none decides it).
    const double widen =
        out.allowance(i, column_) + std::abs(s.forward2 - s.forward) + std::abs(s.backward2 - s.backward);
    const double spread = along_coordinate_ ? 4.0 * s.spread() : 0.0;
    if (outside_slopes(s.forward, s.backward, claimed(i), widen + spread, out, i)) {
      judged(i).kink = true;
      judged(i).slopes = s;
      return true;
    }
    judged(i) = {Verdict::inconclusive, Failure::kink, {}};
    worker.kinked.push_back(i);
    worker.kink_slopes.push_back(s);  // its judgement is rewritten past the kink: restored after (past_kinks)
    worker.kink_sides.push_back(
        along_coordinate_ ? kink_side(f0, w.fp(i), w.fm(i), w.fp2(i), w.fm2(i), h_, noise, options) : 0);
    return true;
  }

  // Ridders' extrapolation (the ladder kept clear of kinks, check.hpp KINKS),
  // run once for all outputs, and the entry judged by it.
  void extrapolate(Eigen::Index i, double noise) {
    if (!extrapolated_) {
      if (along_coordinate_) ladder_max_ = ladder_top(worker, axis, h_, ladder_max_, fx, rounding, options);
      ridders(worker, axis, ladder_max_, fx.size());
      extrapolated_ = true;
    }
    const double best = worker.best(i);
    const double error = worker.error(i);
    if (!std::isfinite(best) || !std::isfinite(error)) {
      judged(i) = {Verdict::inconclusive, Failure::non_finite,
                   fmt::format("the differences of {} are not finite", label(i))};
      return;
    }
    // The first difference is accurate to its rounding noise (its truncation
    // is below rtol at h ≈ ε^(1/3)); an extrapolation that leaves that band
    // has met truncation the ladder's larger steps cannot handle (a saturated
    // softmax bends within them): the numerics disagree with themselves.
    const double first = out.numeric(i, column_);
    const double consistent = options.noise_factor * noise + options.estimate_factor * error +
                              options.rtol * std::max(std::abs(first), std::abs(best));
    out.numeric(i, column_) = best;
    out.estimate(i, column_) = error;
    if (std::abs(first - best) > consistent) {
      judged(i) = {Verdict::inconclusive, Failure::unresolved,
                   fmt::format("{}: the first difference {:.6g} and the extrapolation {:.6g} disagree by more than "
                               "their noise {:.2e}",
                               label(i), first, best, consistent)};
      return;
    }
    judge_extrapolated(i, noise, first);
  }

  // Ridders' verdict on an entry: PASS within the allowance where the numerics
  // resolve it, else judge_beyond_allowance.
  void judge_extrapolated(Eigen::Index i, double noise, double first) {
    const double ai = claimed(i);
    const double best = worker.best(i);
    const double error = worker.error(i);
    // Ridders' value comes from steps up to 1.4^9 ≈ 21 times larger than h, whose
    // rounding noise is that much smaller (and is measured by its estimate):
    // the a-priori noise enters once (factor 1), scaled to the smallest step.
    const double magnitude = std::max(std::abs(ai), std::abs(best));
    const double relative = relative_to(ai, best);
    const double noise_term = noise * std::min(1.0, h_ / ladder_min());
    const double estimate_term = options.estimate_factor * error;
    out.allowance(i, column_) = relative + noise_term + estimate_term;
    const double gap_ai = std::abs(ai - best);
    if (gap_ai <= relative) {
      judged(i) = {};
    } else if (gap_ai <= relative + noise_term + estimate_term) {
      // Within the allowance only thanks to the numerics' own uncertainty: a
      // pass only if that uncertainty resolves the entry (noise_resolution of
      // it or of row_share of its row's scale; the estimate 1% of it). Else a
      // wrong claim of the same size would pass as well (a sign flip of a
      // gradient that is 4e-14 everywhere, where f rounds to 1e-14): INCONCLUSIVE.
      if (noise_term > noise_resolution * std::max(magnitude, row_share * row_scale(i))) {
        judged(i) = {Verdict::inconclusive, Failure::unresolved,
                     fmt::format("{}: the rounding noise {:.2e} of the differences is above 10% of the claimed {:.3g} "
                                 "and the numeric {:.3g} (and of 1% of their row's scale): below resolution",
                                 label(i), noise_term, ai, best)};
      } else if (gap_ai > relative + noise_term && estimate_term > resolution * magnitude) {
        judged(i) = {Verdict::inconclusive, Failure::unresolved,
                     fmt::format("{}: error estimate {:.2e} of the numeric derivative {:.6g} exceeds 1% of it",
                                 label(i), error, best)};
      } else {
        judged(i) = {};
      }
    } else {
      judge_beyond_allowance(i, noise, first);
    }
  }

  // An entry beyond Ridders' allowance: FAIL, unless f never moved, the
  // differences at h and 2h disagree with Ridders, or the gap is within
  // noise_factor times the numerics' own uncertainty (INCONCLUSIVE).
  void judge_beyond_allowance(Eigen::Index i, double noise, double first) {
    const double ai = claimed(i);
    const double best = worker.best(i);
    const double error = worker.error(i);
    const double relative = relative_to(ai, best);
    const double noise_term = noise * std::min(1.0, h_ / ladder_min());
    const double estimate_term = options.estimate_factor * error;
    const double gap_ai = std::abs(ai - best);
    // Richardson's value of the differences at h and 2h (below).
    const double richardson = (4.0 * first - (worker.fp2(i) - worker.fm2(i)) / (4.0 * h_)) / 3.0;
    const double richardson_noise = options.noise_factor * 1.5 * noise;
    if (best == 0.0 &&
        std::abs(ai) * h_ <= options.noise_factor * std::max(eps_ * std::max(1.0, std::abs(fx(i))), rounding(i))) {
      // f did not change at all, even over the largest step: it is rounded
      // to a grid coarser than any step tried shows (−s_o + logsumexp(s) ≡ 0
      // on the grid of scores near 1e4 at saturated points), so the claim is
      // resolved only as far as the first difference resolves it, and here
      // it predicts a change over h below f's rounding: unresolvable.
      judged(i) = {Verdict::inconclusive, Failure::unresolved,
                   fmt::format("{}: f does not change along {}; the claimed {:.3g} is below its resolution", label(i),
                               axis_label(kind, axis), ai)};
    } else if (std::isfinite(richardson) &&
               std::abs(richardson - best) > options.atol + richardson_noise + options.estimate_factor * error &&
               std::abs(ai - richardson) <= relative_to(ai, richardson) + richardson_noise) {
      // Ridders' ladder starts at ladder_step, where a softmax that switches
      // within 0.02 bends: its value can be off by more than its estimate
      // (2e-6 relative at a loss of 1e4, naive_softmax_grad_center at scale 30).
      // The differences at h and 2h give an independent value, Richardson's
      // (4 D(h) − D(2h)) / 3 (truncation O(h⁴), rounding at most 1.5 times
      // D(h)'s): where it and Ridders' value differ by more than their noise
      // and estimate, the numerics disagree with themselves, and a claim that
      // agrees with it is not shown wrong.
      judged(i) = {Verdict::inconclusive, Failure::unresolved,
                   fmt::format("{}: Ridders' extrapolation {:.10g} and the Richardson value {:.10g} of the differences "
                               "at h and 2h disagree; the claim {:.10g} agrees with the latter",
                               label(i), best, richardson, ai)};
    } else if (gap_ai <= relative + options.noise_factor * (noise_term + estimate_term)) {
      // Beyond the allowance, but within noise_factor times the numerics' own
      // uncertainty: at saturated points f's rounding follows intermediates
      // far larger than f (scores near 30 where the loss is 1e-7), and the
      // extrapolated value can be off by twice its noise and estimate (2e-6
      // of a gradient of 1.4e-7, xent_grad_logits at scale 30): not shown wrong.
      judged(i) = {Verdict::inconclusive, Failure::unresolved,
                   fmt::format("{}: the claimed {:.10g} and the numeric {:.10g} differ by {:.2e}, beyond the allowance "
                               "{:.2e} but within {:g} times the numerics' noise and estimate",
                               label(i), ai, best, gap_ai, out.allowance(i, column_), options.noise_factor)};
    } else {
      judged(i) = {Verdict::fail, Failure::wrong_value, {}};
    }
  }

  // Entries whose first step straddles a kink, decided past it (kinks.cpp);
  // the message of those no step decides, written only now.
  void past_kinks() {
    if (along_coordinate_) {
      judge_past_kink(*this, h_, worker.kinked);
      judge_one_side(*this, h_, options.ladder_step * axis.scale);
    }
    for (std::size_t k = 0; k < worker.kinked.size(); ++k) {
      const Eigen::Index i = worker.kinked[k];
      if (judged(i).why == Failure::kink) {
        judged(i).detail = fmt::format("kink within the step at {}: one-sided slopes {:.6g} and {:.6g}", label(i),
                                       (fx(i) - worker.fm(i)) / h_, (worker.fp(i) - fx(i)) / h_);
      }
      judged(i).kink = true;
      judged(i).slopes = worker.kink_slopes[k];
    }
  }
};

}  // namespace

void judge_axis(Worker& worker, const Axis& axis, const Eigen::Ref<const Eigen::VectorXd>& claimed,
                const Eigen::Ref<const Eigen::VectorXd>& row_scale, const Eigen::VectorXd& fx,
                const Eigen::VectorXd& rounding, const CheckOptions& options, ClaimKind kind, const AxisOutput& out) {
  AxisJudge({worker, axis, claimed, row_scale, fx, rounding, options, kind, out}).run();
}

}  // namespace gradcheck::detail
