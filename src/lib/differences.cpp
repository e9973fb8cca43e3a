#include "differences.hpp"

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "gradcheck/error.hpp"
#include "gradcheck/random.hpp"
#include "splitmix64.hpp"

namespace gradcheck::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// The growth of the tableau's differences at which extrapolation stops helping.
constexpr double ladder_safe = 2.0;

}  // namespace

void ridders(Worker& w, const Axis& axis, double top, Eigen::Index m, int side, const Eigen::VectorXd* fx) {
  Eigen::MatrixXd& table = w.ladder;
  // Cell (k, i), k <= i, of the triangular tableau is column i(i + 1)/2 + k.
  constexpr Eigen::Index cells = Eigen::Index{ladder_levels} * (ladder_levels + 1) / 2;
  if (table.rows() != m || table.cols() != cells) table.resize(m, cells);
  const auto cell = [&](int k, int i) { return table.col((Eigen::Index{i} * (i + 1) / 2) + k); };
  const auto difference = [&](double h_wanted, int i) {
    const double h = w.exact_step(axis, h_wanted);
    w.at(axis, side == 0 ? h : side * h, w.rp);
    if (side == 0) {
      w.at(axis, -h, w.rm);
      cell(0, i) = (w.rp - w.rm) / (2.0 * h);
    } else {
      cell(0, i) = (w.rp - *fx) / (side * h);
    }
  };
  // A central difference's error runs in even powers of the step, a one-sided one's in every power.
  const double shrink_order = side == 0 ? ladder_shrink * ladder_shrink : ladder_shrink;
  w.best.setConstant(m, nan);
  w.error.setConstant(m, HUGE_VAL);
  double h = top;
  difference(h, 0);
  for (int i = 1; i < ladder_levels; ++i) {
    h /= ladder_shrink;
    difference(h, i);
    if (!cell(0, i).allFinite()) break;
    double factor = shrink_order;
    for (int k = 1; k <= i; ++k) {
      cell(k, i) = (cell(k - 1, i) * factor - cell(k - 1, i - 1)) / (factor - 1.0);
      factor *= shrink_order;
      for (Eigen::Index o = 0; o < m; ++o) {
        const double e =
            std::max(std::abs(cell(k, i)(o) - cell(k - 1, i)(o)), std::abs(cell(k, i)(o) - cell(k - 1, i - 1)(o)));
        if (e <= w.error(o)) {
          w.error(o) = e;
          w.best(o) = cell(k, i)(o);
        }
      }
    }
    // Stop once the diagonal grows away from the best estimate for every output.
    bool growing = true;
    for (Eigen::Index o = 0; o < m && growing; ++o) {
      growing = std::abs(cell(i, i)(o) - cell(i - 1, i - 1)(o)) >= ladder_safe * w.error(o);
    }
    if (growing) break;
  }
}

std::string entry_label(ClaimKind kind, const Axis& axis, Eigen::Index i) {
  if (axis.coordinate < 0)
    return kind == ClaimKind::jacobian ? fmt::format("output {} along {}", i, axis.label) : axis.label;
  switch (kind) {
    case ClaimKind::gradient:
      return fmt::format("x[{}]", axis.coordinate);
    case ClaimKind::value:
      return fmt::format("[{}]", axis.coordinate);
    case ClaimKind::jacobian:
      break;
  }
  return fmt::format("({}, {})", i, axis.coordinate);
}

// The axis itself in messages: a direction's label, or a coordinate named as
// its entry of output 0 ("x[3]"), formatted only when a message is made.
std::string axis_label(ClaimKind kind, const Axis& axis) {
  return axis.coordinate < 0 ? axis.label : entry_label(kind, axis, 0);
}

void populate_buffer(void* data, std::size_t bytes) {
#ifdef __linux__
  const auto interior = [&](std::uintptr_t align) {
    const auto at = reinterpret_cast<std::uintptr_t>(data);
    return std::pair{(at + align - 1) & ~(align - 1), (at + bytes) & ~(align - 1)};
  };
  // NOLINTBEGIN(performance-no-int-to-ptr): madvise takes the aligned address
  // Advice: either may fail (MADV_POPULATE_WRITE needs Linux 5.14), which costs only speed.
  if (const auto [begin, end] = interior(std::uintptr_t{1} << 21U); end > begin)  // whole 2 MiB pages
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  constexpr std::size_t populate_from = std::size_t{1} << 16U;
  static const long page = ::sysconf(_SC_PAGESIZE);
  if (bytes >= populate_from && page > 0) {
    if (const auto [begin, end] = interior(static_cast<std::uintptr_t>(page)); end > begin)
      ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
  }
#endif
  // NOLINTEND(performance-no-int-to-ptr)
#else
  (void)data;
  (void)bytes;
#endif
}

