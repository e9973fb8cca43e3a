// formula/load_checks.hpp: problems that would fail every trial, found at load.
//
// A distribution that cannot be sampled (uniform(0, 0)), an `assume` that never
// holds, a loss or claim that cannot be evaluated at the points drawn: each
// would fail all 20 trials the same way. check_at_load draws a few points as
// the trials will (the same sampler, its own generator; first one with every
// dimension at its largest) and evaluates the
// function and the claims there, so that such a file is refused with ONE
// positioned error (exit 2) before any trial. A claim whose shape can never
// match its parameter's is refused earlier, by the shape checker.
#pragma once

#include "formula/ast.hpp"
#include "formula/sample.hpp"

namespace gradcheck::formula {

/// Random points drawn at load, after one with every dimension at its largest.
inline constexpr int load_points = 3;
/// Draws tried for the point at the largest sizes before it is given up.
inline constexpr int load_largest_draws = 100;

/// Throws FormulaError on the first problem found at load_points drawn points
/// (with `fixed`'s values where it has them: a point file).
void check_at_load(const Program& program, const FixedPoint* fixed = nullptr);

}  // namespace gradcheck::formula
