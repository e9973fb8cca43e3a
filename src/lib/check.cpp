#include "gradcheck/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "gradcheck/error.hpp"

namespace gradcheck {

namespace detail {
std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}
}  // namespace detail

const char* to_string(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

const char* to_string(Failure failure) noexcept {
  switch (failure) {
    case Failure::none:
      return "none";
    case Failure::wrong_value:
      return "wrong_value";
    case Failure::wrong_shape:
      return "wrong_shape";
    case Failure::non_finite:
      return "non_finite";
    case Failure::exception:
      return "exception";
    case Failure::kink:
      return "kink";
    case Failure::unresolved:
      return "unresolved";
    case Failure::step_underflow:
      return "step_underflow";
  }
  return "unknown";
}

namespace detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Ridders' ladder (Numerical Recipes §5.7): shrink factor, levels, and the
// growth of the tableau's differences at which extrapolation stops helping.
constexpr double ladder_shrink = 1.4;
constexpr int ladder_levels = 10;
constexpr double ladder_safe = 2.0;
// Across a kink F(h) − B(h) does not shrink with h; for smooth f it halves.
constexpr double kink_ratio = 0.75;
// An entry passed only thanks to an error estimate above this share of its
// value is not resolved by the numerics: INCONCLUSIVE, not PASS.
constexpr double resolution = 1e-2;

void validate(const CheckOptions& o) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0.0; };
  const auto non_negative = [](double v) { return std::isfinite(v) && v >= 0.0; };
  if (!positive(o.step)) throw Error(fmt::format("step must be a positive number, got {}", o.step));
  if (!non_negative(o.rtol)) throw Error(fmt::format("rtol must be a non-negative number, got {}", o.rtol));
  if (!non_negative(o.atol)) throw Error(fmt::format("atol must be a non-negative number, got {}", o.atol));
  if (!non_negative(o.noise_factor)) {
    throw Error(fmt::format("noise_factor must be a non-negative number, got {}", o.noise_factor));
  }
  if (!non_negative(o.estimate_factor)) {
    throw Error(fmt::format("estimate_factor must be a non-negative number, got {}", o.estimate_factor));
  }
  if (!positive(o.ladder_step))
    throw Error(fmt::format("ladder_step must be a positive number, got {}", o.ladder_step));
}

CheckResult finish(CheckResult r, Verdict verdict, Failure why, std::string message) {
  r.verdict = verdict;
  r.passed = verdict == Verdict::pass;
  r.failure = why;
  r.message = std::move(message);
  return r;
}

std::string entry_name(ClaimKind kind, Eigen::Index i, Eigen::Index j) {
  switch (kind) {
    case ClaimKind::gradient:
      return fmt::format("x[{}]", j);
    case ClaimKind::value:
      return fmt::format("[{}]", j);
    case ClaimKind::jacobian:
      break;
  }
  return fmt::format("({}, {})", i, j);
}

// Thrown out of the difference loops when f throws, to report it once.
struct FunctionThrew {
  std::string text;
};

// f at x with coordinate j moved, in a working copy of x that is restored.
class Perturber {
 public:
  Perturber(const VectorFunction& f, const Eigen::VectorXd& x, Precision precision, long& evaluations)
      : f_(f), x_(x), precision_(precision), evaluations_(evaluations) {}

  double eps() const {
    return precision_ == Precision::single_precision ? std::numeric_limits<float>::epsilon()
                                                     : std::numeric_limits<double>::epsilon();
  }

  // The step nearest to `h` for which x_j ± step are exact in f's precision.
  double exact_step(Eigen::Index j, double h) const {
    const double xj = x_(j);
    if (precision_ == Precision::single_precision) {
      const volatile float up = static_cast<float>(xj) + static_cast<float>(h);
      return static_cast<double>(up - static_cast<float>(xj));
    }
    const volatile double up = xj + h;
    return up - xj;
  }

