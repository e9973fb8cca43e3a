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

#include <optional>
#include <string>
#include <vector>

#include "formula/ast.hpp"
#include "formula/evaluate.hpp"
#include "gradcheck/random.hpp"

namespace gradcheck::formula {

inline constexpr int max_draws = 10'000;

/// Values a point file fixes (gradcheck formula --point): a dimension or a
/// parameter with a value is taken as it is; the others are drawn as usual.
struct FixedPoint {
  std::string file;                                    ///< where the values come from, for messages
  std::vector<std::optional<long>> dims;               ///< by Program::dims
  std::vector<std::optional<Eigen::MatrixXd>> params;  ///< by Program::params, of the dimensions' shapes
  /// Every parameter is given: every trial is the same point.
  bool complete() const;
};

/// Throws FormulaError if no draw (of at most `draws`) satisfies the assumptions.
/// `fixed`, if given, supplies the values it holds.
Point draw_point(const Program& program, Rng& rng, int trial, long max_steps = default_max_steps, int draws = max_draws,
                 const FixedPoint* fixed = nullptr);

/// "V=7 d=3 o=2 w=[1, 4, 4]": the dimensions and the indices (real values are
/// left out: the trial's seed reproduces them).
std::string describe_point(const Program& program, const Point& point);

}  // namespace gradcheck::formula
