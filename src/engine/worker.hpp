// engine/worker.hpp (internal): the lines a check moves x along (Axis) and the
// Worker that evaluates f along them in its own copy of x.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "gradcheck/check.hpp"
#include "threads.hpp"

namespace gradcheck::detail {

/// The scale of coordinate j, max(1, |x_j|): steps along e_j are step · scale,
/// a direction's entries are its draws times their scales.
inline double coordinate_scale(double x_j) { return std::max(1.0, std::abs(x_j)); }
/// The scales of the coordinates [lo, lo + len), as an expression.
inline auto coordinate_scales(const Eigen::VectorXd& x, Eigen::Index lo, Eigen::Index len) {
  return x.segment(lo, len).cwiseAbs().cwiseMax(1.0);
}

/// Entries [lo, lo + len) of a direction stored as its draws g (float: half
/// the memory of x): v_j = g_j · max(1, |x_j|), the scale of x applied on the fly.
inline auto scaled_direction(const Eigen::VectorXf& g, const Eigen::VectorXd& x, Eigen::Index lo, Eigen::Index len) {
  return g.segment(lo, len).cast<double>().cwiseProduct(coordinate_scales(x, lo, len));
}

/// Draws direction k of a directional check seeded `seed` into g: n = x.size()
/// independent N(0, 1) entries (stored as float), scaled by max(1, |x_j|)
/// where used (scaled_direction); returns ∇f_i·v = a_i·v for every row i of
/// the claim a (m × n), taken in the same pass. If `spread` is given, it
/// receives ‖a_i ⊙ s‖₂ for every row, s_j = max(1, |x_j|): the standard
/// deviation of a_i·v over random directions, the scale a direction's a_i·v is
/// resolved to (check.hpp, MODES); 0 for a row whose sum of squares is not
/// finite (the stricter rule then applies). Spread over `threads` threads; g and the
/// results are a deterministic function of (seed, k, a, x), whatever the
/// thread count.
Eigen::VectorXd draw_direction(std::uint64_t seed, long k, const Eigen::Map<const Eigen::MatrixXd>& a,
                               const Eigen::VectorXd& x, int threads, Eigen::VectorXf& g,
                               Eigen::VectorXd* spread = nullptr);

/// One line through x: t ↦ x + t·e_j (coordinate ≥ 0), or t ↦ x + t·v on the
/// coordinates [lo, hi) of the direction v (see scaled_direction).
struct Axis {
  Eigen::Index coordinate = -1;
  const Eigen::VectorXf* direction = nullptr;
  /// Instead of a stored direction: the noise probe's v_j = ±max(1, |x_j|),
  /// + at even j (full and sampled checks: not stored, n floats fewer).
  bool alternating = false;
  Eigen::Index lo = 0;
  Eigen::Index hi = 0;
  /// Steps are step·scale: max(1, |x_j|) for a coordinate, 1 for a direction
  /// (whose entries carry the scale of x already).
  double scale = 1.0;
  /// A direction's name in messages: "direction 2" (a coordinate's, "x[3]",
  /// is formatted from its index only when a message needs it).
  std::string label;
  /// The move, for messages: "e_3", "v (direction 2)" or, on part of the
  /// coordinates, "v (direction 2, coordinates 0..99)".
  std::string move() const {
    if (coordinate >= 0) return "e_" + std::to_string(coordinate);
    if (direction == nullptr || (lo == 0 && hi == direction->size())) return "v (" + label + ")";
    return "v (" + label + ", coordinates " + std::to_string(lo) + ".." + std::to_string(hi - 1) + ")";
  }
};

/// Thrown when f throws, with where it threw, to be reported once.
struct FunctionThrew {
  std::string text;
};

/// The grid f moves on near x: the smallest nonzero change |f(x ± s) − f(x)|
/// seen, while every change seen is a whole multiple of it (two at least: one
/// change alone, a ReLU leaving its flat side, shows no grid). A function
/// rounded to a grid coarser than any noise probe shows (a saturated softmax,
/// rounded like intermediates far larger than itself) moves that way; a kink
/// or a slope moves f by amounts of no common quantum.
struct Grid {
  double quantum = 0.0;
  bool whole = true;  ///< every change a whole multiple of quantum
  int changes = 0;    ///< nonzero changes seen
  void note(double change) {
    if (change == 0.0 || !whole) return;
    ++changes;
    if (quantum == 0.0) {
      quantum = change;
      return;
    }
    const double small = std::min(change, quantum);
    const double ratio = std::max(change, quantum) / small;
    whole = std::abs(ratio - std::round(ratio)) <= 1e-6 * ratio;
    quantum = small;
  }
  /// The rounding of f this grid shows: its quantum, if f moved on it.
  double rounding() const { return whole && changes >= 2 ? quantum : 0.0; }
};

/// The one-sided slopes of f at x, at step h and at 2h.
struct Slopes {
  double forward = 0.0, backward = 0.0, forward2 = 0.0, backward2 = 0.0;
  double spread() const {
    return std::max({forward, backward, forward2, backward2}) - std::min({forward, backward, forward2, backward2});
  }
};

/// Evaluates f along axes, in a private working copy of x. Not thread-safe:
/// one per thread. No allocation per evaluation (beyond what f does). With a
/// pool, passes over x (the copy, forming a point along a direction,
/// restoring) are shared with the pool's helpers; f is called on this thread.
class Worker {
 public:
  Worker(const VectorFunction& f, const Eigen::VectorXd& x, Precision precision, Eigen::Index outputs,
         PassPool* pool = nullptr);

