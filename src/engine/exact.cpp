// exact.cpp: the comparison of gradcheck/autodiff.hpp's second opinion with
// a check's matrices (the forward-mode passes are templates, in the header;
// see gradcheck/detail/exact.hpp).
#include "gradcheck/detail/exact.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string>

namespace gradcheck::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void append_note(std::string& message, std::string_view note) {
  if (!message.empty()) message += "; ";
  message += note;
}

// "x[3]" for a gradient's (or a value's) row, "(i, j)" for a Jacobian.
std::string entry_text(const Eigen::MatrixXd& m, Eigen::Index i, Eigen::Index j) {
  return m.rows() == 1 ? fmt::format("x[{}]", j) : fmt::format("({}, {})", i, j);
}

}  // namespace

void attach_exact(CheckResult& r, const Eigen::MatrixXd& exact) {
  if (r.numeric.size() == 0 || r.allowance.size() == 0) return;
  r.exact = exact;
  r.exact_vs_numeric = nan;
  r.exact_vs_analytic = nan;
  if (exact.rows() != r.analytic.rows() || exact.cols() != r.analytic.cols()) {
    append_note(r.message, fmt::format("exact (AD) derivative has shape {}x{}, expected {}x{}: not compared",
                                       exact.rows(), exact.cols(), r.analytic.rows(), r.analytic.cols()));
    return;
  }
  for (Eigen::Index j = 0; j < exact.cols(); ++j) {
    for (Eigen::Index i = 0; i < exact.rows(); ++i) {
      if (!std::isfinite(exact(i, j))) {
        append_note(r.message, fmt::format("exact (AD) derivative entry {} is not finite ({}): not compared",
                                           entry_text(exact, i, j), exact(i, j)));
        return;
      }
    }
  }
  double vs_analytic = 0.0;
  double vs_numeric = 0.0;
  for (Eigen::Index j = 0; j < exact.cols(); ++j) {
    for (Eigen::Index i = 0; i < exact.rows(); ++i) {
      const double e = exact(i, j);
      const double a = r.analytic(i, j);
      const double scale = std::max(std::abs(a), std::abs(e));
      if (scale > 0.0) vs_analytic = std::max(vs_analytic, std::abs(a - e) / scale);
      // Judged entries: a finite difference and an allowance (x + h == x and
      // non-finite differences leave NaN), ratios as the check takes them.
      const double n = r.numeric(i, j);
      const double allowance = r.allowance(i, j);
      if (!std::isfinite(n) || !std::isfinite(allowance)) continue;
      const double error = std::abs(e - n);
      vs_numeric = std::max(vs_numeric, allowance > 0.0 ? error / allowance : (error > 0.0 ? HUGE_VAL : 0.0));
    }
  }
  r.exact_vs_analytic = vs_analytic;
  // An inconclusive entry (a kink, an unresolved estimate) keeps a finite
  // numeric value, and the result does not say which entry it is.
  r.exact_vs_numeric = r.inconclusive_entries > 0 ? nan : vs_numeric;
}

void note_exact_unavailable(CheckResult& r, std::string_view why) {
  r.exact.resize(0, 0);
  r.exact_vs_numeric = nan;
  r.exact_vs_analytic = nan;
  append_note(r.message, fmt::format("exact (AD) derivative unavailable: {}", why));
}

}  // namespace gradcheck::detail