Crew::Crew(int threads) {
  helpers_.reserve(static_cast<std::size_t>(std::max(0, threads - 1)));
  for (int k = 1; k < threads; ++k) {
    try {
      helpers_.emplace_back([this, k] { serve(k); });
    } catch (const std::system_error&) {
      break;         // no more threads: fewer parts
    } catch (...) {  // out of memory, say: the started helpers must return before they are joined
      stop();
      throw;
    }
  }
}

Crew::~Crew() { stop(); }  // helpers_ joined here, before the mutex and conditions go

void Crew::stop() noexcept {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
}

void Crew::dispatch(Call call, const void* part) noexcept {
  const int parts = size();
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    call_ = call;
    part_ = part;
    parts_ = parts;
    busy_ = parts - 1;
    ++round_;
  }
  start_.notify_all();
  call(part, 0, parts);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return busy_ == 0; });
}

void Crew::serve(int k) {
  long seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stop_ || round_ != seen; });
    if (stop_) return;
    seen = round_;
    const Call call = call_;
    const void* part = part_;
    const int parts = parts_;
    lock.unlock();
    call(part, k, parts);
    lock.lock();
    if (--busy_ == 0) done_.notify_one();
  }
}

Worker::Worker(const VectorFunction& f, const Eigen::VectorXd& x, Precision precision, Eigen::Index outputs, Crew* crew)
    : fp(outputs),
      fm(outputs),
      fp2(outputs),
      fm2(outputs),
      rp(outputs),
      rm(outputs),
      sp(outputs),
      sm(outputs),
      sp2(outputs),
      sm2(outputs),
      best(outputs),
      error(outputs),
      f_(f),
      x_(x),
      w_(x.size()),
      precision_(precision),
      crew_(crew),
      dirty_hi_(x.size()) {  // all of w_ to be put back: the copy
  // Advised before the copy first touches it, so not a member initializer;
  // the copy is x put back over all of w_ (shared with the crew, if any).
  populate_buffer(w_.data(), static_cast<std::size_t>(w_.size()) * sizeof(double));
  restore();
  kinked.reserve(static_cast<std::size_t>(outputs));
  searching.reserve(static_cast<std::size_t>(outputs));
  grids.reserve(static_cast<std::size_t>(outputs));
  kink_sides.reserve(static_cast<std::size_t>(outputs));
}

double Worker::eps() const {
  return precision_ == Precision::single_precision ? std::numeric_limits<float>::epsilon()
                                                   : std::numeric_limits<double>::epsilon();
}

double Worker::exact_step(const Axis& axis, double h) const {
  if (axis.coordinate < 0) return h;
  const double xj = x_(axis.coordinate);
  if (precision_ == Precision::single_precision) {
    const volatile float up = static_cast<float>(xj) + static_cast<float>(h);
    return static_cast<double>(up - static_cast<float>(xj));
  }
  const volatile double up = xj + h;
  return up - xj;
}

void Worker::restore() {
  over(dirty_lo_, dirty_hi_ - dirty_lo_,
       [this](Eigen::Index lo, Eigen::Index len) { w_.segment(lo, len) = x_.segment(lo, len); });
  dirty_lo_ = dirty_hi_ = 0;
}

