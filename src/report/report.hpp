// report/report.hpp: the reports of a run: JSON (the full record), Markdown,
// HTML (tables and step-size plots, for people) and JUnit XML (for CI). What
// they ask of a case's record is in queries.hpp, the terminal's summary in
// summary.hpp, how they are written to disk in atomic_write.hpp.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/run_case.hpp"

namespace gradcheck::report {

struct RunInfo {
  std::uint64_t seed = 0;
  std::string fixture;       ///< path of the fixture used, or empty
  std::string command_line;  ///< how the run was invoked
  double seconds = 0.0;      ///< wall-clock time of the run (JUnit only; the JSON stays reproducible)
};

/// The whole run as JSON (schema documented in reports/README.md).
nlohmann::ordered_json to_json(const std::vector<runner::CaseReport>& cases, const RunInfo& info);
/// A readable Markdown summary table plus the failures.
std::string to_markdown(const std::vector<runner::CaseReport>& cases, const RunInfo& info);
/// A self-contained XHTML page (inline CSS and SVG, no scripts, nothing
/// fetched): summary table, per case the formula, the worst entries and the
/// error-against-step plot (CaseReport::curves), the negative controls and
/// the run's settings. Well-formed XML, so `xmllint --noout` checks it.
std::string to_html(const std::vector<runner::CaseReport>& cases, const RunInfo& info);
/// JUnit XML: one testsuite per case, holding one testcase for the formula
/// and one per negative control; a failure names the worst entry and carries
/// the reproduce line.
std::string to_junit(const std::vector<runner::CaseReport>& cases, const RunInfo& info);

/// The time now in UTC, "2026-12-07T21:52:21Z": when a report was made.
std::string utc_now();
/// The row convention the JSON and Markdown reports state for `cases`: the
/// word2vec notes' when a built-in case ran (a formula file states its own).
std::string run_conventions(const std::vector<runner::CaseReport>& cases);

}  // namespace gradcheck::report
