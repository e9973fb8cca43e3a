// formula/sample.hpp: drawing one trial's point for a formula file.
//
// Dimensions are drawn uniformly from their ranges, then each parameter in
// declaration order: real ones standard normal (or as its `~ normal(m, s)` /
// `~ uniform(lo, hi)` says), indices uniformly in [0, bound), index lists
// uniformly with repeats (or `distinct`, `excluding o`). A draw that breaks an
// `assume` (or asks for more distinct indices than there are) is redrawn, from
// the dimensions on, up to max_draws times. Only the generator given is used, so
// a trial is reproducible from (seed, id, trial).
#pragma once

#include <string>

#include "formula/ast.hpp"
#include "formula/evaluate.hpp"
#include "gradcheck/random.hpp"

namespace gradcheck::formula {

inline constexpr int max_draws = 10'000;

/// Throws FormulaError if no draw (of at most `draws`) satisfies the assumptions.
Point draw_point(const Program& program, Rng& rng, int trial, long max_steps = default_max_steps,
                 int draws = max_draws);

/// "V=7 d=3 o=2 w=[1, 4, 4]": the dimensions and the indices (real values are
/// left out: the trial's seed reproduces them).
std::string describe_point(const Program& program, const Point& point);

}  // namespace gradcheck::formula
