// lib/differences.hpp (internal): the finite differences behind check_impl.
// A Worker evaluates f along one axis (a coordinate, or a direction restricted
// to a range of coordinates) in its own copy of x, perturbed in place and
// restored; judge_axis applies the scheme and pass condition of check.hpp to
// one axis: a first central difference, then (only where that does not decide)
// a kink test and Ridders' extrapolation.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "gradcheck/check.hpp"

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

/// Asks the kernel to map the buffer [data, data + bytes) at once, to be
/// called before it is first written: transparent huge pages where whole 2 MiB
/// pages fit (MADV_HUGEPAGE), and every whole page populated in one call
/// (MADV_POPULATE_WRITE) for a buffer of 64 KiB or more. Linux only; refused
/// advice costs only speed. On virtual machines each first-touched 4 KiB page
/// costs ~10 µs: ~1 s per 100 MB, more than a directional check of 3·10⁷
/// coordinates spent on anything else, and ~4 ms for 1.6 MB (the result
/// matrices and one worker's copy of x in a full check of 50,050
/// coordinates). Populated at once: ~0.4 s per GB with huge pages; without
/// them, half the time the same pages take when faulted in one by one.
void populate_buffer(void* data, std::size_t bytes);

/// Runs work() on `threads` threads and returns when all have finished: on
/// the calling thread if threads is 1, else on as many new threads. With the
/// calling thread as one of two workers instead, a full check of the
/// negative-sampling loss at (1000, 50) took 1.45 times its bare evaluations
/// against 1.24 (gradcheck_bench, four alternating runs each; the naive
/// softmax 1.02 against 1.00). The work is shared out by the callers (an
/// atomic counter), so a thread that cannot be started is left out and the
/// calling thread works too; an exception thrown on another thread is
/// rethrown here.
template <class Work>
void run_on_threads(int threads, Work&& work) {
  if (threads <= 1) {
    work();
    return;
  }
  std::exception_ptr failed;
  std::mutex guard;
  {
    std::vector<std::jthread> helpers;  // joined at the end of this block
    helpers.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t) {
      try {
        helpers.emplace_back([&] {
          try {
            work();
          } catch (...) {
            const std::lock_guard<std::mutex> lock(guard);
            if (!failed) failed = std::current_exception();
          }
        });
      } catch (const std::system_error&) {
        break;  // no more threads: the started ones share the rest
      }
    }
    if (helpers.size() < static_cast<std::size_t>(threads)) work();
  }
  if (failed) std::rethrow_exception(failed);
}

/// Threads kept for one check's passes over x (forming a point along a
/// direction or the noise probe's, restoring x): the calling thread and
/// threads − 1 helpers, started once and waiting between passes, so that a
/// pass allocates nothing. Used from one thread at a time.
class Crew {
 public:
  /// threads − 1 helpers, or as many as can be started.
  explicit Crew(int threads);
  ~Crew();
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;
  Crew(Crew&&) = delete;
  Crew& operator=(Crew&&) = delete;

  /// The calling thread and the helpers.
  int size() const { return 1 + static_cast<int>(helpers_.size()); }

  /// Calls part(k, size()) for every k in [0, size()), k = 0 on the calling
  /// thread, and returns when all have returned. part must not throw (the
  /// helpers use it until then): noexcept makes a throw terminate at once.
  template <class Part>
  void run(const Part& part) noexcept {
    if (helpers_.empty()) {
      part(0, 1);
      return;
    }
    dispatch([](const void* p, int k, int parts) { (*static_cast<const Part*>(p))(k, parts); }, &part);
  }

  /// Runs pass(lo′, len′) over [lo, lo + len) in consecutive parts of at
  /// least crew_pass / 2 entries, one per thread of the crew at most (below
  /// that, a helper's wake-up costs more than it saves); a shorter range all
  /// on the calling thread. pass must not throw.
  template <class Pass>
  void split(Eigen::Index lo, Eigen::Index len, const Pass& pass) noexcept {
    const Eigen::Index parts = std::min<Eigen::Index>(size(), len / (crew_pass / 2));
    if (parts < 2) {
      pass(lo, len);
      return;
    }
    run([&](int k, int) {
      if (k >= parts) return;
      const Eigen::Index begin = lo + len * k / parts;
      const Eigen::Index end = lo + len * (k + 1) / parts;
      pass(begin, end - begin);
    });
  }

