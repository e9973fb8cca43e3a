#include "runner/report.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <system_error>

#include "gradcheck/error.hpp"

namespace gradcheck::runner {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

const char* const conventions =
    "Row convention (the homework code's outsideVectors): U is V x d and row w is u_w; s = U v_c; "
    "yhat = softmax(s); y = onehot(o); sigma(x) = 1/(1+e^-x). Matrices are flattened column-major; "
    "entries are named block[row,col].";

ordered_json settings_json(const CaseSettings& s) {
  ordered_json j;
  for_each_setting(s, [&](const char* name, const char* /*help*/, const auto& field) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, Range>) {
      j[name] = to_string(field);
    } else {
      j[name] = field;
    }
  });
  return j;
}

ordered_json judgement_json(const Judgement& j) {
  const CheckResult& r = j.result;
  ordered_json out;
  out["verdict"] = to_string(r.verdict);
  out["failure"] = to_string(r.failure);
  out["max_abs_error"] = r.max_abs_error;
  out["max_rel_error"] = r.max_rel_error;
  out["worst_entry"] = j.worst_entry;
  out["analytic"] = r.worst_analytic;
  out["numeric"] = r.worst_numeric;
  out["error"] = r.worst_error;
  out["allowance"] = r.worst_allowance;
  out["estimate"] = r.worst_estimate;
  out["inconclusive_entries"] = r.inconclusive_entries;
  out["evaluations"] = r.evaluations;
  out["message"] = r.message;
  return out;
}

ordered_json case_json(const CaseReport& report) {
  const CheckCase& c = *report.check_case;
  ordered_json j;
  j["id"] = c.id;
  j["notes"] = c.notes;
  j["description"] = c.description;
  j["convention"] = c.convention;
  j["formula"] = c.formula;
  j["seed"] = report.seed;
  j["verdict"] = to_string(report.verdict());
  j["settings"] = settings_json(report.settings);
  j["trials_run"] = report.trials.size();
  j["trials_passed"] = report.formula_passes();
  j["trials_failed"] = report.formula_failures();
  j["trials_inconclusive"] = report.inconclusive_trials();
  j["inconclusive_points"] = report.inconclusive_points();
  double worst_rel = 0.0;
  double worst_abs = 0.0;
  ordered_json trials = ordered_json::array();
  for (const TrialReport& t : report.trials) {
    worst_rel = std::max(worst_rel, t.formula.result.max_rel_error);
    worst_abs = std::max(worst_abs, t.formula.result.max_abs_error);
    ordered_json tj;
    tj["trial"] = t.trial;
    tj["point"] = t.point;
    tj["points_drawn"] = t.points;
    tj.update(judgement_json(t.formula));
    if (!t.formula.result.passed) tj["reproduce"] = report.reproduce(t.trial);
    trials.push_back(std::move(tj));
  }
  j["max_rel_error"] = worst_rel;
  j["max_abs_error"] = worst_abs;
  j["trial_results"] = std::move(trials);
  ordered_json controls = ordered_json::array();
  for (std::size_t k = 0; k < c.controls.size(); ++k) {
    ordered_json cj;
    cj["id"] = c.controls[k].id;
    cj["description"] = c.controls[k].description;
    const int rejected = report.control_rejections(k);
    cj["verdict"] = rejected == report.formula_passes() + report.formula_failures() ? "rejected" : "accepted";
    cj["trials_rejected"] = rejected;
    ordered_json per_trial = ordered_json::array();
    for (const TrialReport& t : report.trials) {
      ordered_json tj;
      tj["trial"] = t.trial;
      tj.update(judgement_json(t.controls[k]));
      tj["reproduce"] = report.reproduce(t.trial);
      per_trial.push_back(std::move(tj));
    }
    cj["trial_results"] = std::move(per_trial);
    controls.push_back(std::move(cj));
  }
  j["negative_controls"] = std::move(controls);
  return j;
}

std::string format_error(double v) { return fmt::format("{:.1e}", v); }

}  // namespace

std::string upper(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "PASS";
    case Verdict::fail:
      return "FAIL";
    case Verdict::inconclusive:
      return "INCONCLUSIVE";
  }
  return "?";
}

namespace {}  // namespace

