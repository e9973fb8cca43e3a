#include "report/report.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
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

// A formula file's settings leave out those that do not apply to it (the sizes of the built-in cases).
ordered_json settings_json(const CaseSettings& s, bool formula_file) {
  ordered_json j;
  for_each_setting(s, [&](const Setting& setting, const auto& field) {
    if (formula_file && !setting.applies_to.formula_files) return;
    const char* name = setting.name;
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, Range>) {
      j[name] = to_string(field);
    } else if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, Mode>) {
      j[name] = gradcheck::to_string(field);
    } else if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, EntryNames>) {
      ordered_json names = ordered_json::array();
      for (const auto& e : field.entries) names.push_back(to_string(e));
      j[name] = std::move(names);
    } else {
      j[name] = field;
    }
  });
  return j;
}

// A number, or null where there is none (NaN: a second opinion not computed or not comparable).
ordered_json number_or_null(double v) { return std::isnan(v) ? ordered_json(nullptr) : ordered_json(v); }

// The exact (AD) derivative at the worst entry, NaN without one.
double worst_exact(const CheckResult& r) {
  if (r.worst_input < 0 || r.worst_output < 0 || r.worst_output >= r.exact.rows() || r.worst_input >= r.exact.cols()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return r.exact(r.worst_output, r.worst_input);
}

ordered_json judgement_json(const Judgement& j) {
  const CheckResult& r = j.result;
  const bool has_exact = r.exact.size() > 0;
  ordered_json out;
  out["verdict"] = to_string(r.verdict);
  out["failure"] = to_string(r.failure);
  out["max_abs_error"] = r.max_abs_error;
  out["max_rel_error"] = r.max_rel_error;
  // The second opinion (null without one): the finite difference against the
  // exact derivative, and the claim against the exact derivative.
  out["exact_vs_numeric"] = has_exact ? number_or_null(r.exact_vs_numeric) : ordered_json(nullptr);
  out["exact_vs_analytic"] = has_exact ? number_or_null(r.exact_vs_analytic) : ordered_json(nullptr);
  out["worst_entry"] = j.worst_entry;
  out["analytic"] = r.worst_analytic;
  out["numeric"] = r.worst_numeric;
  out["exact"] = number_or_null(worst_exact(r));
  out["error"] = r.worst_error;
  out["allowance"] = r.worst_allowance;
  out["estimate"] = r.worst_estimate;
  out["inconclusive_entries"] = r.inconclusive_entries;
  out["mode"] = to_string(r.options.mode);  // as the check ran: auto resolved to full or directional
  out["evaluations"] = r.evaluations;
  out["message"] = r.message;
  out["diagnosis"] = j.diagnosis ? ordered_json(j.diagnosis->text) : ordered_json(nullptr);
  return out;
}

// NaN (a gap in a curve) is written as null.
ordered_json curves_json(const StepCurves& s) {
  ordered_json j;
  j["trial"] = s.trial;
  j["point"] = s.point;
  j["note"] = s.note;
  j["steps"] = s.steps;
  j["configured_step"] = s.configured_step;
  j["allowance"] = s.allowance;
  const auto curve = [](const StepCurve& c) {
    return ordered_json{
        {"label", c.label}, {"entry", c.entry}, {"analytic", c.analytic}, {"error", c.error}, {"note", c.note}};
  };
  j["formula"] = curve(s.formula);
  ordered_json controls = ordered_json::array();
  for (const StepCurve& c : s.controls) controls.push_back(curve(c));
  j["controls"] = std::move(controls);
  return j;
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
  j["settings"] = settings_json(report.settings, c.formula_file);
  j["precision"] = c.precision;
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
  const std::optional<ExactSummary> exact = exact_summary(report);
  j["exact_vs_numeric"] = exact ? ordered_json(exact->exact_vs_numeric) : ordered_json(nullptr);
  j["exact_vs_analytic"] = exact ? ordered_json(exact->exact_vs_analytic) : ordered_json(nullptr);
  j["exact_disagreements"] = exact ? exact->disagreements.size() : 0U;
  j["trial_results"] = std::move(trials);
  ordered_json controls = ordered_json::array();
  for (std::size_t k = 0; k < c.controls.size(); ++k) {
    ordered_json cj;
    cj["id"] = c.controls[k].id;
    cj["description"] = c.controls[k].description;
    const int rejected = report.control_rejections(k);
    cj["verdict"] = report.control_caught(k) ? "rejected" : "accepted";
    cj["trials_indistinguishable"] = report.control_indistinguishable(k);
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
  if (const int w = worst_trial(report); w >= 0) {
    const TrialReport& t = report.trials[static_cast<std::size_t>(w)];
    ordered_json wj;
    wj["trial"] = t.trial;
    wj["point"] = t.point;
    wj["reproduce"] = report.reproduce(t.trial);
    ordered_json entries = ordered_json::array();
    for (const EntryRow& e : worst_entries(t.formula, t.layout, t.kind)) {
      entries.push_back({{"entry", e.entry},
                         {"analytic", e.analytic},
                         {"numeric", e.numeric},
                         {"exact", number_or_null(e.exact)},
                         {"error", e.error},
                         {"allowance", e.allowance}});
    }
    wj["worst_entries"] = std::move(entries);
    j["worst_trial"] = std::move(wj);
  }
  if (report.curves) j["step_curve"] = curves_json(*report.curves);
  return j;
}

std::string format_error(double v) { return fmt::format("{:.1e}", v); }

// The word2vec notes' convention, when a built-in case ran; a formula file
// states its own (cases[].convention).
std::string run_conventions(const std::vector<CaseReport>& cases) {
  const bool builtin =
      std::any_of(cases.begin(), cases.end(), [](const CaseReport& r) { return !r.check_case->formula_file; });
  return builtin ? std::string(conventions)
                 : std::string(
                       "Each formula file states its own convention (under Formulas). Matrices are flattened "
                       "column-major; entries are named block[row,col], indices 0-based.");
}

}  // namespace

int worst_trial(const CaseReport& report) {
  int worst = -1;
  for (std::size_t k = 0; k < report.trials.size(); ++k) {
    const CheckResult& r = report.trials[k].formula.result;
    if (worst < 0) {
      worst = static_cast<int>(k);
      continue;
    }
    const CheckResult& w = report.trials[static_cast<std::size_t>(worst)].formula.result;
    const bool failed = r.verdict == Verdict::fail;
    const bool worst_failed = w.verdict == Verdict::fail;
    if (failed != worst_failed ? failed : r.worst_ratio > w.worst_ratio) worst = static_cast<int>(k);
  }
  return worst;
}

namespace {

// exact(row, col) when the judgement has an exact derivative of its shape, else NaN.
double exact_at(const CheckResult& r, Eigen::Index row, Eigen::Index col) {
  if (r.exact.rows() != r.analytic.rows() || r.exact.cols() != r.analytic.cols()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return r.exact(row, col);
}

}  // namespace

std::optional<ExactSummary> exact_summary(const CaseReport& report) {
  ExactSummary s;
  for (std::size_t k = 0; k < report.trials.size(); ++k) {
    const CheckResult& r = report.trials[k].formula.result;
    if (r.exact.size() == 0) continue;
    ++s.trials;
    if (!std::isnan(r.exact_vs_numeric)) s.exact_vs_numeric = std::max(s.exact_vs_numeric, r.exact_vs_numeric);
    if (!std::isnan(r.exact_vs_analytic)) s.exact_vs_analytic = std::max(s.exact_vs_analytic, r.exact_vs_analytic);
    if (r.exact_vs_numeric > 1.0) s.disagreements.push_back(k);
  }
  if (s.trials == 0) return std::nullopt;
  return s;
}

std::optional<EntryRow> exact_worst_entry(const Judgement& j, const std::vector<Block>& layout, ProblemKind kind) {
  const CheckResult& r = j.result;
  const Eigen::MatrixXd& e = r.exact;
  if (e.size() == 0 || e.rows() != r.analytic.rows() || e.cols() != r.analytic.cols() || r.numeric.rows() != e.rows() ||
      r.numeric.cols() != e.cols() || r.allowance.rows() != e.rows() || r.allowance.cols() != e.cols()) {
    return std::nullopt;
  }
  std::optional<EntryRow> worst;
  for (Eigen::Index col = 0; col < e.cols(); ++col) {
    for (Eigen::Index row = 0; row < e.rows(); ++row) {
      if (kind == ProblemKind::elementwise && row != col) continue;
      const double n = r.numeric(row, col);
      const double allowance = r.allowance(row, col);
      if (!std::isfinite(n) || !std::isfinite(allowance)) continue;
      const double error = std::abs(e(row, col) - n);
      const double ratio = allowance > 0.0 ? error / allowance : (error > 0.0 ? HUGE_VAL : 0.0);
      if (!worst || ratio > worst->ratio) {
        worst = EntryRow{entry_name(layout, col), r.analytic(row, col), n, error, allowance, ratio, e(row, col)};
      }
    }
  }
  return worst;
}

std::string exact_disagreement_text(const Judgement& j, const std::vector<Block>& layout, ProblemKind kind) {
  const std::optional<EntryRow> e = exact_worst_entry(j, layout, kind);
  if (!e) return "no exact derivative to compare";
  return fmt::format(
      "exact_vs_numeric {:.1e} at {}: exact {:.10g} vs numeric {:.10g}, error {:.3e} {} allowance {:.3e}",
      j.result.exact_vs_numeric, e->entry, e->exact, e->numeric, e->error,
      e->error > e->allowance ? ">" : "<=", e->allowance);
}

std::vector<EntryRow> worst_entries(const Judgement& j, const std::vector<Block>& layout, ProblemKind kind,
                                    std::size_t k) {
  const CheckResult& r = j.result;
  std::vector<EntryRow> rows;
  if (r.numeric.rows() != r.analytic.rows() || r.numeric.cols() != r.analytic.cols() ||
      r.allowance.rows() != r.analytic.rows() || r.allowance.cols() != r.analytic.cols()) {
    return rows;
  }
  for (Eigen::Index col = 0; col < r.analytic.cols(); ++col) {
    for (Eigen::Index row = 0; row < r.analytic.rows(); ++row) {
      // Columns are coordinates (full), the sampled coordinates, or directions.
      const Eigen::Index input = r.inputs.empty() ? col : r.inputs[static_cast<std::size_t>(col)];
      if (kind == ProblemKind::elementwise && input >= 0 && row != input) continue;  // off the diagonal both are 0
      const double a = r.analytic(row, col);
      const double n = r.numeric(row, col);
      const double allowance = r.allowance(row, col);
      if (!std::isfinite(n) || !std::isfinite(allowance)) continue;  // not judged (x + h == x, ...)
      const double error = std::abs(a - n);
      const double ratio = allowance > 0.0 ? error / allowance : (error > 0.0 ? HUGE_VAL : 0.0);
      rows.push_back({input >= 0 ? entry_name(layout, input) : fmt::format("direction {}", col), a, n, error, allowance,
                      ratio, exact_at(r, row, col)});
    }
  }
  // Stable: ties keep the layout's order, so the same seed gives the same table.
  std::stable_sort(rows.begin(), rows.end(), [](const EntryRow& x, const EntryRow& y) { return x.ratio > y.ratio; });
  rows.resize(std::min(k, rows.size()));
  return rows;
}

std::string worst_entry_text(const Judgement& j) {
  const CheckResult& r = j.result;
  if (j.worst_entry.empty()) return r.message.empty() ? std::string("no entry was compared") : r.message;
  return fmt::format("{}: analytic {:.10g} vs numeric {:.10g}, error {:.3e} {} allowance {:.3e}", j.worst_entry,
                     r.worst_analytic, r.worst_numeric, r.worst_error,
                     r.worst_error > r.worst_allowance ? ">" : "<=", r.worst_allowance);
}

namespace {

// The group a failed judgement belongs to (see FailureGroup).
std::string failure_key(const Judgement& j) {
  if (j.diagnosis) return j.diagnosis->key;
  const CheckResult& r = j.result;
  if (r.failure == Failure::wrong_value) return "wrong_value " + j.worst_entry.substr(0, j.worst_entry.find('['));
  return std::string(to_string(r.failure)) + " " + r.message;
}

std::string group_text(const Judgement& j) { return j.diagnosis ? j.diagnosis->text : j.result.message; }

}  // namespace

std::vector<FailureGroup> failure_groups(const CaseReport& report) {
  std::vector<FailureGroup> groups;
  std::vector<std::string> keys;
  for (std::size_t k = 0; k < report.trials.size(); ++k) {
    const Judgement& j = report.trials[k].formula;
    if (j.result.verdict != Verdict::fail) continue;
    const std::string key = failure_key(j);
    const auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(key);
      groups.push_back({k, {}, true});
      continue;
    }
    FailureGroup& g = groups[static_cast<std::size_t>(it - keys.begin())];
    g.others.push_back(k);
    g.same_text = g.same_text && group_text(j) == group_text(report.trials[g.first].formula);
  }
  return groups;
}

std::string failure_text(const Judgement& j) {
  const std::string& message = j.result.message;
  if (!j.diagnosis || j.diagnosis->text == message) return message;
  return message.empty() ? j.diagnosis->text : fmt::format("{} ({})", j.diagnosis->text, message);
}

std::string more_text(const FailureGroup& g) {
  if (g.others.empty()) return {};
  const std::size_t n = g.others.size();
  return fmt::format("{} in {} more trial{}", g.same_text ? "the same" : "the same kind of failure", n,
                     n == 1 ? "" : "s");
}

std::optional<double> measured_rel_error(const CaseReport& report) {
  std::optional<double> worst;
  for (const TrialReport& t : report.trials) {
    const CheckResult& r = t.formula.result;
    if (r.numeric.size() == 0 || r.numeric.rows() != r.analytic.rows() || r.numeric.cols() != r.analytic.cols()) {
      continue;
    }
    worst = std::max(worst.value_or(0.0), r.max_rel_error);
  }
  return worst;
}

std::vector<std::size_t> accepted_trials(const CaseReport& report, std::size_t c) {
  std::vector<std::size_t> trials;
  for (std::size_t k = 0; k < report.trials.size(); ++k) {
    const TrialReport& t = report.trials[k];
    if (t.formula.result.verdict == Verdict::inconclusive) continue;
    if (t.controls[c].result.verdict != Verdict::fail && !t.controls[c].indistinguishable) trials.push_back(k);
  }
  return trials;
}

ordered_json to_json(const std::vector<CaseReport>& cases, const RunInfo& info) {
  ordered_json j;
  j["tool"] = "gradcheck";
  j["version"] = GRADCHECK_VERSION;
  j["created"] = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
  j["command_line"] = info.command_line;
  j["seed"] = info.seed;
  j["fixture"] = info.fixture;
  j["conventions"] = run_conventions(cases);
  int passed = 0;
  int inconclusive = 0;
  int controls = 0;
  int rejected = 0;
  ordered_json list = ordered_json::array();
  for (const CaseReport& r : cases) {
    passed += r.passed() ? 1 : 0;
    inconclusive += r.verdict() == Verdict::inconclusive ? 1 : 0;
    controls += static_cast<int>(r.check_case->controls.size());
    rejected += r.controls_caught();
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
  md += fmt::format("Seed {}; fixture {}; `{}`.\n\n{}\n\n", info.seed,
                    info.fixture.empty() ? std::string("(none)") : "`" + info.fixture + "`", info.command_line,
                    run_conventions(cases));
  md +=
      "| case | notes | verdict | trials passed | inconclusive points | largest rel. error | exact vs numeric | "
      "controls rejected | seed |\n";
  md += "|---|---|---|---|---|---|---|---|---|\n";
  std::string failures;
  std::string inconclusive;
  std::string disagreements;
  for (const CaseReport& r : cases) {
    const CheckCase& c = *r.check_case;
    const std::optional<double> worst = measured_rel_error(r);
    const int rejected = r.controls_caught();
    const std::optional<ExactSummary> exact = exact_summary(r);
    md += fmt::format("| `{}` | {} | **{}** | {}/{} | {} | {} | {} | {}/{} | {} |\n", c.id, c.notes,
                      headline(r.verdict()), r.formula_passes(), r.trials.size(), r.inconclusive_points(),
                      worst ? format_error(*worst) : std::string("\u2014"),
                      exact ? format_error(exact->exact_vs_numeric) : std::string("\u2014"), rejected,
                      c.controls.size(), r.seed);
    if (exact) {
      for (const std::size_t k : exact->disagreements) {
        const TrialReport& t = r.trials[k];
        disagreements += fmt::format("- `{}` trial {} ({}), verdict {}: {}\n  reproduce: `{}`\n", c.id, t.trial,
                                     t.point, headline(t.formula.result.verdict),
                                     exact_disagreement_text(t.formula, t.layout, t.kind), r.reproduce(t.trial));
      }
    }
    // One line per distinct failure (failure_groups), as the terminal prints them.
    for (const FailureGroup& g : failure_groups(r)) {
      const TrialReport& t = r.trials[g.first];
      const std::string more = more_text(g);
      failures += fmt::format("- `{}` trial {} ({}): {}{}\n  reproduce: `{}`\n", c.id, t.trial, t.point,
                              failure_text(t.formula), more.empty() ? "" : "; " + more, r.reproduce(t.trial));
    }
    for (const auto& t : r.trials) {
      if (t.formula.result.verdict == Verdict::inconclusive) {
        inconclusive +=
            fmt::format("- `{}` trial {} ({}), {} point{} drawn: {}\n  reproduce: `{}`\n", c.id, t.trial, t.point,
                        t.points, t.points == 1 ? "" : "s", t.formula.result.message, r.reproduce(t.trial));
      }
      for (std::size_t k = 0; k < c.controls.size(); ++k) {
        if (t.formula.result.verdict != Verdict::inconclusive && t.controls[k].result.verdict != Verdict::fail &&
            !t.controls[k].indistinguishable) {
          failures +=
              fmt::format("- `{}` negative control `{}` ({}) was ACCEPTED in trial {} ({})\n  reproduce: `{}`\n", c.id,
                          c.controls[k].id, c.controls[k].description, t.trial, t.point, r.reproduce(t.trial));
        }
      }
    }
  }
  md += "\n## Formulas\n\n";
  for (const CaseReport& r : cases) {
    const CheckCase& c = *r.check_case;
    md += fmt::format("- `{}`{}: {}: {} ({}){}\n", c.id, c.notes.empty() ? "" : " " + c.notes, c.description, c.formula,
                      c.convention, c.precision == "double" ? "" : "; evaluated in " + c.precision);
  }
  md += "\n## Failures\n\n" + (failures.empty() ? std::string("None.\n") : failures);
  md +=
      "\n## Inconclusive trials\n\nTrials the numerics could not judge at any point drawn (neither a pass nor a "
      "failure).\n\n" +
      (inconclusive.empty() ? std::string("None.\n") : inconclusive);
  md +=
      "\n## Second opinion\n\n*exact vs numeric* is the largest |exact \u2212 numeric| / allowance over the trials, "
      "the exact derivative being forward-mode automatic differentiation of the same templated loss (\u2014: the case "
      "has none). Above 1 the finite difference and the exact derivative disagree beyond the allowance; the verdict "
      "is the finite difference's and is not changed.\n\n";
  md += disagreements.empty() ? std::string("No disagreement.\n") : disagreements;
  return md;
}

namespace {

// A temporary is named ".<report>.tmp.<pid>.<n>-<random>". The pid is for
// people; the random part makes the name unique even between processes that
// share a pid: runs in different PID namespaces (containers) or on different
// hosts (NFS) writing to one report directory. Whether a temporary's writer is
// alive is told by a lock, not by its pid (which means nothing outside its own
// namespace): the writer holds an exclusive flock() on the temporary from
// creating it until it is renamed into place or removed, and the kernel drops
// the lock when the writer dies, however it dies.
std::string temporary_name(const std::string& report) {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  return fmt::format(".{}.tmp.{}.{}-{:08x}", report, ::getpid(), counter++, salt);
}

// Whether `name` is a temporary of write_atomically: ".<name>.tmp.<pid>.<rest>".
bool is_temporary_name(const std::string& name) {
  const auto at = name.rfind(".tmp.");
  if (name.empty() || name[0] != '.' || at == std::string::npos || at == 0) return false;
  const char* first = name.data() + at + 5;
  const char* last = name.data() + name.size();
  long pid = 0;
  const auto [end, ec] = std::from_chars(first, last, pid);
  return ec == std::errc() && end != last && *end == '.' && pid > 0;
}

std::error_code last_error() { return {errno, std::generic_category()}; }

// A temporary file created by this process and locked until it is closed.
class Temporary {
 public:
  Temporary() = default;
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;
  Temporary(Temporary&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
  Temporary& operator=(Temporary&&) = delete;
  ~Temporary() { close(); }

  // Creates and locks a new temporary in `dir` for report `report`.
  static Temporary create(const fs::path& dir, const std::string& report, std::error_code& ec) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      Temporary t;
      t.path_ = dir / temporary_name(report);
      t.fd_ = ::open(t.path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (t.fd_ < 0) {
        if (errno == EEXIST) continue;
        ec = last_error();
        return {};
      }
      // Another run's clean-up may have taken the lock of the brand-new, still
      // unlocked file and be removing it: wait for the lock, then make sure the
      // name still leads to this file, or start again with a new one.
      while (::flock(t.fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
          ec = last_error();
          t.remove();
          return {};
        }
      }
      struct stat mine {};
      struct stat named {};
      if (::fstat(t.fd_, &mine) == 0 && ::lstat(t.path_.c_str(), &named) == 0 && mine.st_dev == named.st_dev &&
          mine.st_ino == named.st_ino) {
        ec.clear();
        return t;
      }
      t.close();  // removed under us: not ours to unlink any more
    }
    ec = std::make_error_code(std::errc::file_exists);
    return {};
  }

  const fs::path& path() const { return path_; }

  // Writes `text` and flushes it to disk.
  std::error_code write(const std::string& text) const {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return last_error();
      if (n == 0) return std::make_error_code(std::errc::io_error);
      done += static_cast<std::size_t>(n);
    }
    // fsync before rename: after a crash the name points to the whole new file
    // or the old one, not to an empty one (ext4, xfs).
    if (::fsync(fd_) != 0) return last_error();
    return {};
  }

  // After a successful rename the file is the report: only unlock it.
  void release() {
    path_.clear();
    close();
  }

  void remove() {
    if (!path_.empty()) ::unlink(path_.c_str());
    path_.clear();
    close();
  }

 private:
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  fs::path path_;
  int fd_ = -1;
};

// Removes the temporaries of runs that died while writing: those whose lock
// can be taken. A live writer's temporaries (locked) are left alone, whatever
// its pid or PID namespace.
void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path path = it->path();
    if (!is_temporary_name(path.filename().string())) continue;
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;  // renamed or removed meanwhile, or not a regular file of ours
    struct stat opened {};
    struct stat named {};
    // Still the same file under that name once locked: its writer is gone.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &opened) == 0 && ::lstat(path.c_str(), &named) == 0 &&
        opened.st_dev == named.st_dev && opened.st_ino == named.st_ino && S_ISREG(opened.st_mode)) {
      ::unlink(path.c_str());
    }
    ::close(fd);
  }
}

}  // namespace