  /// A pass of 2^18 entries takes ~0.2 ms on one thread here (~0.7 ns an
  /// entry), well above a helper's wake-up; at 3·10⁷ entries two threads took
  /// a point along a direction from 20 ms to 11 ms on this VM.
  static constexpr Eigen::Index crew_pass = Eigen::Index{1} << 18;

 private:
  using Call = void (*)(const void*, int, int);
  void dispatch(Call call, const void* part) noexcept;
  void stop() noexcept;  // makes the helpers return
  void serve(int k);     // a helper's loop

  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  Call call_ = nullptr;
  const void* part_ = nullptr;
  int parts_ = 1;
  long round_ = 0;  // passes dispatched so far
  int busy_ = 0;    // helpers still working on this round
  bool stop_ = false;
  std::vector<std::jthread> helpers_;  // last member: joined before the rest is destroyed
};

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

/// Evaluates f along axes, in a private working copy of x. Not thread-safe:
/// one per thread. No allocation per evaluation (beyond what f does). With a
/// crew, passes over x (the copy, forming a point along a direction,
/// restoring) are shared with the crew's helpers; f is called on this thread.
class Worker {
 public:
  Worker(const VectorFunction& f, const Eigen::VectorXd& x, Precision precision, Eigen::Index outputs,
         Crew* crew = nullptr);

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
  Eigen::MatrixXd ladder;               // Ridders' tableau: a column per cell k <= i (55), made at the first refinement

 private:
  const VectorFunction& f_;
  const Eigen::VectorXd& x_;
  Eigen::VectorXd w_;
  Precision precision_;
  Crew* crew_;
  // w_ may differ from x_ on [dirty_lo_, dirty_hi_) only: a direction's
  // evaluation leaves its segment perturbed, since the next one along a
  // direction overwrites it anyway (one pass over n entries saved a call);
  // it is restored before any other move.
  Eigen::Index dirty_lo_ = 0;
  Eigen::Index dirty_hi_ = 0;
  // Copies x back over [dirty_lo_, dirty_hi_), which is then empty.
  void restore();
  // pass(lo′, len′) over [lo, lo + len), shared with the crew if there is one.
  template <class Pass>
  void over(Eigen::Index lo, Eigen::Index len, const Pass& pass) {
    if (crew_ != nullptr) {
      crew_->split(lo, len, pass);
    } else {
      pass(lo, len);
    }
  }
};

/// How one entry was judged.
struct EntryJudgement {
  Verdict verdict = Verdict::pass;
  Failure why = Failure::none;
  std::string detail;  ///< for inconclusive entries
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

/// Messages: an entry along an axis ("x[3]", "(1, 3)", "output 1 along
/// direction 2"), and the axis itself (a coordinate as its entry of output 0).
std::string entry_label(ClaimKind kind, const Axis& axis, Eigen::Index i);
std::string axis_label(ClaimKind kind, const Axis& axis);

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

/// The side (+1, −1) of x on which a kink within 2h lies, from the one-sided
/// bends f(x ± 2h) − 2f(x ± h) + f(x): smooth f bends alike on both sides, a
/// kink only on its own. 0 where neither side stands out clearly.
int kink_side(double f0, double fp, double fm, double fp2, double fm2, double h, double noise,
              const CheckOptions& options);

/// Entries that judge_past_kink leaves undecided and whose kink lies on one
/// side (worker.kink_sides): Ridders' ladder of one-sided differences on the
/// other side, from the largest step clear of kinks there up to `top`. Turns
/// an entry it resolves into a PASS where it agrees with the claim; never FAILs.
void judge_one_side(Worker& worker, const Axis& axis, double h, double top,
                    const Eigen::Ref<const Eigen::VectorXd>& claimed,
                    const Eigen::Ref<const Eigen::VectorXd>& row_scale, const Eigen::VectorXd& fx,
                    const Eigen::VectorXd& rounding, const CheckOptions& options, const AxisOutput& out);

/// Decides entries whose first step straddles a kink (check.hpp, KINKS) at
/// steps h/2, h/4, ... until one is clear of the kink, and writes their
/// judgements into `out`; `kinked` lists their outputs. An entry that no step
/// clears keeps the judgement it has (INCONCLUSIVE: a kink).
void judge_past_kink(Worker& worker, const Axis& axis, double h, const Eigen::Ref<const Eigen::VectorXd>& claimed,
                     const Eigen::Ref<const Eigen::VectorXd>& row_scale, const Eigen::VectorXd& fx,
                     const Eigen::VectorXd& rounding, const CheckOptions& options, ClaimKind kind,
                     const std::vector<Eigen::Index>& kinked, const AxisOutput& out);

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
