// report/summary.hpp: a case's verdict in a few lines of text, as `gradcheck
// run` prints it and the Boost.Test runner (checks/derivation_tests.cpp)
// reports it, and the totals of a run that every report states.
#pragma once

#include <string>
#include <vector>

#include "runner/run_case.hpp"

namespace gradcheck::report {

/// How many cases passed, failed or stayed inconclusive (CaseReport::verdict),
/// and how many of their negative controls were caught.
/// An inconclusive case (no trial judged) is counted apart from the failed ones.
struct Totals {
  int cases = 0, passed = 0, failed = 0, inconclusive = 0, controls = 0, caught = 0;
};
Totals totals(const std::vector<runner::CaseReport>& cases);

/// The case's summary, one line per fact, each ending in '\n': first
/// "PASS  <id> <notes> trials 20/20 ... controls rejected 3/3  seed 1", then
/// (indented) why it did not pass: each distinct failure, the first trial left
/// inconclusive, each control accepted or never rejected, each disagreement of
/// the exact derivative, with reproduce lines. With `colour` the verdict is
/// coloured for a terminal (green, red, amber); the columns line up either way.
std::string case_summary(const runner::CaseReport& r, bool colour = false);

}  // namespace gradcheck::report