void Worker::at(const Axis& axis, double offset, Eigen::VectorXd& out) {
  ++evaluations;
  const auto call = [&]() {
    try {
      f_(w_, out);
    } catch (...) {
      throw FunctionThrew{fmt::format("f threw at x ± h {}: {}", axis.move(), current_exception_text())};
    }
  };
  if (axis.coordinate >= 0) {
    if (dirty_hi_ > dirty_lo_) restore();
    const Eigen::Index j = axis.coordinate;
    w_(j) = x_(j) + offset;
    try {
      call();
    } catch (...) {
      w_(j) = x_(j);
      throw;
    }
    w_(j) = x_(j);
    return;
  }
  if (dirty_hi_ > dirty_lo_ && (dirty_lo_ < axis.lo || dirty_hi_ > axis.hi)) restore();
  if (axis.alternating) {
    // x_j + (±offset)·max(1, |x_j|): the same value as from a stored ±1
    // direction, fused into one multiply-add or not, with no data-dependent branch.
    over(axis.lo, axis.hi - axis.lo, [this, offset](Eigen::Index lo, Eigen::Index len) {
      for (Eigen::Index j = lo; j < lo + len; ++j) {
        const double signed_offset = (j & 1) == 0 ? offset : -offset;
        w_(j) = x_(j) + signed_offset * coordinate_scale(x_(j));
      }
    });
  } else {
    over(axis.lo, axis.hi - axis.lo, [this, &axis, offset](Eigen::Index lo, Eigen::Index len) {
      w_.segment(lo, len) = x_.segment(lo, len) + offset * scaled_direction(*axis.direction, x_, lo, len);
    });
  }
  dirty_lo_ = axis.lo;
  dirty_hi_ = axis.hi;
  call();  // w_ stays perturbed on [lo, hi), thrown or not (see dirty_lo_)
}

