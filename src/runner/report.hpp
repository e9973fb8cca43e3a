// runner/report.hpp: the JSON and Markdown reports of a run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/run_case.hpp"

namespace gradcheck::runner {

/// "PASS", "FAIL", "INCONCLUSIVE".
std::string upper(Verdict v);

struct RunInfo {
  std::uint64_t seed = 0;
  std::string fixture;       ///< path of the fixture used, or empty
  std::string command_line;  ///< how the run was invoked
};

/// The whole run as JSON (schema documented in reports/README.md).
nlohmann::ordered_json to_json(const std::vector<CaseReport>& cases, const RunInfo& info);
/// A readable Markdown summary table plus the failures.
std::string to_markdown(const std::vector<CaseReport>& cases, const RunInfo& info);

/// Creates `dir` if missing and checks that a file can be created in it;
/// throws gradcheck::Error naming the path otherwise.
void prepare_report_dir(const std::filesystem::path& dir);
/// Writes `text` to `path` atomically: a temporary file in the same directory,
/// then rename(), so readers see the old or the new report, never half of one.
void write_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace gradcheck::runner
