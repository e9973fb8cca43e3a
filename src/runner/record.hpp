// runner/record.hpp: a case's complete record, as the reports show it: its
// trials (run_case), how to reproduce them, the step curves of the trial the
// reports show in detail (step_curve.hpp) and the time it took. The CLI and
// the Boost.Test runner (checks/derivation_tests.cpp) both make it here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "runner/case.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"

namespace gradcheck::runner {

/// What a record holds besides the trials, and how its run is watched.
struct RecordOptions {
  std::optional<int> only_trial{};  ///< run this trial alone (`--trial`), else all of settings.trials
  std::string reproduce_flags{};    ///< CaseReport::reproduce_flags
  std::string reproduce_target{};   ///< CaseReport::reproduce_target; empty: "run <id>"
  /// Called with the number of trials done, as run_case calls it.
  std::function<void(int)> progress{};
};

/// Runs `c` (run_case) and completes its record: the reproduce flags and
/// target, the step curves of worst_trial (drawn again, step_curves), and
/// the wall-clock seconds of both. Throws as run_case does.
CaseReport record_case(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed,
                       const RecordOptions& options = {});

}  // namespace gradcheck::runner