// Moré & Wild, "Estimating computational noise", SIAM J. Sci. Comput. 33(3),
// 2011: along a direction, at steps so small that f is a polynomial there, the
// k-th differences of f are rounding alone, and γ_k · mean((Δ^k f)²) estimates
// its variance, γ_k = (k!)² / (2k)!. Needed because f is rounded relative to its
// terms, which can be far above |f| (−s_o + logsumexp(s) ≈ 0 from scores of 10).
//
// Their ECnoise also says when the step is too small: if at least half of the
// first differences are exactly 0, f is constant at that step and its rounding
// is not seen. A loss rounded to the grid of scores near 7000 (1e-12) that
// moves by 1e-17 per probe step is such a case: the probe then reads 0 and the
// noise would fall back to ε·max(|f|, 1), a thousand times too small. So an
// output that does not move is probed again at 10 times the step, up to 1e-3
// relative, and a value read there is taken only if ECnoise's test recognises
// noise (the k-th differences change sign and three consecutive orders agree
// within a factor 4), not the smooth part of f.
Eigen::VectorXd measured_noise(Worker& worker, const Axis& probe, const Eigen::VectorXd& fx) {
  constexpr int half = 3;  // points x + iδv, i = −3..3
  constexpr int points = 2 * half + 1;
  constexpr int order = 4;  // 4th differences: 3 samples
  // Rounding noise does not shrink with the step; what a kink within the
  // probe adds does (∝ step). So probe as close as precision allows: 1e-9
  // relative in double, 16 ulps in float; wider only where f does not move.
  const double first_step = std::max(1e-9, 16.0 * worker.eps());
  // Second differences this close to one sign are a bend, not rounding.
  constexpr double one_signed = 0.9;
  constexpr double widest_step = 1e-3;
  constexpr double growth = 10.0;
  const Eigen::Index m = fx.size();
  Eigen::VectorXd noise = Eigen::VectorXd::Zero(m);
  std::vector<bool> open(static_cast<std::size_t>(m), true);
  std::vector<Eigen::VectorXd> values(points);
  std::array<double, points> table{};
  for (int widening = 0;; ++widening) {
    const double step = first_step * std::pow(growth, widening);
    if (widening > 0 && step > widest_step * (1.0 + 1e-9)) break;
    values[half] = fx;
    try {
      for (int i = -half; i <= half; ++i) {
        if (i == 0) continue;
        const int slot = i + half;
        Eigen::VectorXd& v = values[static_cast<std::size_t>(slot)];
        worker.at(probe, static_cast<double>(i) * step, v);
        if (v.size() != m || !v.allFinite()) return noise;
      }
    } catch (const FunctionThrew&) {
      return noise;
    }
    bool any_open = false;
    for (Eigen::Index o = 0; o < m; ++o) {
      if (!open[static_cast<std::size_t>(o)]) continue;
      for (int i = 0; i < points; ++i) table[static_cast<std::size_t>(i)] = values[static_cast<std::size_t>(i)](o);
      // levels[k]: γ_k · mean((Δ^k f)²), square-rooted; changes[k]: Δ^k f changes sign.
      std::array<double, points> levels{};
      std::array<bool, points> changes{};
      int flat = 0;
      double bend = 0.0;       // Σ Δ²f
      double bend_size = 0.0;  // Σ |Δ²f|
      double bend_peak = 0.0;  // the largest |Δ²f| of two neighbours
      double k_factorial = 1.0;
      double two_k_factorial = 1.0;
      for (int k = 1; k < points; ++k) {
        const int count = points - k;
        double lo = HUGE_VAL;
        double hi = -HUGE_VAL;
        double largest = 0.0;
        bool overflowed = false;  // the values are finite: a non-finite difference overflowed
        for (int i = 0; i < count; ++i) {
          double& d = table[static_cast<std::size_t>(i)];
          const int next = i + 1;
          d = table[static_cast<std::size_t>(next)] - d;
          if (k == 1 && d == 0.0) ++flat;
          if (k == 2) {
            bend += d;
            bend_size += std::abs(d);
            if (i > 0) bend_peak = std::max(bend_peak, std::abs(d) + std::abs(table[static_cast<std::size_t>(i - 1)]));
          }
          overflowed = overflowed || !std::isfinite(d);
          lo = std::min(lo, d);
          hi = std::max(hi, d);
          largest = std::max(largest, std::abs(d));
        }
        // The mean square relative to the largest difference: no overflow
        // where f is above 1e169 (its differences' squares would be).
        double mean_square = 0.0;
        for (int i = 0; largest > 0.0 && i < count; ++i) {
          const double d = table[static_cast<std::size_t>(i)] / largest;
          mean_square += d * d / count;
        }
        // γ_k = (k!)² / (2k)!, both factorials exact in double.
        k_factorial *= k;
        two_k_factorial *= (2.0 * k - 1.0) * (2.0 * k);
        // Differences beyond the largest double are noise beyond it too (inf,
        // not the NaN of inf / inf, which the noise floors would drop).
        levels[static_cast<std::size_t>(k)] =
            overflowed ? HUGE_VAL : largest * std::sqrt(k_factorial * k_factorial / two_k_factorial * mean_square);
        changes[static_cast<std::size_t>(k)] = lo < 0.0 && hi > 0.0;
      }
      const bool moves = 2 * flat < points;  // ECnoise: "h too small" if half the differences are 0
      if (widening == 0) {
        // At the smallest step f is a polynomial: its 4th differences are
        // rounding. Unless Δ²f is one bend in one or two neighbours: a kink
        // within the probe (smooth f bends evenly; rounding has no sign).
        const bool kink = std::abs(bend) >= one_signed * bend_size && bend_peak >= one_signed * bend_size;
        noise(o) = kink ? 0.0 : levels[order];
        if (moves) open[static_cast<std::size_t>(o)] = false;
      } else if (moves) {
        // A wider step may see the smooth part of f too: only recognised noise
        // counts. Nor does a kink: rounding has no preferred sign of Δ²f, but
        // the probe bending over a kink (or several of one sense) has.
        open[static_cast<std::size_t>(o)] = false;
        if (std::abs(bend) >= one_signed * bend_size) continue;
        for (int k = 1; k + 2 < points; ++k) {
          const auto at = [&](int j) { return levels[static_cast<std::size_t>(j)]; };
          const double lo = std::min({at(k), at(k + 1), at(k + 2)});
          const double hi = std::max({at(k), at(k + 1), at(k + 2)});
          if (changes[static_cast<std::size_t>(k)] && hi <= 4.0 * lo) {
            noise(o) = std::max(noise(o), at(k));
            break;
          }
        }
      }
      any_open = any_open || open[static_cast<std::size_t>(o)];
    }
    if (!any_open) break;
  }
  return noise;
}

