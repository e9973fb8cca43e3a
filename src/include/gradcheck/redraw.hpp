// gradcheck/redraw.hpp: redraw a point the check judged INCONCLUSIVE.
//
// INCONCLUSIVE says the numerics could not judge the formula at this point (a
// kink within the step, a loss that is not finite there, noise above the
// difference: check.hpp), neither a pass nor a failure. The answer is another
// point. The policy is the CLI runner's (`gradcheck run --resample N`), and it
// is this one function: draw a point and check there; while the verdict is
// INCONCLUSIVE and fewer than `resample` redraws were made, draw again from
// the same generator. A PASS or a FAIL ends it at once (a FAIL is never
// redrawn away), and so does the bound: the last point's INCONCLUSIVE stands.
#pragma once

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "gradcheck/random.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {

/// Redraws of an INCONCLUSIVE point by default: the CLI's `resample = 3`.
inline constexpr int default_resample = 3;

/// The policy itself: calls attempt(0), attempt(1), ... while it returns
/// Verdict::inconclusive, at most 1 + resample times; returns how many times
/// it called it (the points drawn). Throws gradcheck::Error unless 0 <= resample <= 100.
/// The CLI runner calls it with the verdicts of a formula and its controls.
int redraw_while_inconclusive(int resample, const std::function<Verdict(int attempt)>& attempt);

/// What check_redrawing returns: the check at the last point drawn, and every
/// point drawn, in order (the last is the one `result` judged).
template <class Point>
struct Redrawn {
  CheckResult result;
  std::vector<Point> points;
};

/// Draws a point with `draw(rng)` from Rng(seed), checks it with `check`, and
/// redraws by redraw_while_inconclusive(resample, ...). `check` is called
/// with the point (as a const reference) or, if it takes no argument, without
/// (when `draw` set the point in place, e.g. in gradcheck::Parameters, and
/// returned a copy of it such as Parameters::values()). The same seed draws
/// the same points.
template <class Draw, class Check>
auto check_redrawing(Draw&& draw, Check&& check, std::uint64_t seed, int resample = default_resample) {
  using Point = std::remove_cvref_t<std::invoke_result_t<Draw&, Rng&>>;
  Rng rng(seed);
  Redrawn<Point> out;
  redraw_while_inconclusive(resample, [&](int) {
    out.points.push_back(draw(rng));
    if constexpr (std::is_invocable_v<Check&, const Point&>) {
      out.result = check(std::as_const(out.points.back()));
    } else {
      out.result = check();
    }
    return out.result.verdict;
  });
  return out;
}

}  // namespace gradcheck
