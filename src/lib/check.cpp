#include "gradcheck/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <string>

#include "gradcheck/error.hpp"

namespace gradcheck {

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
  }
  return "unknown";
}

namespace detail {
namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

void validate(const CheckOptions& o) {
  const auto bad = [](double v) { return !std::isfinite(v) || v < 0.0; };
  if (!std::isfinite(o.step) || o.step <= 0.0)
    throw Error(fmt::format("step must be a positive number, got {}", o.step));
  if (bad(o.rtol)) throw Error(fmt::format("rtol must be a non-negative number, got {}", o.rtol));
  if (bad(o.atol)) throw Error(fmt::format("atol must be a non-negative number, got {}", o.atol));
  if (bad(o.noise_factor))
    throw Error(fmt::format("noise_factor must be a non-negative number, got {}", o.noise_factor));
}

CheckResult fail(CheckResult r, Failure why, std::string message) {
  r.passed = false;
  r.failure = why;
  r.message = std::move(message);
  return r;
}

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

// Entry (i, j) named as the user sees it: a gradient has one output.
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

// The pass condition of check.hpp, applied entrywise; fills the error fields.
CheckResult judge(CheckResult r, const Eigen::MatrixXd& a, const Eigen::MatrixXd& n, const Eigen::MatrixXd& noise,
                  ClaimKind kind, const char* what) {
  const CheckOptions& o = r.options;
  r.analytic = a;
  r.numeric = n;
  r.allowance.resize(a.rows(), a.cols());
  std::string first_non_finite;
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      const double ai = a(i, j);
      const double ni = n(i, j);
      if (!std::isfinite(ai) || !std::isfinite(ni)) {
        r.allowance(i, j) = std::numeric_limits<double>::quiet_NaN();
        if (first_non_finite.empty()) {
          first_non_finite =
              fmt::format("{} entry {} is not finite: analytic {}, numeric {}", what, entry_name(kind, i, j), ai, ni);
        }
        continue;
      }
      const double scale = std::max(std::abs(ai), std::abs(ni));
      const double allowance = o.atol + o.rtol * scale + o.noise_factor * noise(i, j);
      const double error = std::abs(ai - ni);
      r.allowance(i, j) = allowance;
      r.max_abs_error = std::max(r.max_abs_error, error);
      // Below atol/rtol an entry is judged by the absolute floor, and its
      // relative error (e.g. 1e-12 vs 2e-12) says nothing about the formula.
      if (scale > 0.0 && o.rtol * scale >= o.atol) r.max_rel_error = std::max(r.max_rel_error, error / scale);
      const double ratio = allowance > 0.0 ? error / allowance : (error > 0.0 ? HUGE_VAL : 0.0);
      if (r.worst_input < 0 || ratio > r.worst_ratio) {
        r.worst_ratio = ratio;
        r.worst_output = i;
        r.worst_input = j;
        r.worst_analytic = ai;
        r.worst_numeric = ni;
        r.worst_error = error;
        r.worst_allowance = allowance;
      }
    }
  }
  if (!first_non_finite.empty()) return fail(std::move(r), Failure::non_finite, first_non_finite);
  if (r.worst_ratio > 1.0) {
    return fail(std::move(r), Failure::wrong_value,
                fmt::format("{} entry {}: analytic {:.10g} vs numeric {:.10g}, error {:.3e} > allowance {:.3e}", what,
                            entry_name(kind, r.worst_output, r.worst_input), r.worst_analytic, r.worst_numeric,
                            r.worst_error, r.worst_allowance));
  }
  r.passed = true;
  r.failure = Failure::none;
  return r;
}

}  // namespace

CheckResult check_impl(const VectorFunction& f, const MatrixFunction& claim, const Eigen::VectorXd& x,
                       const CheckOptions& options, ClaimKind kind) {
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
    return fail(std::move(r), Failure::exception, "f threw at x: " + describe_current_exception());
  }
  const Eigen::Index m = fx.size();
  for (Eigen::Index i = 0; i < m; ++i) {
    if (!std::isfinite(fx(i))) {
      return fail(std::move(r), Failure::non_finite, fmt::format("f(x) output {} is not finite: {}", i, fx(i)));
    }
  }

  Eigen::MatrixXd a;
  try {
    a = claim(x);
  } catch (...) {
    return fail(std::move(r), Failure::exception,
                fmt::format("the claimed {} threw: {}", what, describe_current_exception()));
  }
  if (kind == ClaimKind::gradient) {
    if (a.rows() != n || a.cols() != 1) {
      return fail(std::move(r), Failure::wrong_shape,
                  fmt::format("gradient has shape {}x{}, expected {}x1 (one entry per coordinate of x)", a.rows(),
                              a.cols(), n));
    }
    a.transposeInPlace();
  } else if (a.rows() != m || a.cols() != n) {
    return fail(std::move(r), Failure::wrong_shape,
                fmt::format("Jacobian has shape {}x{}, expected {}x{} (outputs x inputs)", a.rows(), a.cols(), m, n));
  }

  Eigen::MatrixXd numeric(m, n);
  Eigen::MatrixXd noise(m, n);
  Eigen::VectorXd xp = x;  // perturbed in place and restored: one copy of x
  Eigen::VectorXd fp;
  Eigen::VectorXd fm;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double xj = x(j);
    const volatile double up = xj + options.step * std::max(1.0, std::abs(xj));
    const double h = up - xj;  // exactly representable: xj ± h are exact
    if (!(h > 0.0) || !std::isfinite(h)) {
      return fail(std::move(r), Failure::non_finite,
                  fmt::format("x[{}] = {} cannot be perturbed: x + h == x or not finite", j, xj));
    }
    try {
      xp(j) = xj + h;
      ++r.evaluations;
      f(xp, fp);
      xp(j) = xj - h;
      ++r.evaluations;
      f(xp, fm);
      xp(j) = xj;
    } catch (...) {
      return fail(std::move(r), Failure::exception,
                  fmt::format("f threw at x ± h e_{}: {}", j, describe_current_exception()));
    }
    if (fp.size() != m || fm.size() != m) {
      return fail(std::move(r), Failure::wrong_shape,
                  fmt::format("f returned {} and {} outputs at x ± h e_{} but {} at x", fp.size(), fm.size(), j, m));
    }
    numeric.col(j) = (fp - fm) / (2.0 * h);
    noise.col(j) = eps * fp.cwiseAbs().cwiseMax(fm.cwiseAbs()) / h;
  }
  return judge(std::move(r), a, numeric, noise, kind, what);
}

}  // namespace detail

CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options) {
  detail::validate(options);
  CheckResult r;
  r.options = options;
  if (reference.size() != claimed.size()) {
    r.failure = Failure::wrong_shape;
    r.message = fmt::format("claimed value has {} entries, expected {}", claimed.size(), reference.size());
    return r;
  }
  return detail::judge(std::move(r), claimed.transpose(), reference.transpose(),
                       Eigen::MatrixXd::Zero(1, reference.size()), detail::ClaimKind::value, "value");
}

}  // namespace gradcheck