void prepare_report_dir(const fs::path& dir) {
  if (dir.empty()) throw Error("report directory '' is invalid: expected the path of a directory");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw Error(fmt::format("report directory '{}' exists and is not a directory", dir.string()));
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create report directory '{}': {}", dir.string(), ec.message()));
  // Probe by creating a file: access(2) says yes to root even where writing fails.
  Temporary probe = Temporary::create(dir, "gradcheck-probe", ec);
  if (ec) {
    throw Error(fmt::format("report directory '{}' is not writable: cannot create a file in it ({})", dir.string(),
                            ec.message()));
  }
  probe.remove();
  remove_stale_temporaries(dir);
}

void write_atomically(const fs::path& path, const std::string& text) { write_atomically({{path, text}}); }

void write_atomically(const std::vector<std::pair<fs::path, std::string>>& files) {
  // Every temporary stays locked until all are renamed (or removed on an error).
  std::vector<Temporary> temporaries;
  temporaries.reserve(files.size());
  const auto clean_up = [&temporaries] {
    for (Temporary& t : temporaries) t.remove();
  };
  for (const auto& [path, text] : files) {
    std::error_code ec;
    temporaries.push_back(Temporary::create(path.parent_path(), path.filename().string(), ec));
    if (!ec) ec = temporaries.back().write(text);
    if (ec) {
      clean_up();
      throw Error(fmt::format("cannot write report '{}': {}", path.string(), ec.message()));
    }
  }
  for (std::size_t k = 0; k < files.size(); ++k) {
    std::error_code ec;
    fs::rename(temporaries[k].path(), files[k].first, ec);
    if (ec) {
      clean_up();
      throw Error(fmt::format("cannot write report '{}': {}", files[k].first.string(), ec.message()));
    }
    temporaries[k].release();
  }
}

}  // namespace gradcheck::runner