ordered_json to_json(const std::vector<CaseReport>& cases, const RunInfo& info) {
  ordered_json j;
  j["tool"] = "gradcheck";
  j["version"] = GRADCHECK_VERSION;
  j["created"] = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
  j["command_line"] = info.command_line;
  j["seed"] = info.seed;
  j["fixture"] = info.fixture;
  j["conventions"] = conventions;
  int passed = 0;
  int inconclusive = 0;
  int controls = 0;
  int rejected = 0;
  ordered_json list = ordered_json::array();
  for (const CaseReport& r : cases) {
    passed += r.passed() ? 1 : 0;
    inconclusive += r.verdict() == Verdict::inconclusive ? 1 : 0;
    const int conclusive = r.formula_passes() + r.formula_failures();
    for (std::size_t k = 0; k < r.check_case->controls.size(); ++k) {
      ++controls;
      rejected += r.control_rejections(k) == conclusive ? 1 : 0;
    }
    list.push_back(case_json(r));
  }
  const int n = static_cast<int>(cases.size());
  j["summary"] = {{"cases", n},
                  {"passed", passed},
                  {"failed", n - passed - inconclusive},
                  {"inconclusive", inconclusive},
                  {"negative_controls", controls},
                  {"negative_controls_rejected", rejected},
                  {"verdict", passed == n ? "pass" : "fail"}};
  j["cases"] = std::move(list);
  return j;
}

std::string to_markdown(const std::vector<CaseReport>& cases, const RunInfo& info) {
  std::string md = "# gradcheck report\n\n";
  md += fmt::format("Seed {}; fixture `{}`; `{}`.\n\n{}\n\n", info.seed, info.fixture, info.command_line, conventions);
  md +=
      "| case | notes | verdict | trials passed | inconclusive points | largest rel. error | controls rejected | seed "
      "|\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  std::string failures;
  for (const CaseReport& r : cases) {
    const CheckCase& c = *r.check_case;
    double worst = 0.0;
    for (const auto& t : r.trials) worst = std::max(worst, t.formula.result.max_rel_error);
    int rejected = 0;
    const int conclusive = r.formula_passes() + r.formula_failures();
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      rejected += r.control_rejections(k) == conclusive ? 1 : 0;
    }
    md += fmt::format("| `{}` | {} | **{}** | {}/{} | {} | {} | {}/{} | {} |\n", c.id, c.notes, upper(r.verdict()),
                      r.formula_passes(), r.trials.size(), r.inconclusive_points(), format_error(worst), rejected,
                      c.controls.size(), r.seed);
    for (const auto& t : r.trials) {
      if (!t.formula.result.passed) {
        failures += fmt::format("- `{}` trial {} ({}): {}\n  reproduce: `{}`\n", c.id, t.trial, t.point,
                                t.formula.result.message, r.reproduce(t.trial));
      }
      for (std::size_t k = 0; k < c.controls.size(); ++k) {
        if (t.formula.result.verdict != Verdict::inconclusive && t.controls[k].result.verdict != Verdict::fail) {
          failures +=
              fmt::format("- `{}` negative control `{}` ({}) was ACCEPTED in trial {} ({})\n  reproduce: `{}`\n", c.id,
                          c.controls[k].id, c.controls[k].description, t.trial, t.point, r.reproduce(t.trial));
        }
      }
    }
  }
  md += "\n## Formulas\n\n";
  for (const CaseReport& r : cases) {
    md += fmt::format("- `{}` {}: {} ({})\n", r.check_case->id, r.check_case->notes, r.check_case->formula,
                      r.check_case->convention);
  }
  md += "\n## Failures\n\n" + (failures.empty() ? std::string("None.\n") : failures);
  return md;
}

void prepare_report_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw Error(fmt::format("report directory '{}' exists and is not a directory", dir.string()));
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create report directory '{}': {}", dir.string(), ec.message()));
  // Probe by creating a file: access(2) says yes to root even where writing fails.
  const fs::path probe = dir / fmt::format(".gradcheck-probe.{}", ::getpid());
  const bool writable = static_cast<bool>(std::ofstream(probe));
  fs::remove(probe, ec);
  if (!writable) throw Error(fmt::format("report directory '{}' is not writable", dir.string()));
}

void write_atomically(const fs::path& path, const std::string& text) {
  static std::atomic<unsigned> counter{0};
  const fs::path tmp =
      path.parent_path() / fmt::format(".{}.tmp.{}.{}", path.filename().string(), ::getpid(), counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw Error(fmt::format("cannot write report '{}'", path.string()));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error(fmt::format("cannot write report '{}': {}", path.string(), ec.message()));
  }
}

}  // namespace gradcheck::runner
