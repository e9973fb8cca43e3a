// report/report.hpp: the reports of a run: JSON (the full record), Markdown,
// HTML (tables and step-size plots, for people) and JUnit XML (for CI).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/run_case.hpp"

namespace gradcheck::runner {


struct RunInfo {
  std::uint64_t seed = 0;
  std::string fixture;       ///< path of the fixture used, or empty
  std::string command_line;  ///< how the run was invoked
  double seconds = 0.0;      ///< wall-clock time of the run (JUnit only; the JSON stays reproducible)
};

/// The trial a report shows in detail (worst-entry table, step-size plot):
/// the failed trial with the largest error/allowance ratio if the formula
/// failed, else the trial with the largest ratio. An index into
/// `report.trials`, or -1 if there are none.
int worst_trial(const CaseReport& report);

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
std::vector<EntryRow> worst_entries(const Judgement& j, const std::vector<Block>& layout, ProblemKind kind,
                                    std::size_t k = 5);

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
std::optional<ExactSummary> exact_summary(const CaseReport& report);

/// The entry of `j` where the exact derivative is farthest from the finite
/// difference: `error` is |exact − numeric| and `ratio` error / allowance
/// (exact_vs_numeric when the check judged every entry). Empty without an
/// exact derivative or a compared entry.
std::optional<EntryRow> exact_worst_entry(const Judgement& j, const std::vector<Block>& layout, ProblemKind kind);

/// "exact_vs_numeric 3.2e+00 at U[3,1]: exact 0.5 vs numeric 0.25, allowance 1.0e-07" for a judgement
/// whose exact derivative disagrees with the finite difference.
std::string exact_disagreement_text(const Judgement& j, const std::vector<Block>& layout, ProblemKind kind);

/// "U[3,1]: analytic 0.5 vs numeric 0.25, error 2.500e-01 > allowance 1.000e-06"
/// for a judgement that compared entries (a control that passed has no
/// message of its own); the judgement's message otherwise.
std::string worst_entry_text(const Judgement& j);

/// Trials whose formula failed the same way: equal Diagnosis::key, or with
/// no diagnosis the same failure in the same block (or the same message).
/// Reports print one line per group. In the order of their first trial.
struct FailureGroup {
  std::size_t first = 0;            ///< index into CaseReport::trials
  std::vector<std::size_t> others;  ///< the group's other trials
  bool same_text = true;            ///< every trial's diagnosis (or message) reads alike
};
std::vector<FailureGroup> failure_groups(const CaseReport& report);
/// The failure of a judgement in one line: its diagnosis, then the message
/// in parentheses ("sign flip: ... (x[0]: claim -1.2 vs numeric 1.2, ...)").
std::string failure_text(const Judgement& j);
/// "the same in 19 more trials" (or "the same kind of failure in ..."); empty for a group of one.
std::string more_text(const FailureGroup& g);
/// The largest relative error of the formula over the trials that compared
/// entries; empty if none did (every claim of the wrong shape, or throwing).
std::optional<double> measured_rel_error(const CaseReport& report);

/// Indices into `report.trials` of the conclusive trials in which negative
/// control `c` was not rejected (and differed from the formula): the trials
/// that make the control "accepted" and the case fail.
std::vector<std::size_t> accepted_trials(const CaseReport& report, std::size_t c);

/// The whole run as JSON (schema documented in reports/README.md).
nlohmann::ordered_json to_json(const std::vector<CaseReport>& cases, const RunInfo& info);
/// A readable Markdown summary table plus the failures.
std::string to_markdown(const std::vector<CaseReport>& cases, const RunInfo& info);
/// A self-contained XHTML page (inline CSS and SVG, no scripts, nothing
/// fetched): summary table, per case the formula, the worst entries and the
/// error-against-step plot (CaseReport::curves), the negative controls and
/// the run's settings. Well-formed XML, so `xmllint --noout` checks it.
std::string to_html(const std::vector<CaseReport>& cases, const RunInfo& info);
/// JUnit XML: one testsuite per case, holding one testcase for the formula
/// and one per negative control; a failure names the worst entry and carries
/// the reproduce line.
std::string to_junit(const std::vector<CaseReport>& cases, const RunInfo& info);

/// Creates `dir` if missing and checks that a file can be created in it;
/// throws gradcheck::Error naming the path otherwise. Removes the temporaries
/// of write_atomically left behind by runs that were killed while writing
/// (found by their lock, see below), never those of a run still writing.
void prepare_report_dir(const std::filesystem::path& dir);
/// Writes `text` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then rename(), so readers see the old or the new report,
/// never half of one, even if the process is killed mid-write. Temporaries are
/// named ".<report>.tmp.<pid>.<unique>", created exclusively (O_EXCL) and held
/// under an exclusive flock() until renamed, so several runs, in any PID
/// namespaces, can write to one directory at once: each report left behind is
/// whole (that of whichever run renamed it last).
void write_atomically(const std::filesystem::path& path, const std::string& text);
/// The same for several files: every temporary is written before the first
/// rename, so a run killed while writing leaves each report either complete
/// and old or complete and new, and the window where they disagree is a few
/// renames wide.
void write_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

}  // namespace gradcheck::runner
