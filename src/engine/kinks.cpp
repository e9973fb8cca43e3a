// Entries whose first step straddles a kink (check.hpp, KINKS): halve the
// step until it no longer does, and decide there. An entry no step clears
// keeps the judgement judge_axis gave it (INCONCLUSIVE at a kink).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "differences.hpp"

namespace gradcheck::detail {
namespace {

// Past a kink, the least error shown wrong: this share of the value, and
// kink_row_share of its row's largest entry. At small steps a saturated
// softmax loss rounds like its far larger intermediates, which no probe
// shows: correct claims of entries far below their row's largest measured
// 20% off there (gradcheck run --scale 30). A wrong slope at a kink is off by
// a share of the slopes themselves.
constexpr double kink_fail_share = 0.1;
constexpr double kink_row_share = 1e-3;
// Halvings tried: from h ≈ ε^(1/3) down to ~1e-12 of it; the noise test
// usually stops the search well before.
constexpr int halvings = 40;
// One side of a kink: the kink's side bends this many times more than the
// other; the bends of smooth f double in step grow fourfold to within this
// share of the larger (its third derivative).
constexpr double one_side_contrast = 8.0;
constexpr double one_side_curvature = 0.25;

// The differences at the last two steps of one halving.
struct Level {
  double h = 0.0;
  const Eigen::VectorXd* plus = nullptr;
  const Eigen::VectorXd* minus = nullptr;
  double forward(const Eigen::VectorXd& fx, Eigen::Index i) const { return ((*plus)(i)-fx(i)) / h; }
  double backward(const Eigen::VectorXd& fx, Eigen::Index i) const { return (fx(i) - (*minus)(i)) / h; }
};

// At the smallest step searched, where a kink still lies within it: a claim
// outside both one-sided slopes (widened by their noise and their change
// from the last step) is wrong on either side of it. Only there: at larger
// steps two kinks, one each side, can shift both slopes one way.
void fail_outside_slopes(const Level& current, const Level& previous, const Eigen::VectorXd& fx, Eigen::Index i,
                         double claimed, double noise, const AxisOutput& out) {
  const double fwd = current.forward(fx, i);
  const double bwd = current.backward(fx, i);
  const double widen = 2.0 * noise + std::abs(previous.forward(fx, i) - fwd) + std::abs(previous.backward(fx, i) - bwd);
  outside_slopes(fwd, bwd, claimed, widen, out, i);
}

}  // namespace

bool outside_slopes(double forward, double backward, double claimed, double widen, const AxisOutput& out,
                    Eigen::Index i) {
  const double lo = std::min(forward, backward) - widen;
  const double hi = std::max(forward, backward) + widen;
  if (!(claimed < lo || claimed > hi)) return false;
  out.numeric(i, out.column) = claimed < lo ? std::min(forward, backward) : std::max(forward, backward);
  out.allowance(i, out.column) = widen;
  out.judged[static_cast<std::size_t>(i)] = {Verdict::fail, Failure::wrong_value, {}};
  return true;
}

bool straddles_kink(double f0, double fp, double fm, double fp2, double fm2, double h, double noise,
                    const CheckOptions& options) {
  // F(s) − B(s) = (f(x + s) + f(x − s) − 2 f(x)) / s is s·f″ + O(s³) for
  // smooth f; across a kink at δ < s it carries the jump J in slope, J·(s − δ)/s.
  // Its value extrapolated to s = 0 from h and 2h, 2·(F − B)(h) − (F − B)(2h),
  // is then J·(1 − 1.5 δ/h), whatever f″: a kink within the step shows as a
  // jump. The one-sided bends cover δ near 2h/3, where that vanishes.
  const double gap = (fp + fm - 2.0 * f0) / h;
  const double gap2 = (fp2 + fm2 - 2.0 * f0) / (2.0 * h);
  const double jump = std::abs(2.0 * gap - gap2);
  const double bends = std::abs((fp2 - 2.0 * fp) - (fm2 - 2.0 * fm)) / h;
  if (!std::isfinite(jump) || !std::isfinite(bends)) return false;
  // Each sign must stand out of the rounding (four and six values of f) and
  // of rtol of the slopes.
  const double relative = options.rtol * std::max(std::abs(fp - f0), std::abs(f0 - fm)) / h;
  const double nf_noise = options.noise_factor * noise;
  return jump > std::max(2.0 * nf_noise, relative) || bends > std::max(4.0 * nf_noise, relative);
}

double ladder_top(Worker& worker, const Axis& axis, double h, double top, const Eigen::VectorXd& fx,
                  const Eigen::VectorXd& rounding, const CheckOptions& options) {
  const double eps = worker.eps();
  const auto noise = [&](const Eigen::VectorXd& plus, const Eigen::VectorXd& minus, Eigen::Index i, double step) {
    return slope_noise(eps, plus(i), minus(i), rounding(i), step);
  };
  // Outputs whose first step straddles a kink are decided past it; they do not lower the ladder of the others.
  const auto watched = [&](Eigen::Index i) {
    return !straddles_kink(fx(i), worker.fp(i), worker.fm(i), worker.fp2(i), worker.fm2(i), h,
                           noise(worker.fp, worker.fm, i, h), options);
  };
  worker.sp = worker.fp2;  // the values at ±s, s = 2h, then at ±2s
  worker.sm = worker.fm2;
  for (double s = 2.0 * h; 2.0 * s <= top; s *= 2.0) {
    worker.at(axis, 2.0 * s, worker.sp2);
    worker.at(axis, -2.0 * s, worker.sm2);
    for (Eigen::Index i = 0; i < fx.size(); ++i) {
      Grid grid;
      for (const double v : {worker.sp(i), worker.sm(i), worker.sp2(i), worker.sm2(i)}) grid.note(std::abs(v - fx(i)));
      if (grid.rounding() > 0.0) continue;  // steps of one grid: rounding, not a kink
      // A bend that moves f by less than rounding hidden in far larger
      // intermediates could (a saturated softmax) is not taken for a kink.
      const double bend = std::max(std::abs(worker.sp(i) + worker.sm(i) - 2.0 * fx(i)),
                                   std::abs(worker.sp2(i) + worker.sm2(i) - 2.0 * fx(i)));
      if (bend > hidden_floor(options, fx(i), eps) &&
          straddles_kink(fx(i), worker.sp(i), worker.sm(i), worker.sp2(i), worker.sm2(i), s,
                         noise(worker.sp, worker.sm, i, s), options) &&
          watched(i)) {
        return s;  // a kink within (s, 2s]
      }
    }
    std::swap(worker.sp, worker.sp2);
    std::swap(worker.sm, worker.sm2);
  }
  return top;
}

namespace {

// The search past a kink along one axis (judge_past_kink): the steps h/2,
// h/4, ... and each kinked entry's judgement at the first that clears it.
class PastKink : AxisTask {
 public:
  // cppcheck-suppress uninitDerivedMemberVar ; AxisTask(task) copies every field
  explicit PastKink(const AxisTask& task) : AxisTask(task), eps_(task.worker.eps()), nf_(task.options.noise_factor) {}

