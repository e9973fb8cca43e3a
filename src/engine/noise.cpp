// The rounding noise of f near x, measured (ECnoise).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "differences.hpp"

namespace gradcheck::detail {
namespace {

constexpr int half = 3;  // points x + iδv, i = −3..3
constexpr int points = 2 * half + 1;
constexpr int order = 4;  // 4th differences: 3 samples
// Second differences this close to one sign are a bend, not rounding.
constexpr double one_signed = 0.9;

// ECnoise's table of one output at one step: its differences of every order.
struct DifferenceTable {
  std::array<double, points> levels{};  // levels[k]: γ_k · mean((Δ^k f)²), square-rooted
  std::array<bool, points> changes{};   // changes[k]: Δ^k f changes sign
  int flat = 0;                         // first differences exactly 0
  double bend = 0.0;                    // Σ Δ²f
  double bend_size = 0.0;               // Σ |Δ²f|
  double bend_peak = 0.0;               // the largest |Δ²f| of two neighbours

  // ECnoise: "h too small" if half the differences are 0.
  bool moves() const { return 2 * flat < points; }
  // Rounding has no preferred sign of Δ²f; a bend over a kink (or several of one sense) has.
  bool bends_one_way() const { return std::abs(bend) >= one_signed * bend_size; }
  // Δ²f one bend in one or two neighbours: a kink within the probe (smooth f bends evenly).
  bool kink() const { return bends_one_way() && bend_peak >= one_signed * bend_size; }

  // The noise ECnoise recognises: a k-th difference that changes sign, with
  // three consecutive orders agreeing within a factor 4.
  std::optional<double> recognised_noise() const {
    for (int k = 1; k + 2 < points; ++k) {
      const auto at = [&](int j) { return levels[static_cast<std::size_t>(j)]; };
      const double lo = std::min({at(k), at(k + 1), at(k + 2)});
      const double hi = std::max({at(k), at(k + 1), at(k + 2)});
      if (changes[static_cast<std::size_t>(k)] && hi <= 4.0 * lo) return at(k);
    }
    return std::nullopt;
  }
};

// The differences of every order of f's values at the probe's points.
DifferenceTable difference_table(std::array<double, points> table) {
  DifferenceTable t;
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
      if (k == 1 && d == 0.0) ++t.flat;
      if (k == 2) {
        t.bend += d;
        t.bend_size += std::abs(d);
        if (i > 0) t.bend_peak = std::max(t.bend_peak, std::abs(d) + std::abs(table[static_cast<std::size_t>(i - 1)]));
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
    t.levels[static_cast<std::size_t>(k)] =
        overflowed ? HUGE_VAL : largest * std::sqrt(k_factorial * k_factorial / two_k_factorial * mean_square);
    t.changes[static_cast<std::size_t>(k)] = lo < 0.0 && hi > 0.0;
  }
  return t;
}

// f at x + iδv (i = −3..3, δ = step) into values[i + 3]; false if f throws
// there or returns a value of another size or not finite.
bool probe_values(Worker& worker, const Axis& probe, double step, const Eigen::VectorXd& fx,
                  std::vector<Eigen::VectorXd>& values) {
  values[half] = fx;
  try {
    for (int i = -half; i <= half; ++i) {
      if (i == 0) continue;
      Eigen::VectorXd& v = values[static_cast<std::size_t>(i + half)];
      worker.at(probe, static_cast<double>(i) * step, v);
      if (v.size() != fx.size() || !v.allFinite()) return false;
    }
  } catch (const FunctionThrew&) {
    return false;
  }
  return true;
}

}  // namespace

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
  // Rounding noise does not shrink with the step; what a kink within the
  // probe adds does (∝ step). So probe as close as precision allows: 1e-9
  // relative in double, 16 ulps in float; wider only where f does not move.
  const double first_step = std::max(1e-9, 16.0 * worker.eps());
  constexpr double widest_step = 1e-3;
  constexpr double growth = 10.0;
  const Eigen::Index m = fx.size();
  Eigen::VectorXd noise = Eigen::VectorXd::Zero(m);
  std::vector<bool> open(static_cast<std::size_t>(m), true);
  std::vector<Eigen::VectorXd> values(points);
  for (int widening = 0;; ++widening) {
    const double step = first_step * std::pow(growth, widening);
    if (widening > 0 && step > widest_step * (1.0 + 1e-9)) break;
    if (!probe_values(worker, probe, step, fx, values)) return noise;
    bool any_open = false;
    for (Eigen::Index o = 0; o < m; ++o) {
      if (!open[static_cast<std::size_t>(o)]) continue;
      std::array<double, points> column{};
      for (int i = 0; i < points; ++i) column[static_cast<std::size_t>(i)] = values[static_cast<std::size_t>(i)](o);
      const DifferenceTable t = difference_table(column);
      if (widening == 0) {
        // At the smallest step f is a polynomial: its 4th differences are
        // rounding, unless the probe bends over a kink.
        noise(o) = t.kink() ? 0.0 : t.levels[order];
        if (t.moves()) open[static_cast<std::size_t>(o)] = false;
      } else if (t.moves()) {
        // A wider step may see the smooth part of f too: only recognised
        // noise counts, and not a bend over a kink.
        open[static_cast<std::size_t>(o)] = false;
        const std::optional<double> level = t.bends_one_way() ? std::nullopt : t.recognised_noise();
        if (level) noise(o) = std::max(noise(o), *level);
      }
      any_open = any_open || open[static_cast<std::size_t>(o)];
    }
    if (!any_open) break;
  }
  return noise;
}

}  // namespace gradcheck::detail
