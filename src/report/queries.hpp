// report/queries.hpp: what the reports ask of a case's record: its worst
// entries, the second opinion (the exact derivative), its failures grouped
// by kind, and the controls it accepted. Each report formats the answers.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "runner/run_case.hpp"

namespace gradcheck::report {

/// One entry of a judged claim, named by the layout ("U[3,1]").
struct EntryRow {
  std::string entry;
  double analytic = 0.0;
  double numeric = 0.0;
  double error = 0.0;
  double allowance = 0.0;
  double ratio = 0.0;  ///< error / allowance: above 1 fails
  /// The exact (AD) derivative of this entry, the second opinion; NaN when
  /// the judgement has none.
  double exact = std::numeric_limits<double>::quiet_NaN();
};
/// The `k` entries of `j` with the largest error/allowance, worst first, named
/// by `layout` (a gradient's or value's coordinate; an elementwise Jacobian's
/// diagonal only). Empty when nothing was compared (wrong shape, exception).
std::vector<EntryRow> worst_entries(const runner::Judgement& j, const std::vector<runner::Block>& layout,
                                    runner::ProblemKind kind, std::size_t k = 5);
/// The exact (AD) derivative at the worst entry of `r`, NaN without one.
double worst_exact(const CheckResult& r);

/// The second opinion of a case's formula over its trials (trials whose
/// judgement carries an exact derivative, CheckResult::exact).
struct ExactSummary {
  int trials = 0;                  ///< trials with an exact derivative
  double exact_vs_numeric = 0.0;   ///< largest over those trials (NaN ratios skipped)
  double exact_vs_analytic = 0.0;  ///< largest over those trials (NaN ratios skipped)
  /// Trials whose exact derivative and finite difference disagree beyond the
  /// allowance (exact_vs_numeric > 1), as indices into CaseReport::trials.
  std::vector<std::size_t> disagreements;
};
/// Empty when no trial of the formula had an exact derivative.
std::optional<ExactSummary> exact_summary(const runner::CaseReport& report);
/// The trials of ExactSummary::disagreements (none without an exact derivative).
std::vector<const runner::TrialReport*> disagreeing_trials(const runner::CaseReport& report);

/// The entry of `j` where the exact derivative is farthest from the finite
/// difference: `error` is |exact − numeric| and `ratio` error / allowance
/// (exact_vs_numeric when the check judged every entry). Empty without an
/// exact derivative or a compared entry.
std::optional<EntryRow> exact_worst_entry(const runner::Judgement& j, const std::vector<runner::Block>& layout,
                                          runner::ProblemKind kind);

/// "exact_vs_numeric 3.2e+00 at U[3,1]: exact 0.5 vs numeric 0.25, allowance 1.0e-07" for a judgement
/// whose exact derivative disagrees with the finite difference.
std::string exact_disagreement_text(const runner::Judgement& j, const std::vector<runner::Block>& layout,
                                    runner::ProblemKind kind);

/// "U[3,1]: analytic 0.5 vs numeric 0.25, error 2.500e-01 > allowance 1.000e-06"
/// for a judgement that compared entries (a control that passed has no
/// message of its own); the judgement's message otherwise.
std::string worst_entry_text(const runner::Judgement& j);

/// Trials whose formula failed the same way: equal Diagnosis::key, or with
/// no diagnosis the same failure in the same block (or the same message).
/// Reports print one line per group. In the order of their first trial.
struct FailureGroup {
  std::size_t first = 0;            ///< index into CaseReport::trials
  std::vector<std::size_t> others;  ///< the group's other trials
  bool same_text = true;            ///< every trial's diagnosis (or message) reads alike
};
std::vector<FailureGroup> failure_groups(const runner::CaseReport& report);
/// The failure of a judgement in one line: its diagnosis, then the message
/// in parentheses ("sign flip: ... (x[0]: claim -1.2 vs numeric 1.2, ...)").
std::string failure_text(const runner::Judgement& j);
/// "the same in 19 more trials" (or "the same kind of failure in ..."); empty for a group of one.
std::string more_text(const FailureGroup& g);
/// The largest relative error of the formula over the trials that compared
/// entries; empty if none did (every claim of the wrong shape, or throwing).
std::optional<double> measured_rel_error(const runner::CaseReport& report);

/// Negative control `c` was not rejected in trial `t`, which was conclusive,
/// and differed from the formula there: a trial that makes the control
/// "accepted" and the case fail (CaseReport::control_caught).
bool control_accepted(const runner::TrialReport& t, std::size_t c);
/// Indices into `report.trials` of the trials in which control `c` was accepted.
std::vector<std::size_t> accepted_trials(const runner::CaseReport& report, std::size_t c);

}  // namespace gradcheck::report
