// runner/curves.hpp: the record of a trial's step curves (step_curve.hpp
// computes them; a CaseReport carries them to the HTML report).
#pragma once

#include <string>
#include <vector>

namespace gradcheck::runner {

/// Errors below this are drawn at it (log scale; an exact difference is 0).
inline constexpr double step_curve_floor = 1e-17;

/// One claim's curve at one entry.
struct StepCurve {
  std::string label;  ///< "formula" or the control's id
  std::string entry;  ///< the entry plotted, "U[3,1]"; empty when there is no curve
  double analytic = 0.0;
  /// |analytic − D(h)| per step of StepCurves::steps, floored at
  /// step_curve_floor; NaN where f was not finite or threw.
  std::vector<double> error;
  std::string note;  ///< why there is no curve (wrong shape, ...); empty otherwise
};

/// The curves of one trial: the formula at its worst entry (the largest
/// error/allowance) and each negative control at its own worst entry, all at
/// the same point, so they share the axes.
struct StepCurves {
  int trial = 0;
  std::string point;  ///< the point's description, as in TrialReport::point
  /// Relative steps h, four per decade from 1e-1 down to 1e-12.
  std::vector<double> steps;
  double configured_step = 0.0;  ///< CheckOptions::step of the run
  double allowance = 0.0;        ///< the formula's allowance at its worst entry
  StepCurve formula;
  std::vector<StepCurve> controls;  ///< in the order of CheckCase::controls
  /// Why there are no curves at all (a value identity, a point that could not
  /// be drawn); empty otherwise.
  std::string note;
};

}  // namespace gradcheck::runner
