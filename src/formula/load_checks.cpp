#include "formula/load_checks.hpp"

#include <fmt/format.h>

#include "formula/evaluate.hpp"
#include "formula/sample.hpp"
#include "gradcheck/random.hpp"

namespace gradcheck::formula {

void check_at_load(const Program& program, const FixedPoint* fixed) {
  // Its own generator: the trials' points (seed, id, trial) are not disturbed.
  Rng rng = trial_rng(0, program.source->name() + "/load", 0);
  for (int k = 0; k < load_points; ++k) {
    // Throws, positioned, for a distribution that cannot be sampled or
    // assumptions that no draw satisfies.
    const Point point = draw_point(program, rng, k, default_max_steps, max_draws, fixed);
    Evaluator e(program, point);
    std::vector<int> exprs{program.function};
    for (const ClaimDecl& c : program.claims) exprs.push_back(c.expr);
    for (const int expr : exprs) {
      try {
        e.evaluate(expr);
      } catch (const FormulaError& error) {
        // The same error at the same position, saying where it was found.
        const std::string at = describe_point(program, point);
        throw FormulaError(
            error.file(), error.position(),
            fmt::format("{} (at a point drawn at load{})", error.message(), at.empty() ? std::string() : ": " + at),
            error.source_line());
      }
    }
  }
}

}  // namespace gradcheck::formula
