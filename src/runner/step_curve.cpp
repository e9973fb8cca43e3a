#include "runner/step_curve.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "runner/run_case.hpp"

namespace gradcheck::runner {
namespace {

constexpr int decades = 11;  // 1e-1 .. 1e-12
constexpr int per_decade = 4;

// |a − D(h)| at entry (i, j) of p for every relative step.
std::vector<double> curve_errors(const Problem& p, Eigen::Index i, Eigen::Index j, double analytic,
                                 const std::vector<double>& steps) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> errors;
  errors.reserve(steps.size());
  Eigen::VectorXd x = p.x;
  const double xj = x(j);
  for (const double h : steps) {
    // The same exact step as check.cpp: x_j ± h_j are representable.
    const volatile double up = xj + h * std::max(1.0, std::abs(xj));
    const double hj = up - xj;
    double error = nan;
    if (hj > 0.0) {
      try {
        x(j) = xj + hj;
        const Eigen::VectorXd plus = p.f(x);
        x(j) = xj - hj;
        const Eigen::VectorXd minus = p.f(x);
        if (i < plus.size() && i < minus.size()) {
          const double e = std::abs(analytic - (plus(i) - minus(i)) / (2.0 * hj));
          if (std::isfinite(e)) error = std::max(e, step_curve_floor);
        }
      } catch (...) {
        // f threw at this step: a gap in the curve, not a failed report.
      }
      x(j) = xj;
    }
    errors.push_back(error);
  }
  return errors;
}

StepCurve curve(std::string label, const Problem& p, const Judgement& judged, const std::vector<double>& steps) {
  StepCurve s;
  s.label = std::move(label);
  const CheckResult& r = judged.result;
  const Eigen::Index j = r.worst_input;
  if (j < 0 || j >= p.x.size() || r.analytic.cols() <= j) {
    s.note = r.message.empty() ? "no entry was compared" : r.message;
    return s;
  }
  // A gradient has one output; an elementwise function's entry is the diagonal.
  const Eigen::Index i = p.kind == ProblemKind::elementwise ? j : std::max<Eigen::Index>(r.worst_output, 0);
  if (r.analytic.rows() <= i) {
    s.note = "no entry was compared";
    return s;
  }
  s.entry = judged.worst_entry.empty() ? entry_name(p.layout, j) : judged.worst_entry;
  s.analytic = r.analytic(i, j);
  s.error = curve_errors(p, i, j, s.analytic, steps);
  return s;
}

}  // namespace

std::vector<double> step_ladder() {
  std::vector<double> steps;
  for (int k = 0; k <= decades * per_decade; ++k) {
    steps.push_back(std::pow(10.0, -1.0 - static_cast<double>(k) / per_decade));
  }
  return steps;
}

StepCurves step_curves(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int trial) {
  StepCurves out;
  out.trial = trial;
  out.steps = step_ladder();
  out.configured_step = settings.check.step;
  std::optional<Problem> judged;
  const TrialReport t = run_trial(c, settings, seed, trial, &judged);
  out.point = t.point;
  if (!judged) {
    out.note = "the point could not be drawn: " + t.formula.result.message;
    return out;
  }
  const Problem& p = *judged;
  if (p.kind == ProblemKind::value) {
    out.note = "a value identity: both sides are values, no derivative is taken, so there is no step to vary";
    return out;
  }
  out.allowance = t.formula.result.worst_allowance;
  out.formula = curve("formula", p, t.formula, out.steps);
  for (std::size_t k = 0; k < c.controls.size() && k < t.controls.size(); ++k) {
    out.controls.push_back(curve(c.controls[k].id, p, t.controls[k], out.steps));
  }
  return out;
}

}  // namespace gradcheck::runner