  void run(double h, const std::vector<Eigen::Index>& kinked) {
    std::vector<std::uint8_t>& open = worker.searching;  // per entry of `kinked`: still searched
    open.assign(kinked.size(), 1);
    // The grid each entry's f moves on near x (rounding no probe shows).
    std::vector<Grid>& grids = worker.grids;
    grids.assign(kinked.size(), Grid{});
    for (std::size_t k = 0; k < kinked.size(); ++k) {
      const Eigen::Index i = kinked[k];
      for (const double v : {worker.fp(i), worker.fm(i), worker.fp2(i), worker.fm2(i)})
        grids[k].note(std::abs(v - fx(i)));
    }
    // The previous step's values live in fp2/fm2, the current one's in rp/rm.
    worker.fp2 = worker.fp;
    worker.fm2 = worker.fm;
    Level previous{h, &worker.fp2, &worker.fm2};
    for (int level = 1; level <= halvings; ++level) {
      const double hk = worker.exact_step(axis, h * std::ldexp(1.0, -level));
      if (!(hk > 0.0) || hk >= previous.h) break;
      worker.at(axis, hk, worker.rp);
      worker.at(axis, -hk, worker.rm);
      const Level current{hk, &worker.rp, &worker.rm};
      bool any_open = false;
      for (std::size_t k = 0; k < kinked.size(); ++k) {
        if (open[k] == 0) continue;
        open[k] = step(grids[k], kinked[k], current, previous) ? 1 : 0;
        any_open = any_open || open[k] != 0;
      }
      if (!any_open) break;
      std::swap(worker.fp2, worker.rp);
      std::swap(worker.fm2, worker.rm);
      previous.h = hk;
    }
  }

 private:
  double eps_;
  double nf_;

