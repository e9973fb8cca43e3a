// runner/step_curve.hpp: the error of a central difference against its step,
// for the plots of the HTML report.
//
// For entry (i, j) of a claim a at a point x, with relative step h and
//     h_j = h · max(1, |x_j|), rounded so that x_j ± h_j is exact (as check.hpp does),
//     D(h) = (f_i(x + h_j e_j) − f_i(x − h_j e_j)) / (2 h_j),
// the curve is |a_ij − D(h)| for h = 10^-1 … 10^-12. For a right formula it is
// V-shaped: truncation h²|f‴|/6 on the large-step side, rounding ε|f|/h on the
// small-step side, reaching down toward 1e-10 in between (near h ≈ ε^(1/3)
// when |f‴| ~ |f|; no truncation at all for a piecewise-linear f). For a wrong
// claim it has a flat floor at |a_ij − f′_ij|, whatever the step: no step
// size rescues a wrong formula, and none condemns a right one near the optimum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runner/case.hpp"
#include "runner/settings.hpp"

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

/// The relative steps of every curve: 10^-1, 10^-1.25, …, 10^-12.
std::vector<double> step_ladder();

/// The curves of trial `trial` of `c`. The judged point is drawn again by
/// run_trial (deterministic: the same generator and redraws as the run), so
/// this needs nothing recorded during the run. Never throws for a claim or f
/// that throws; such a curve gets a note.
StepCurves step_curves(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int trial);

}  // namespace gradcheck::runner