void judge_axis(Worker& worker, const Axis& axis, const Eigen::Ref<const Eigen::VectorXd>& claimed,
                const Eigen::Ref<const Eigen::VectorXd>& row_scale, const Eigen::VectorXd& fx,
                const Eigen::VectorXd& rounding, const CheckOptions& options, ClaimKind kind, const AxisOutput& out) {
  const Eigen::Index m = fx.size();
  const Eigen::Index c = out.column;
  out.judged.resize(static_cast<std::size_t>(m));
  const auto judged = [&](Eigen::Index i) -> EntryJudgement& { return out.judged[static_cast<std::size_t>(i)]; };
  const double eps = worker.eps();
  const double h = worker.exact_step(axis, options.step * axis.scale);
  // The smallest step of Ridders' ladder along this axis.
  // The ladder's largest step (lowered below a kink) and its smallest.
  double ladder_max = options.ladder_step * axis.scale;
  const auto ladder_min = [&] { return ladder_max / std::pow(ladder_shrink, ladder_levels - 1); };
  if (!(h > 0.0) || !std::isfinite(h)) {
    out.numeric.col(c).setConstant(nan);
    out.allowance.col(c).setConstant(nan);
    for (Eigen::Index i = 0; i < m; ++i) {
      judged(i) = {Verdict::inconclusive, Failure::step_underflow,
                   fmt::format("{} cannot be perturbed: x + h == x", axis_label(kind, axis))};
    }
    return;
  }

  // Step 1: one central difference.
  Eigen::VectorXd& fp = worker.fp;
  Eigen::VectorXd& fm = worker.fm;
  worker.at(axis, h, fp);
  worker.at(axis, -h, fm);
  if (fp.size() != m || fm.size() != m) {
    throw FunctionThrew{
        fmt::format("f returned {} and {} outputs at x ± h {} but {} at x", fp.size(), fm.size(), axis.move(), m)};
  }
  const auto relative_to = [&](double ai, double ni) {
    return options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni));
  };
  // The first difference passes an entry only if it meets the allowance and
  // resolves rtol (of the entry, or of its row's largest entry): where
  // its rounding noise dominates, the ladder's larger steps resolve more (a
  // wrong claim could hide in that noise). A claimed 0 where f did not change
  // at all is decided too: nothing to resolve.
  const auto decided_by_first = [&](Eigen::Index i, double noise) {
    const double ai = claimed(i);
    const double ni = out.numeric(i, c);
    if (ai == 0.0 && fp(i) == fm(i)) return true;
    const double resolved = std::max({std::abs(ai), std::abs(ni), row_scale(i)});
    return std::abs(ai - ni) <= out.allowance(i, c) &&
           options.noise_factor * noise <= options.atol + options.rtol * resolved;
  };
  // f is taken to be rounded relative to intermediates of at least unit size:
  // −s_o + logsumexp(s) ≈ 1e-11 at saturated scores still carries the rounding
  // of scores near 30, which no probe along a line reveals (rounding a nearly
  // linear function is a regular sawtooth).
  const auto noise_of = [&](Eigen::Index i) { return slope_noise(eps, fp(i), fm(i), rounding(i), h); };
  bool refine = false;
  for (Eigen::Index i = 0; i < m; ++i) {
    const double ni = (fp(i) - fm(i)) / (2.0 * h);
    out.numeric(i, c) = ni;
    out.estimate(i, c) = 0.0;
    const double noise = noise_of(i);
    out.allowance(i, c) = relative_to(claimed(i), ni) + options.noise_factor * noise;
    judged(i) = {};
    if (!std::isfinite(ni)) {
      judged(i) = {Verdict::inconclusive, Failure::non_finite,
                   fmt::format("f(x ± h {}) is not finite: {}", axis.move(), ni)};
    } else if (!decided_by_first(i, noise)) {
      refine = true;
    }
  }
  if (!refine) return;

  // Step 2: a kink within the step, else Ridders' extrapolation.
  const Eigen::VectorXd& f2p = worker.fp2;
  const Eigen::VectorXd& f2m = worker.fm2;
  worker.at(axis, 2.0 * h, worker.fp2);
  worker.at(axis, -2.0 * h, worker.fm2);
  bool extrapolated = false;
  const bool along_coordinate = axis.coordinate >= 0;
  std::vector<Eigen::Index>& kinked = worker.kinked;
  kinked.clear();
  worker.kink_sides.clear();
  for (Eigen::Index i = 0; i < m; ++i) {
    const double ai = claimed(i);
    const double noise = noise_of(i);
    if (judged(i).verdict != Verdict::pass || decided_by_first(i, noise)) continue;
    const double forward = (fp(i) - fx(i)) / h;
    const double backward = (fx(i) - fm(i)) / h;
    const double forward2 = (f2p(i) - fx(i)) / (2.0 * h);
    const double backward2 = (fx(i) - f2m(i)) / (2.0 * h);
    if (along_coordinate && fp(i) == fx(i) && fm(i) == fx(i) && f2p(i) == fx(i) && f2m(i) == fx(i) &&
        std::abs(ai) * h > std::max(hidden_floor(options, fx(i), eps), options.noise_factor * rounding(i))) {
      // f does not move at all within ±2h (the flat side of a ReLU, near its
      // kink), while the claim predicts a change far above any rounding of f:
      // wrong, whatever the ladder's larger steps meet.
      out.numeric(i, c) = 0.0;
      judged(i) = {Verdict::fail, Failure::wrong_value, {}};
      continue;
    }
    // Along a direction (a sum over many coordinates, whose rounding the
    // probe reads less well) only the plain sign of a kink: F − B not
    // shrinking with h, well above the noise; it is not searched past.
    const double gap = std::abs(forward - backward);
    const bool kink = along_coordinate ? straddles_kink(fx(i), fp(i), fm(i), f2p(i), f2m(i), h, noise, options)
                                       : std::isfinite(gap) && gap > 0.75 * std::abs(forward2 - backward2) &&
                                             gap > 4.0 * options.noise_factor * noise &&
                                             gap > options.rtol * std::max(std::abs(forward), std::abs(backward));
    if (kink) {
      const double widen = out.allowance(i, c) + std::abs(forward2 - forward) + std::abs(backward2 - backward);
      const double lo = std::min(forward, backward) - widen;
      const double hi = std::max(forward, backward) + widen;
      // A claim outside both one-sided slopes is wrong on either side of one
      // kink. Two kinks within the step, one each side, can shift both slopes
      // one way, by amounts their spread at h and 2h shows only roughly (a
      // float ReLU network: slopes -0.047 to -0.019 where the derivative is
      // 0.033): along a coordinate a claim within four spreads of them is
      // decided at smaller steps (its message written only if none decides it).
      const double spread = along_coordinate ? 4.0 * (std::max({forward, backward, forward2, backward2}) -
                                                      std::min({forward, backward, forward2, backward2}))
                                             : 0.0;
      if (ai >= lo - spread && ai <= hi + spread) {
        judged(i) = {Verdict::inconclusive, Failure::kink, {}};
        kinked.push_back(i);
        worker.kink_sides.push_back(along_coordinate ? kink_side(fx(i), fp(i), fm(i), f2p(i), f2m(i), h, noise, options)
                                                     : 0);
        continue;
      }
      out.numeric(i, c) = ai < lo ? std::min(forward, backward) : std::max(forward, backward);
      out.allowance(i, c) = widen + spread;
      judged(i) = {Verdict::fail, Failure::wrong_value, {}};
      continue;
    }
    if (!extrapolated) {
      // The ladder's largest step is kept clear of kinks too (check.hpp, KINKS).
      if (along_coordinate) ladder_max = ladder_top(worker, axis, h, ladder_max, fx, rounding, options);
      ridders(worker, axis, ladder_max, m);
      extrapolated = true;
    }
    const double best = worker.best(i);
    const double error = worker.error(i);
    if (!std::isfinite(best) || !std::isfinite(error)) {
      judged(i) = {Verdict::inconclusive, Failure::non_finite,
                   fmt::format("the differences of {} are not finite", entry_label(kind, axis, i))};
      continue;
    }
    // The first difference is accurate to its rounding noise (its truncation
    // is below rtol at h ≈ ε^(1/3)); an extrapolation that leaves that band
    // has met truncation the ladder's larger steps cannot handle (a saturated
    // softmax bends within them): the numerics disagree with themselves.
    const double first = out.numeric(i, c);
    const double consistent = options.noise_factor * noise + options.estimate_factor * error +
                              options.rtol * std::max(std::abs(first), std::abs(best));
    out.numeric(i, c) = best;
    out.estimate(i, c) = error;
    if (std::abs(first - best) > consistent) {
      judged(i) = {Verdict::inconclusive, Failure::unresolved,
                   fmt::format("{}: the first difference {:.6g} and the extrapolation {:.6g} disagree by more than "
                               "their noise {:.2e}",
                               entry_label(kind, axis, i), first, best, consistent)};
      continue;
    }
    // Ridders' value comes from steps up to 1.4^9 ≈ 21 times larger than h, whose
    // rounding noise is that much smaller (and is measured by its estimate):
    // the a-priori noise enters once (factor 1), scaled to the smallest step.
    const double magnitude = std::max(std::abs(ai), std::abs(best));
    const double relative = relative_to(ai, best);
    const double noise_term = noise * std::min(1.0, h / ladder_min());
    const double estimate_term = options.estimate_factor * error;
    out.allowance(i, c) = relative + noise_term + estimate_term;
    const double gap_ai = std::abs(ai - best);
    // Richardson's value of the differences at h and 2h (below).
    const double richardson = (4.0 * first - (f2p(i) - f2m(i)) / (4.0 * h)) / 3.0;
    const double richardson_noise = options.noise_factor * 1.5 * noise;
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
                                 entry_label(kind, axis, i), noise_term, ai, best)};
      } else if (gap_ai > relative + noise_term && estimate_term > resolution * magnitude) {
        judged(i) = {Verdict::inconclusive, Failure::unresolved,
                     fmt::format("{}: error estimate {:.2e} of the numeric derivative {:.6g} exceeds 1% of it",
                                 entry_label(kind, axis, i), error, best)};
      } else {
        judged(i) = {};
      }
    } else if (best == 0.0 &&
               std::abs(ai) * h <= options.noise_factor * std::max(eps * std::max(1.0, std::abs(fx(i))), rounding(i))) {
      // f did not change at all, even over the largest step: it is rounded
      // to a grid coarser than any step tried shows (−s_o + logsumexp(s) ≡ 0
      // on the grid of scores near 1e4 at saturated points), so the claim is
      // resolved only as far as the first difference resolves it, and here
      // it predicts a change over h below f's rounding: unresolvable.
      judged(i) = {Verdict::inconclusive, Failure::unresolved,
                   fmt::format("{}: f does not change along {}; the claimed {:.3g} is below its resolution",
                               entry_label(kind, axis, i), axis_label(kind, axis), ai)};
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
                               entry_label(kind, axis, i), best, richardson, ai)};
    } else if (gap_ai <= relative + options.noise_factor * (noise_term + estimate_term)) {
      // Beyond the allowance, but within noise_factor times the numerics' own
      // uncertainty: at saturated points f's rounding follows intermediates
      // far larger than f (scores near 30 where the loss is 1e-7), and the
      // extrapolated value can be off by twice its noise and estimate (2e-6
      // of a gradient of 1.4e-7, xent_grad_logits at scale 30): not shown wrong.
      judged(i) = {
          Verdict::inconclusive, Failure::unresolved,
          fmt::format("{}: the claimed {:.10g} and the numeric {:.10g} differ by {:.2e}, beyond the allowance "
                      "{:.2e} but within {:g} times the numerics' noise and estimate",
                      entry_label(kind, axis, i), ai, best, gap_ai, out.allowance(i, c), options.noise_factor)};
    } else {
      judged(i) = {Verdict::fail, Failure::wrong_value, {}};
    }
  }
  if (kinked.empty()) return;
  if (along_coordinate) {
    judge_past_kink(worker, axis, h, claimed, row_scale, fx, rounding, options, kind, kinked, out);
    judge_one_side(worker, axis, h, options.ladder_step * axis.scale, claimed, row_scale, fx, rounding, options, out);
  }
  for (const Eigen::Index i : kinked) {
    if (judged(i).why == Failure::kink) {
      judged(i).detail = fmt::format("kink within the step at {}: one-sided slopes {:.6g} and {:.6g}",
                                     entry_label(kind, axis, i), (fx(i) - fm(i)) / h, (fp(i) - fx(i)) / h);
    }
  }
}