  // Entry i at the step `current`: whether to search on at a smaller step.
  bool step(Grid& grid, Eigen::Index i, const Level& current, const Level& previous) {
    const double ai = claimed(i);
    const double fwd = current.forward(fx, i);
    const double bwd = current.backward(fx, i);
    const double noise = slope_noise(eps_, worker.rp(i), worker.rm(i), rounding(i), current.h);
    const double value = (fwd + bwd) / 2.0;
    if (!std::isfinite(value)) return false;
    grid.note(std::abs(worker.rp(i) - fx(i)));
    grid.note(std::abs(worker.rm(i) - fx(i)));
    if (straddles_kink(fx(i), worker.rp(i), worker.rm(i), (*previous.plus)(i), (*previous.minus)(i), current.h, noise,
                       options)) {
      // Still straddling it: go on only while a smaller step can resolve the entry.
      // The slopes either side of it, at this step and the last, are what to resolve.
      const double scale = std::max({std::abs(ai), std::abs(fwd), std::abs(bwd), std::abs(previous.forward(fx, i)),
                                     std::abs(previous.backward(fx, i)), row_share * row_scale(i)});
      const bool open = nf_ * noise <= noise_resolution * scale;
      if (!open) fail_outside_slopes(current, previous, fx, i, ai, nf_ * noise, out);
      return open;
    }
    if (ai == 0.0 && worker.rp(i) == worker.rm(i)) {  // f does not move either side: a claimed 0 holds
      out.numeric(i, out.column) = 0.0;
      out.estimate(i, out.column) = 0.0;
      out.allowance(i, out.column) = options.atol;
      out.judged[static_cast<std::size_t>(i)] = {};
      return false;
    }
    return !judge_clear(grid, i, previous, value, noise);
  }

