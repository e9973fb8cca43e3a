// cli/calibrate_command.hpp: `gradcheck calibrate`, the command line's side:
// its options, the table it prints and its exit code. The measuring is the
// runner's (runner/calibrate.hpp).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <vector>

#include "runner/case.hpp"
#include "runner/settings.hpp"

namespace gradcheck::cli {

/// Options of `gradcheck calibrate` beyond the settings flags.
boost::program_options::options_description calibrate_options();

/// Prints, per case (each with its `settings`) and point scale: trials, false
/// failures, inconclusive points, negative controls caught and the
/// sensitivity. Returns the exit code: 0 if no false failure and every
/// control was caught, else 1. Throws gradcheck::Error on a bad --scales or
/// --sensitivity_trials.
int calibrate_command(const std::vector<const runner::CheckCase*>& cases,
                      const std::vector<runner::CaseSettings>& settings, std::uint64_t seed,
                      const boost::program_options::variables_map& vm);

}  // namespace gradcheck::cli