  void at(Eigen::Index j, double offset, Eigen::VectorXd& out) {
    const double xj = x_(j);
    x_(j) = xj + offset;
    ++evaluations_;
    try {
      f_(x_, out);
    } catch (...) {
      x_(j) = xj;
      throw FunctionThrew{fmt::format("f threw at x ± h e_{}: {}", j, current_exception_text())};
    }
    x_(j) = xj;
  }

 private:
  const VectorFunction& f_;
  Eigen::VectorXd x_;
  Precision precision_;
  long& evaluations_;
};

// Ridders' extrapolation of column j: the derivative of every output and an
// estimate of its error (Numerical Recipes §5.7, per output).
void ridders(Perturber& p, Eigen::Index j, double x_scale, double ladder_step, Eigen::Index m, Eigen::VectorXd& best,
             Eigen::VectorXd& error) {
  std::vector<std::vector<Eigen::VectorXd>> table(ladder_levels, std::vector<Eigen::VectorXd>(ladder_levels));
  Eigen::VectorXd fp;
  Eigen::VectorXd fm;
  const auto difference = [&](double h_wanted, Eigen::VectorXd& out) {
    const double h = p.exact_step(j, h_wanted);
    p.at(j, h, fp);
    p.at(j, -h, fm);
    out = (fp - fm) / (2.0 * h);
  };
  best = Eigen::VectorXd::Constant(m, nan);
  error = Eigen::VectorXd::Constant(m, HUGE_VAL);
  double h = ladder_step * x_scale;
  difference(h, table[0][0]);
  for (int i = 1; i < ladder_levels; ++i) {
    h /= ladder_shrink;
    difference(h, table[0][i]);
    if (!table[0][i].allFinite()) break;
    double factor = ladder_shrink * ladder_shrink;
    for (int k = 1; k <= i; ++k) {
      table[k][i] = (table[k - 1][i] * factor - table[k - 1][i - 1]) / (factor - 1.0);
      factor *= ladder_shrink * ladder_shrink;
      const Eigen::VectorXd e =
          (table[k][i] - table[k - 1][i]).cwiseAbs().cwiseMax((table[k][i] - table[k - 1][i - 1]).cwiseAbs());
      for (Eigen::Index o = 0; o < m; ++o) {
        if (e(o) <= error(o)) {
          error(o) = e(o);
          best(o) = table[k][i](o);
        }
      }
    }
    // Stop once the diagonal grows away from the best estimate for every output.
    if (((table[i][i] - table[i - 1][i - 1]).cwiseAbs().array() >= ladder_safe * error.array()).all()) break;
  }
}

// The rounding noise of f at x, per output, measured as in Moré & Wild,
// "Estimating computational noise", SIAM J. Sci. Comput. 33(3), 2011: along a
// direction, at steps so small that f is a polynomial there, the k-th
// differences of f are rounding alone, and γ_k · mean((Δ^k f)²) estimates its
// variance, γ_k = (k!)² / (2k)!. Needed because f is rounded relative to its
// terms, which can be far above |f| (−s_o + logsumexp(s) ≈ 0 from scores of 10).
// Six evaluations per check; 0 where the probe cannot be made.
Eigen::VectorXd measured_noise(const VectorFunction& f, const Eigen::VectorXd& x, const Eigen::VectorXd& fx,
                               long& evaluations) {
  constexpr int half = 3;                    // points x + iδv, i = −3..3
  constexpr int order = 4;                   // 4th differences: 3 samples
  constexpr double gamma = 576.0 / 40320.0;  // (4!)² / 8!
  constexpr double relative_step = 1e-6;
  const Eigen::Index m = fx.size();
  std::vector<Eigen::VectorXd> values(2 * half + 1);
  values[half] = fx;
  Eigen::VectorXd direction(x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    direction(j) = ((j % 2 == 0) ? 1.0 : -1.0) * relative_step * std::max(1.0, std::abs(x(j)));
  }
  try {
    for (int i = -half; i <= half; ++i) {
      if (i == 0) continue;
      ++evaluations;
      f(x + static_cast<double>(i) * direction, values[static_cast<std::size_t>(i + half)]);
      if (values[static_cast<std::size_t>(i + half)].size() != m ||
          !values[static_cast<std::size_t>(i + half)].allFinite()) {
        return Eigen::VectorXd::Zero(m);
      }
    }
  } catch (...) {
    return Eigen::VectorXd::Zero(m);
  }
  for (int k = 0; k < order; ++k) {
    for (std::size_t i = 0; i + 1 < values.size() - static_cast<std::size_t>(k); ++i) {
      values[i] = values[i + 1] - values[i];
    }
  }
  Eigen::VectorXd mean_square = Eigen::VectorXd::Zero(m);
  const int samples = 2 * half + 1 - order;
  for (int i = 0; i < samples; ++i) mean_square += values[static_cast<std::size_t>(i)].cwiseAbs2() / samples;
  return (gamma * mean_square).cwiseSqrt();
}