  // Clear of the kink at this step, so it lies beyond 2·hk as far as the test
  // sees: the difference at the last step (2·hk, half the noise) is judged,
  // with its distance from this one's (`value`) as the estimate of its error
  // (large if the kink lies within 2·hk unseen). Whether it was judged (else
  // the two steps disagree, one may straddle the kink unseen: halve again).
  bool judge_clear(const Grid& grid, Eigen::Index i, const Level& previous, double value, double noise) {
    const Eigen::Index c = out.column;
    const double ai = claimed(i);
    const double wider = ((*previous.plus)(i) - (*previous.minus)(i)) / (2.0 * previous.h);
    const double wider_noise = slope_noise(eps_, (*previous.plus)(i), (*previous.minus)(i),
                                           std::max(rounding(i), grid.rounding()), previous.h);
    const double estimate = std::abs(wider - value);
    const double uncertainty = nf_ * wider_noise + options.estimate_factor * estimate;
    const double relative = options.atol + options.rtol * std::max(std::abs(ai), std::abs(wider));
    const double error = std::abs(ai - wider);
    const double magnitude = std::max({std::abs(ai), std::abs(wider), row_share * row_scale(i)});
    const bool resolved = uncertainty <= noise_resolution * magnitude;
    if (!resolved && error <= relative + 2.0 * uncertainty && nf_ * noise <= noise_resolution * magnitude) {
      return false;
    }
    out.numeric(i, c) = wider;
    out.estimate(i, c) = estimate;
    out.allowance(i, c) = relative + uncertainty;
    EntryJudgement& judged = out.judged[static_cast<std::size_t>(i)];
    if (error <= relative + uncertainty && resolved) {
      judged = {};
    } else if (error >
                   std::max({relative + 2.0 * uncertainty, kink_fail_share * std::max(std::abs(ai), std::abs(wider)),
                             kink_row_share * row_scale(i)}) &&
               error * previous.h > hidden_floor(options, fx(i), eps_)) {
      // Past a kink f may round like intermediates far larger than it (a
      // softmax that switches within the first step), which small steps
      // magnify unseen: smaller errors are not shown wrong there.
      judged = {Verdict::fail, Failure::wrong_value, {}};
    } else {
      judged = {Verdict::inconclusive, Failure::unresolved,
                fmt::format("{}: past the kink at step {:.3g} the numeric {:.6g} (estimate {:.2e}) does not "
                            "resolve the claimed {:.6g}",
                            entry_label(kind, axis, i), previous.h, wider, estimate, ai)};
    }
    return true;
  }
};

}  // namespace

void judge_past_kink(const AxisTask& task, double h, const std::vector<Eigen::Index>& kinked) {
  PastKink(task).run(h, kinked);
}

int kink_side(double f0, double fp, double fm, double fp2, double fm2, double h, double noise,
              const CheckOptions& options) {
  // A kink at δ within 2h on one side bends that side by J·min(δ, 2h − δ);
  // curvature bends both sides alike. The kink's side must stand out of the
  // other's bend eightfold and of the rounding of four values of f, and the
  // kink lie at least h/4 from x (a bend of a quarter of the slope jump J·h).
  const double plus = fp2 - 2.0 * fp + f0;
  const double minus = fm2 - 2.0 * fm + f0;
  const double floor = 4.0 * options.noise_factor * noise * h;
  if (!std::isfinite(plus) || !std::isfinite(minus)) return 0;
  if (std::abs(plus) > floor && std::abs(plus) > one_side_contrast * std::abs(minus)) return 1;
  if (std::abs(minus) > floor && std::abs(minus) > one_side_contrast * std::abs(plus)) return -1;
  return 0;
}

namespace {

// The largest step, at most `top`, within which f shows no kink on `side`
// for any output in `entries`: bends b(u) = f(x + 2u) − 2f(x + u) + f(x) of
// smooth f grow fourfold as u doubles (to first order); a kink in (2u, 4u]
// adds to b(2u) alone. One evaluation per doubling from u = h.
double one_side_top(Worker& worker, const Axis& axis, int side, double h, double top, const Eigen::VectorXd& fx,
                    const Eigen::VectorXd& rounding, const CheckOptions& options,
                    const std::vector<Eigen::Index>& entries) {
  Eigen::VectorXd& at_u = worker.sp;
  Eigen::VectorXd& at_2u = worker.sm;
  Eigen::VectorXd& at_4u = worker.sp2;
  worker.at(axis, side * h, at_u);
  worker.at(axis, side * 2.0 * h, at_2u);
  double clear = 2.0 * h;  // clear of kinks as far as kink_side saw
  for (double u = h; 4.0 * u <= top; u *= 2.0) {
    worker.at(axis, side * 4.0 * u, at_4u);
    for (const Eigen::Index i : entries) {
      const double sigma = std::max(worker.eps() * std::max(std::abs(fx(i)), 1.0), rounding(i));
      const double bend = at_2u(i) - 2.0 * at_u(i) + fx(i);
      const double bend2 = at_4u(i) - 2.0 * at_2u(i) + fx(i);
      // f(4u) − 6f(2u) + 8f(u) − 3f(x): eighteen roundings of f.
      const double tolerance = std::max(18.0 * options.noise_factor * sigma, one_side_curvature * std::abs(bend2));
      if (!std::isfinite(bend2) || std::abs(bend2 - 4.0 * bend) > tolerance) return clear;
    }
    clear = 4.0 * u;
    std::swap(at_u, at_2u);
    std::swap(at_2u, at_4u);
  }
  return clear;
}

}  // namespace

void judge_one_side(const AxisTask& task, double h, double top) {
  Worker& worker = task.worker;
  const Axis& axis = task.axis;
  const Eigen::VectorXd& fx = task.fx;
  const CheckOptions& options = task.options;
  const AxisOutput& out = task.out;
  const Eigen::VectorXd& rounding = task.rounding;
  const auto& claimed = task.claimed;
  const auto& row_scale = task.row_scale;
  const Eigen::Index c = out.column;
  for (const int side : {1, -1}) {  // the clear side: opposite the kink
    std::vector<Eigen::Index>& entries = worker.one_sided;
    entries.clear();
    for (std::size_t k = 0; k < worker.kinked.size(); ++k) {
      const Eigen::Index i = worker.kinked[k];
      if (worker.kink_sides[k] == -side && out.judged[static_cast<std::size_t>(i)].verdict == Verdict::inconclusive)
        entries.push_back(i);
    }
    if (entries.empty()) continue;
    const double ladder = one_side_top(worker, axis, side, h, top, fx, rounding, options, entries);
    ridders(worker, axis, ladder, fx.size(), side, &fx);
    const double smallest = ladder / std::pow(ladder_shrink, ladder_levels - 1);
    for (const Eigen::Index i : entries) {
      const double ai = claimed(i);
      const double best = worker.best(i);
      const double sigma = std::max(worker.eps() * std::max(std::abs(fx(i)), 1.0), rounding(i));
      // A one-sided difference rounds like two values of f over the step.
      const double uncertainty = 2.0 * sigma / smallest + options.estimate_factor * worker.error(i);
      const double relative = options.atol + options.rtol * std::max(std::abs(ai), std::abs(best));
      const double magnitude = std::max({std::abs(ai), std::abs(best), row_share * row_scale(i)});
      if (!std::isfinite(best) || uncertainty > noise_resolution * magnitude ||
          std::abs(ai - best) > relative + uncertainty)
        continue;  // not resolved, or not agreeing: the entry stays as it was
      out.numeric(i, c) = best;
      out.estimate(i, c) = worker.error(i);
      out.allowance(i, c) = relative + uncertainty;
      out.judged[static_cast<std::size_t>(i)] = {};
    }
  }
}

}  // namespace gradcheck::detail