  /// Unit roundoff of f's precision.
  double eps() const;
  /// The step nearest to h along `axis` that f's precision represents exactly
  /// (x_j ± step exact); for a direction, h itself.
  double exact_step(const Axis& axis, double h) const;
  /// f at x + offset·axis, into out.
  void at(const Axis& axis, double offset, Eigen::VectorXd& out);

  long evaluations = 0;

  // Scratch reused across axes (sized to the number of outputs).
  Eigen::VectorXd fp, fm, fp2, fm2, rp, rm, sp, sm, sp2, sm2, best, error;
  // Outputs whose first step straddles a kink, and which of them are still
  // searched for a step clear of it (judge_past_kink); reserved for m outputs.
  std::vector<Eigen::Index> kinked;
  std::vector<std::uint8_t> searching;
  std::vector<Grid> grids;              // per kinked output: the grid f moves on
  std::vector<int> kink_sides;          // per kinked output: kink_side at the first step
  std::vector<Eigen::Index> one_sided;  // kinked outputs judged on one side (judge_one_side)
  std::vector<Slopes> kink_slopes;      // per kinked output: its slopes at the first step (CheckResult::kinks)
  Eigen::MatrixXd ladder;               // Ridders' tableau: a column per cell k <= i (55), made at the first refinement

 private:
  const VectorFunction& f_;
  const Eigen::VectorXd& x_;
  Eigen::VectorXd w_;
  Precision precision_;
  PassPool* pool_;
  // w_ may differ from x_ on [dirty_lo_, dirty_hi_) only: a direction's
  // evaluation leaves its segment perturbed, since the next one along a
  // direction overwrites it anyway (one pass over n entries saved a call);
  // it is restored before any other move.
  Eigen::Index dirty_lo_ = 0;
  Eigen::Index dirty_hi_ = 0;
  // Copies x back over [dirty_lo_, dirty_hi_), which is then empty.
  void restore();
  // pass(lo′, len′) over [lo, lo + len), shared with the pool if there is one.
  template <class Pass>
  void split_pass(Eigen::Index lo, Eigen::Index len, const Pass& pass) {
    if (pool_ != nullptr) {
      pool_->split(lo, len, pass);
    } else {
      pass(lo, len);
    }
  }
};

/// Messages: an entry along an axis ("x[3]", "(1, 3)", "output 1 along
/// direction 2"), and the axis itself (a coordinate as its entry of output 0).
std::string entry_label(ClaimKind kind, const Axis& axis, Eigen::Index i);
std::string axis_label(ClaimKind kind, const Axis& axis);

}  // namespace gradcheck::detail