namespace {

// A direction is drawn in spans of 2^16 entries (the unit of work shared out
// and of summation), in blocks of 2048 pairs, into a drawing thread's scratch.
constexpr Eigen::Index direction_span = Eigen::Index{1} << 16U;
constexpr Eigen::Index direction_block = 2048;
static_assert(direction_span % (2 * direction_block) == 0, "a block never crosses a span's end");
struct DrawScratch {
  Eigen::ArrayXf radius = Eigen::ArrayXf(direction_block);
  Eigen::ArrayXf angle = Eigen::ArrayXf(direction_block);
  Eigen::VectorXd v = Eigen::VectorXd(2 * direction_block);
};

}  // namespace

// Box–Muller over blocks of pairs:
// one 64-bit draw gives a pair's two uniforms (24 bits each; the radius's is
// in (0, 1], so the normals reach 5.8 standard deviations), and Eigen's
// vectorised log, sin and cos turn a block of them into normals: 3-4x faster
// than a scalar ziggurat at n = 3·10⁷, where drawing dominated the check.
// Pair q's draw is output q of SplitMix64 seeded with the direction's key (a
// counter-based generator: ~1 ns a draw here against ~6 ns for a
// mt19937_64 per span, which was half of a direction's drawing), so any span
// can be drawn on any thread; each block's a·v is taken while the block is
// in cache, and the spans' sums are added in span order.
Eigen::VectorXd draw_direction(std::uint64_t seed, long k, const Eigen::Map<const Eigen::MatrixXd>& a,
                               const Eigen::VectorXd& x, int threads, Eigen::VectorXf& g, Eigen::VectorXd* spread) {
  constexpr Eigen::Index span = direction_span;
  constexpr Eigen::Index block = direction_block;
  constexpr float two_pi = 6.2831853F;
  const Eigen::Index n = x.size();
  if (g.size() != n) {
    g.resize(n);
    populate_buffer(g.data(), static_cast<std::size_t>(n) * sizeof(float));
  }
  if (spread != nullptr) spread->setZero(a.rows());
  if (n == 0) return Eigen::VectorXd::Zero(a.rows());
  const Eigen::Index spans = (n + span - 1) / span;
  Rng keys = trial_rng(seed, "direction", static_cast<std::uint64_t>(k));
  const std::uint64_t key = keys();
  Eigen::MatrixXd sums(a.rows(), spans);
  Eigen::MatrixXd squares(spread != nullptr ? a.rows() : 0, spans);  // Σ_j (a_ij·s_j)² per span
  std::atomic<Eigen::Index> next{0};
  run_on_threads(static_cast<int>(std::clamp<Eigen::Index>(threads, 1, spans)), [&] {
    DrawScratch s;
    for (Eigen::Index c = next++; c < spans; c = next++) {
      auto sum = sums.col(c);
      sum.setZero();
      auto square = squares.col(c);
      square.setZero();
      const Eigen::Index end = std::min(n, (c + 1) * span);
      for (Eigen::Index start = c * span; start < end; start += 2 * block) {
        const Eigen::Index count = std::min(2 * block, end - start);
        const Eigen::Index pairs = (count + 1) / 2;
        // start is even (spans and blocks hold whole pairs): the block's pairs are q = start/2 + p.
        const auto first = static_cast<std::uint64_t>(start / 2);
        for (Eigen::Index p = 0; p < pairs; ++p) {
          const std::uint64_t bits = splitmix64(key + splitmix64_gamma * (first + static_cast<std::uint64_t>(p)));
          s.radius(p) = static_cast<float>((bits >> 40U) + 1U) * 0x1p-24F;
          s.angle(p) = static_cast<float>((bits >> 16U) & 0xFFFFFFU) * 0x1p-24F;
        }
        s.radius.head(pairs) = (-2.0F * s.radius.head(pairs).log()).sqrt();
        s.angle.head(pairs) *= two_pi;
        g.segment(start, pairs) = (s.radius.head(pairs) * s.angle.head(pairs).cos()).matrix();
        g.segment(start + pairs, count - pairs) =
            (s.radius.head(count - pairs) * s.angle.head(count - pairs).sin()).matrix();
        s.v.head(count) = scaled_direction(g, x, start, count);
        if (a.rows() == 1) {
          const Eigen::Map<const Eigen::VectorXd> a0(a.data() + start, count);
          sum(0) += a0.dot(s.v.head(count));
          if (spread != nullptr) square(0) += a0.cwiseProduct(coordinate_scales(x, start, count)).squaredNorm();
        } else {
          sum.noalias() += a.middleCols(start, count) * s.v.head(count);
          if (spread != nullptr) {
            square.noalias() += a.middleCols(start, count).cwiseAbs2() * coordinate_scales(x, start, count).cwiseAbs2();
          }
        }
      }
    }
  });
  Eigen::VectorXd total = Eigen::VectorXd::Zero(a.rows());
  for (Eigen::Index c = 0; c < spans; ++c) {  // in span order
    total += sums.col(c);
    if (spread != nullptr) *spread += squares.col(c);
  }
  if (spread != nullptr) {  // 0 where the squares overflow: resolved to its own |a_i·v| then
    *spread = spread->unaryExpr([](double sq) { return std::isfinite(sq) ? std::sqrt(sq) : 0.0; });
  }
  return total;
}

}  // namespace gradcheck::detail
