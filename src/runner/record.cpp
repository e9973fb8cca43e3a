#include "runner/record.hpp"

#include <chrono>

#include "runner/step_curve.hpp"

namespace gradcheck::runner {

CaseReport record_case(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed,
                       const RecordOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  CaseReport r = run_case(c, settings, seed, options.only_trial, options.progress);
  r.reproduce_flags = options.reproduce_flags;
  r.reproduce_target = options.reproduce_target;
  // The plot of the HTML report: the trial shown in detail, drawn again.
  if (const int w = worst_trial(r); w >= 0) {
    r.curves = step_curves(c, settings, seed, r.trials[static_cast<std::size_t>(w)].trial);
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return r;
}

}  // namespace gradcheck::runner
