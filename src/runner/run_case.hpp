// runner/run_case.hpp: run a case's trials; judge the formula and its controls.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gradcheck/result.hpp"
#include "runner/case.hpp"
#include "runner/curves.hpp"
#include "runner/diagnosis.hpp"
#include "runner/settings.hpp"

namespace gradcheck::runner {

/// One claim judged at one point, with its worst entry named by the layout.
struct Judgement {
  CheckResult result;
  std::string worst_entry;  ///< "U[3,1]"; empty if no entry was compared
  /// For a negative control: its claim equals the formula's within the
  /// formula's allowance at this point (e.g. σ where 1 − σ belongs at a score
  /// of 0, or any control at saturated scores where both round to the same
  /// numbers). No checker can reject it here, so the point does not count.
  bool indistinguishable = false;
  /// For a failed claim: what its wrong entries have in common, when a
  /// pattern fits (diagnosis.hpp); a wrong shape is always diagnosed.
  std::optional<Diagnosis> diagnosis{};
};

struct TrialReport {
  int trial = 0;
  /// Points drawn: 1, plus one per redraw after an INCONCLUSIVE point.
  int points = 1;
  /// The last point drawn (the one judged below).
  std::string point;
  Judgement formula;
  std::vector<Judgement> controls;  ///< in the order of CheckCase::controls
  /// Kind and layout of the judged point's problem: they name the entries of
  /// the judgements' matrices (entry_name), so reports need not redraw it.
  ProblemKind kind = ProblemKind::gradient;
  std::vector<Block> layout{};
};

struct CaseReport {
  const CheckCase* check_case = nullptr;
  CaseSettings settings;
  std::uint64_t seed = 0;
  std::vector<TrialReport> trials;

  /// Flags that were set on the command line, repeated in reproduce lines.
  std::string reproduce_flags;
  /// What reproduce lines re-run: "run <id>" by default, "formula <file>" for a formula file.
  std::string reproduce_target;
  /// Wall-clock seconds the trials took (set by record_case, for JUnit; not
  /// in the JSON, which stays byte-identical for the same seed).
  double seconds = 0.0;
  /// Error against step size at the trial the reports show in detail
  /// (worst_trial); set by record_case (record.hpp), empty otherwise.
  std::optional<StepCurves> curves{};

  /// Trials in which the formula passed / failed / stayed inconclusive.
  int formula_passes() const;
  int formula_failures() const;
  int inconclusive_trials() const;
  /// Points judged INCONCLUSIVE and redrawn, over all trials.
  int inconclusive_points() const;
  /// Conclusive trials (formula PASS or FAIL) in which control c was rejected.
  int control_rejections(std::size_t c) const;
  /// Conclusive trials in which control c was indistinguishable from the formula.
  int control_indistinguishable(std::size_t c) const;
  /// Control c was rejected at least once and in every conclusive trial where
  /// it differs from the formula.
  bool control_caught(std::size_t c) const;
  /// How many controls were caught.
  int controls_caught() const;
  /// FAIL if the formula failed in any trial, or a control was not rejected in
  /// a conclusive trial where it differs from the formula, or was never
  /// rejected; else INCONCLUSIVE if no trial was conclusive; else PASS.
  Verdict verdict() const;
  bool passed() const { return verdict() == Verdict::pass; }
  /// The command line that re-runs trial `trial` alone.
  std::string reproduce(int trial) const;
};

/// The trial the reports show in detail (worst-entry table, step-size plot):
/// the failed trial with the largest error/allowance ratio if the formula
/// failed, else the trial with the largest ratio. An index into
/// `report.trials`, or -1 if there are none.
int worst_trial(const CaseReport& report);

/// Runs `settings.trials` trials (or only trial `only_trial`) of `c`, each
/// by run_trial; `progress`, if set, is called with the number of trials done.
/// Never throws for a failing formula or control; an exception while drawing
/// a point is recorded as that trial's failure. Throws gradcheck::Error, before
/// any trial, if settings.entries names an entry the case lacks (check_entries).
CaseReport run_case(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed,
                    std::optional<int> only_trial = std::nullopt, const std::function<void(int)>& progress = {});

/// Trial `trial` of `c`: draws its point from trial_rng(seed, c.id, trial),
/// judges the formula and the controls there, and redraws from the same
/// generator while any of them is INCONCLUSIVE (at most settings.resample
/// times). Deterministic, so a trial can be judged again later; `judged`, if
/// given, receives the problem of the last point drawn (the one reported), or
/// is reset if drawing it threw.
TrialReport run_trial(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int trial,
                      std::optional<Problem>* judged = nullptr);

/// Judges one claim on a problem (exposed for tests). A sampled check draws
/// its coordinates per block of p.layout, and also judges `entries`.
Judgement judge_claim(const Problem& p, const Claim& claim, const CheckOptions& options,
                      const EntryNames& entries = {});

/// The layout of `c`'s smallest or largest point within `settings`
/// (CheckCase::bound_layout); empty for a case that compares values.
std::vector<Block> layout_at(const CheckCase& c, const CaseSettings& settings, Bound bound);

/// For mode auto, what the checks of `c` will do, printed before the run: the
/// mode and the evaluations of f gradcheck::plan predicts at the smallest and
/// the largest n, and around the switch from full to directional. Empty for
/// the other modes.
std::string plan_text(const CheckCase& c, const CaseSettings& settings);

/// Throws gradcheck::Error if `settings.entries` names an entry that `c`'s
/// smallest point (CheckCase::bound_layout) does not have: the run is
/// refused before any work rather than failing in the trials that draw it.
/// The message begins with `origin` (SettingsSource::origin: where the value
/// came from) and the value.
void check_entries(const CheckCase& c, const CaseSettings& settings, const std::string& origin = "entries = ");

}  // namespace gradcheck::runner
