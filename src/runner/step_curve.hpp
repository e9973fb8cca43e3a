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
#include "runner/curves.hpp"
#include "runner/settings.hpp"

namespace gradcheck::runner {

/// The relative steps of every curve: 10^-1, 10^-1.25, …, 10^-12.
std::vector<double> step_ladder();

/// The curves of trial `trial` of `c`. The judged point is drawn again by
/// run_trial (deterministic: the same generator and redraws as the run), so
/// this needs nothing recorded during the run. Never throws for a claim or f
/// that throws; such a curve gets a note.
StepCurves step_curves(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int trial);

}  // namespace gradcheck::runner