struct EntryJudgement {
  Verdict verdict;
  Failure why;
  std::string detail;  // for inconclusive entries
};

}  // namespace

CheckResult check_impl(const VectorFunction& f, const MatrixFunction& claim, const Eigen::VectorXd& x,
                       const CheckOptions& options, ClaimKind kind, Precision precision) {
  validate(options);
  CheckResult r;
  r.options = options;
  const char* what = kind == ClaimKind::gradient ? "gradient" : "Jacobian";
  const Eigen::Index n = x.size();

  Eigen::VectorXd fx;
  try {
    ++r.evaluations;
    f(x, fx);
  } catch (...) {
    return finish(std::move(r), Verdict::fail, Failure::exception, "f threw at x: " + current_exception_text());
  }
  const Eigen::Index m = fx.size();
  for (Eigen::Index i = 0; i < m; ++i) {
    if (!std::isfinite(fx(i))) {
      return finish(std::move(r), Verdict::inconclusive, Failure::non_finite,
                    fmt::format("f(x) output {} is not finite ({}): no derivative to compare with", i, fx(i)));
    }
  }

  Eigen::MatrixXd a;
  try {
    a = claim(x);
  } catch (...) {
    return finish(std::move(r), Verdict::fail, Failure::exception,
                  fmt::format("the claimed {} threw: {}", what, current_exception_text()));
  }
  if (kind == ClaimKind::gradient) {
    if (a.rows() != n || a.cols() != 1) {
      return finish(std::move(r), Verdict::fail, Failure::wrong_shape,
                    fmt::format("gradient has shape {}x{}, expected {}x1 (one entry per coordinate of x)", a.rows(),
                                a.cols(), n));
    }
    a.transposeInPlace();
  } else if (a.rows() != m || a.cols() != n) {
    return finish(std::move(r), Verdict::fail, Failure::wrong_shape,
                  fmt::format("Jacobian has shape {}x{}, expected {}x{} (outputs x inputs)", a.rows(), a.cols(), m, n));
  }
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!std::isfinite(a(i, j))) {
        return finish(std::move(r), Verdict::fail, Failure::non_finite,
                      fmt::format("{} entry {} is not finite: {}", what, entry_name(kind, i, j), a(i, j)));
      }
    }
  }

  Perturber p(f, x, precision, r.evaluations);
  const double eps = p.eps();
  r.analytic = a;
  r.numeric.resize(m, n);
  r.allowance.resize(m, n);
  r.estimate = Eigen::MatrixXd::Zero(m, n);
  std::vector<EntryJudgement> judged(static_cast<std::size_t>(m * n), {Verdict::pass, Failure::none, {}});
  const auto at = [&](Eigen::Index i, Eigen::Index j) -> EntryJudgement& {
    return judged[static_cast<std::size_t>(j * m + i)];
  };
  const auto floor = [&](double ai, double ni, double noise) {
    return options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni)) + options.noise_factor * noise;
  };

  // The first difference passes an entry only if it meets the allowance and
  // resolves rtol: where its rounding noise dominates, the ladder's larger
  // steps resolve more (a wrong claim could hide in that noise).
  const auto decided_by_first = [&](Eigen::Index i, Eigen::Index j, double noise) {
    const double ai = a(i, j);
    const double ni = r.numeric(i, j);
    return std::abs(ai - ni) <= r.allowance(i, j) &&
           options.noise_factor * noise <= options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni));
  };
  try {
    // Step 1: one central difference per coordinate.
    Eigen::MatrixXd f_plus(m, n);
    Eigen::MatrixXd f_minus(m, n);
    Eigen::VectorXd steps(n);
    Eigen::VectorXd fp;
    Eigen::VectorXd fm;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double h = p.exact_step(j, options.step * std::max(1.0, std::abs(x(j))));
      steps(j) = h;
      if (!(h > 0.0) || !std::isfinite(h)) {
        r.numeric.col(j).setConstant(nan);
        f_plus.col(j).setConstant(nan);
        f_minus.col(j).setConstant(nan);
        for (Eigen::Index i = 0; i < m; ++i) {
          at(i, j) = {Verdict::inconclusive, Failure::step_underflow,
                      fmt::format("x[{}] = {} cannot be perturbed: x + h == x", j, x(j))};
        }
        continue;
      }
      p.at(j, h, fp);
      p.at(j, -h, fm);
      if (fp.size() != m || fm.size() != m) {
        return finish(
            std::move(r), Verdict::fail, Failure::wrong_shape,
            fmt::format("f returned {} and {} outputs at x ± h e_{} but {} at x", fp.size(), fm.size(), j, m));
      }
      f_plus.col(j) = fp;
      f_minus.col(j) = fm;
      r.numeric.col(j) = (fp - fm) / (2.0 * h);
    }
    const Eigen::VectorXd rounding = measured_noise(f, x, fx, r.evaluations);
    Eigen::VectorXd fp2;
    Eigen::VectorXd fm2;
    for (Eigen::Index j = 0; j < n; ++j) {
      const double h = steps(j);
      if (at(0, j).why == Failure::step_underflow) continue;
      const double x_scale = std::max(1.0, std::abs(x(j)));
      fp = f_plus.col(j);
      fm = f_minus.col(j);
      // f is taken to be rounded relative to intermediates of at least unit
      // size: −s_o + logsumexp(s) ≈ 1e-11 at saturated scores still carries
      // the rounding of scores near 30, which no probe along a line reveals
      // (rounding a nearly linear function is a regular sawtooth).
      const Eigen::VectorXd noise = (eps * fp.cwiseAbs().cwiseMax(fm.cwiseAbs()).cwiseMax(1.0)).cwiseMax(rounding) / h;
      bool refine = false;
      for (Eigen::Index i = 0; i < m; ++i) {
        const double ni = r.numeric(i, j);
        r.allowance(i, j) = floor(a(i, j), ni, noise(i));
        if (!std::isfinite(ni)) {
          at(i, j) = {Verdict::inconclusive, Failure::non_finite,
                      fmt::format("f(x ± h e_{}) is not finite: {}", j, ni)};
        } else if (!decided_by_first(i, j, noise(i))) {
          refine = true;
        }
      }
      if (!refine) continue;

      // Step 2: a kink within the step, else Ridders' extrapolation.
      p.at(j, 2.0 * h, fp2);
      p.at(j, -2.0 * h, fm2);
      Eigen::VectorXd best;
      Eigen::VectorXd error;
      bool extrapolated = false;
      for (Eigen::Index i = 0; i < m; ++i) {
        const double ai = a(i, j);
        if (at(i, j).verdict != Verdict::pass || decided_by_first(i, j, noise(i))) continue;
        const double forward = (fp(i) - fx(i)) / h;
        const double backward = (fx(i) - fm(i)) / h;
        const double forward2 = (fp2(i) - fx(i)) / (2.0 * h);
        const double backward2 = (fx(i) - fm2(i)) / (2.0 * h);
        const double gap = std::abs(forward - backward);
        if (std::isfinite(gap) && gap > kink_ratio * std::abs(forward2 - backward2) &&
            gap > 4.0 * options.noise_factor * noise(i) &&
            gap > options.rtol * std::max(std::abs(forward), std::abs(backward))) {
          const double widen = r.allowance(i, j) + std::abs(forward2 - forward) + std::abs(backward2 - backward);
          const double lo = std::min(forward, backward) - widen;
          const double hi = std::max(forward, backward) + widen;
          if (ai >= lo && ai <= hi) {
            at(i, j) = {Verdict::inconclusive, Failure::kink,
                        fmt::format("kink within the step at {}: one-sided slopes {:.6g} and {:.6g}",
                                    entry_name(kind, i, j), backward, forward)};
            continue;
          }
          // Outside both one-sided slopes: wrong on either side of the kink.
          r.numeric(i, j) = ai < lo ? std::min(forward, backward) : std::max(forward, backward);
          r.allowance(i, j) = widen;
          at(i, j) = {Verdict::fail, Failure::wrong_value, {}};
          continue;
        }
        if (!extrapolated) {
          ridders(p, j, x_scale, options.ladder_step, m, best, error);
          extrapolated = true;
        }
        if (!std::isfinite(best(i)) || !std::isfinite(error(i))) {
          at(i, j) = {Verdict::inconclusive, Failure::non_finite,
                      fmt::format("the differences of {} are not finite", entry_name(kind, i, j))};
          continue;
        }
        r.numeric(i, j) = best(i);
        r.estimate(i, j) = error(i);
        // Ridders' value comes from steps up to 1.4^9 ≈ 21 times larger than h, whose
        // rounding noise is that much smaller (and is measured by its estimate).
        const double ladder_min = options.ladder_step * x_scale / std::pow(ladder_shrink, ladder_levels - 1);
        // Its rounding is also measured by the estimate, so the a-priori noise
        // enters once (factor 1), not noise_factor times.
        const double base = options.atol + options.rtol * std::max(std::abs(ai), std::abs(best(i))) +
                            noise(i) * std::min(1.0, h / ladder_min);
        const double with_estimate = base + options.estimate_factor * error(i);
        r.allowance(i, j) = with_estimate;
        const double gap_ai = std::abs(ai - best(i));
        if (gap_ai <= base) {
          at(i, j) = {Verdict::pass, Failure::none, {}};
        } else if (gap_ai <= with_estimate) {
          if (options.estimate_factor * error(i) <= resolution * std::max(std::abs(ai), std::abs(best(i)))) {
            at(i, j) = {Verdict::pass, Failure::none, {}};
          } else {
            at(i, j) = {Verdict::inconclusive, Failure::unresolved,
                        fmt::format("{}: error estimate {:.2e} of the numeric derivative {:.6g} exceeds 1% of it",
                                    entry_name(kind, i, j), error(i), best(i))};
          }
        } else if (best(i) == 0.0 && std::abs(ai) * options.ladder_step * x_scale <=
                                         options.noise_factor * eps * std::max(1.0, std::abs(fx(i)))) {
          // f did not change at all, even over the largest step, and the claim
          // predicts a change below the rounding of any O(1) intermediate
          // (−s_o + logsumexp(s) ≡ 0 at saturated scores): unresolvable.
          at(i, j) = {Verdict::inconclusive, Failure::unresolved,
                      fmt::format("{}: f does not change with x[{}]; the claimed {:.3g} is below its resolution",
                                  entry_name(kind, i, j), j, ai)};
        } else {
          at(i, j) = {Verdict::fail, Failure::wrong_value, {}};
        }
      }
    }
  } catch (const FunctionThrew& e) {
    return finish(std::move(r), Verdict::fail, Failure::exception, e.text);
  }

  // The verdict: FAIL beats INCONCLUSIVE beats PASS.
  const EntryJudgement* first_inconclusive = nullptr;
  bool any_fail = false;
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      const EntryJudgement& e = at(i, j);
      if (e.verdict == Verdict::inconclusive) {
        ++r.inconclusive_entries;
        if (first_inconclusive == nullptr) first_inconclusive = &e;
        continue;
      }
      any_fail = any_fail || e.verdict == Verdict::fail;
      const double ai = a(i, j);
      const double ni = r.numeric(i, j);
      const double err = std::abs(ai - ni);
      const double scale = std::max(std::abs(ai), std::abs(ni));
      r.max_abs_error = std::max(r.max_abs_error, err);
      const double allowance = r.allowance(i, j);
      // Entries resolved to rtol only: where the relative term is at least half
      // the allowance (not an entry judged by noise, estimate or atol).
      if (scale > 0.0 && 2.0 * options.rtol * scale >= allowance)
        r.max_rel_error = std::max(r.max_rel_error, err / scale);
      const double ratio = allowance > 0.0 ? err / allowance : (err > 0.0 ? HUGE_VAL : 0.0);
      if (r.worst_input < 0 || ratio > r.worst_ratio) {
        r.worst_ratio = ratio;
        r.worst_output = i;
        r.worst_input = j;
        r.worst_analytic = ai;
        r.worst_numeric = ni;
        r.worst_error = err;
        r.worst_allowance = allowance;
        r.worst_estimate = r.estimate(i, j);
      }
    }
  }
  if (any_fail) {
    return finish(std::move(r), Verdict::fail, Failure::wrong_value,
                  fmt::format("{} entry {}: analytic {:.10g} vs numeric {:.10g}, error {:.3e} > allowance {:.3e}", what,
                              entry_name(kind, r.worst_output, r.worst_input), r.worst_analytic, r.worst_numeric,
                              r.worst_error, r.worst_allowance));
  }
  if (first_inconclusive != nullptr) {
    return finish(
        std::move(r), Verdict::inconclusive, first_inconclusive->why,
        fmt::format("{} entries inconclusive, first: {}", r.inconclusive_entries, first_inconclusive->detail));
  }
  return finish(std::move(r), Verdict::pass, Failure::none, {});
}

}  // namespace detail

CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options) {
  detail::validate(options);
  CheckResult r;
  r.options = options;
  if (reference.size() != claimed.size()) {
    return detail::finish(std::move(r), Verdict::fail, Failure::wrong_shape,
                          fmt::format("claimed value has {} entries, expected {}", claimed.size(), reference.size()));
  }
  r.analytic = claimed.transpose();
  r.numeric = reference.transpose();
  r.allowance.resize(1, reference.size());
  r.estimate = Eigen::MatrixXd::Zero(1, reference.size());
  // Values are compared with the noise of their own computation, ε · max(|a|, |r|).
  const double eps = std::numeric_limits<double>::epsilon();
  for (Eigen::Index j = 0; j < reference.size(); ++j) {
    const double a = claimed(j);
    const double ref = reference(j);
    if (!std::isfinite(a) || !std::isfinite(ref)) {
      return detail::finish(std::move(r), Verdict::fail, Failure::non_finite,
                            fmt::format("value [{}] is not finite: claimed {}, reference {}", j, a, ref));
    }
    const double scale = std::max(std::abs(a), std::abs(ref));
    const double err = std::abs(a - ref);
    const double allowance = options.atol + options.rtol * scale + options.noise_factor * eps * scale;
    r.allowance(0, j) = allowance;
    r.max_abs_error = std::max(r.max_abs_error, err);
    if (scale > 0.0) r.max_rel_error = std::max(r.max_rel_error, err / scale);
    const double ratio = allowance > 0.0 ? err / allowance : (err > 0.0 ? HUGE_VAL : 0.0);
    if (r.worst_input < 0 || ratio > r.worst_ratio) {
      r.worst_ratio = ratio;
      r.worst_output = 0;
      r.worst_input = j;
      r.worst_analytic = a;
      r.worst_numeric = ref;
      r.worst_error = err;
      r.worst_allowance = allowance;
    }
  }
  if (r.worst_ratio > 1.0) {
    return detail::finish(
        std::move(r), Verdict::fail, Failure::wrong_value,
        fmt::format("value [{}]: claimed {:.17g} vs reference {:.17g}, error {:.3e} > allowance {:.3e}", r.worst_input,
                    r.worst_analytic, r.worst_numeric, r.worst_error, r.worst_allowance));
  }
  return detail::finish(std::move(r), Verdict::pass, Failure::none, {});
}

}  // namespace gradcheck
