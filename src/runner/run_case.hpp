// runner/run_case.hpp: run a case's trials; judge the formula and its controls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gradcheck/result.hpp"
#include "runner/case.hpp"
#include "runner/settings.hpp"

namespace gradcheck::runner {

/// One claim judged at one point, with its worst entry named by the layout.
struct Judgement {
  CheckResult result;
  std::string worst_entry;  ///< "U[3,1]"; empty if no entry was compared
};

struct TrialReport {
  int trial = 0;
  /// Points drawn: 1, plus one per redraw after an INCONCLUSIVE point.
  int points = 1;
  /// The last point drawn (the one judged below).
  std::string point;
  Judgement formula;
  std::vector<Judgement> controls;  ///< in the order of CheckCase::controls
};

struct CaseReport {
  const CheckCase* check_case = nullptr;
  CaseSettings settings;
  std::uint64_t seed = 0;
  std::vector<TrialReport> trials;

  /// Flags that were set on the command line, repeated in reproduce lines.
  std::string reproduce_flags;

  /// Trials in which the formula passed / failed / stayed inconclusive.
  int formula_passes() const;
  int formula_failures() const;
  int inconclusive_trials() const;
  /// Points judged INCONCLUSIVE and redrawn, over all trials.
  int inconclusive_points() const;
  /// Conclusive trials (formula PASS or FAIL) in which control c was rejected.
  int control_rejections(std::size_t c) const;
  /// FAIL if the formula failed in any trial or a control was not rejected in
  /// a conclusive trial; else INCONCLUSIVE if no trial was conclusive; else PASS.
  Verdict verdict() const;
  bool passed() const { return verdict() == Verdict::pass; }
  /// The command line that re-runs trial `trial` alone.
  std::string reproduce(int trial) const;
};

/// Runs `settings.trials` trials (or only trial `only_trial`) of `c`.
/// Never throws for a failing formula or control; an exception while drawing
/// a point is recorded as that trial's failure.
CaseReport run_case(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed,
                    std::optional<int> only_trial = std::nullopt);

/// Judges one claim on a problem (exposed for tests).
Judgement judge_claim(const Problem& p, const Claim& claim, const CheckOptions& options);

}  // namespace gradcheck::runner
