#include "formula/load_checks.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "formula/evaluate.hpp"
#include "formula/sample.hpp"
#include "gradcheck/random.hpp"

namespace gradcheck::formula {

namespace {

// Evaluates the function and the claims at `point`, rethrowing an error with where it was found.
void evaluate_at(const Program& program, const Point& point) {
  Evaluator e(program, point);
  std::vector<int> exprs{program.function};
  for (const ClaimDecl& c : program.claims) exprs.push_back(c.expr);
  for (const int expr : exprs) {
    try {
      e.evaluate(expr);
    } catch (const FormulaError& error) {
      const std::string at = describe_point(program, point);
      throw FormulaError(
          error.file(), error.position(),
          fmt::format("{} (at a point drawn at load{})", error.message(), at.empty() ? std::string() : ": " + at),
          error.source_line());
    }
  }
}

}  // namespace

void check_at_load(const Program& program, const FixedPoint* fixed) {
  // Its own generator (the trials' points are not disturbed), seeded by the
  // file's name, not its path, so that a file draws the same points from anywhere.
  Rng rng = trial_rng(0, std::filesystem::path(program.source->name()).filename().string() + "/load", 0);
  // First every dimension at its largest (where a size-1 coincidence cannot
  // hide a mismatch), unless the assumptions rule that out; then random points.
  FixedPoint largest;
  largest.file = program.source->name();
  largest.params.assign(program.params.size(), std::nullopt);
  for (std::size_t k = 0; k < program.dims.size(); ++k) {
    const bool given = fixed != nullptr && fixed->dims[k].has_value();
    largest.dims.emplace_back(given ? *fixed->dims[k] : program.dims[k].hi);
  }
  if (fixed != nullptr) largest.params = fixed->params;
  std::optional<Point> first;
  try {
    first = draw_point(program, rng, 0, default_max_steps, load_largest_draws, &largest);
  } catch (const FormulaError&) {
    // Not at the largest sizes: the random points below judge the file.
  }
  if (first) evaluate_at(program, *first);
  for (int k = 0; k < load_points; ++k) {
    // Throws, positioned, for a distribution that cannot be sampled or
    // assumptions that no draw satisfies.
    evaluate_at(program, draw_point(program, rng, k, default_max_steps, max_draws, fixed));
  }
}

}  // namespace gradcheck::formula
