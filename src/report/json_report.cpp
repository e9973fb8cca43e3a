// The JSON report: the full record of a run, every trial of every case
// (fields documented in reports/README.md, held to src/tests/golden/json_keys.txt).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "report/queries.hpp"
#include "report/report.hpp"
#include "report/summary.hpp"

namespace gradcheck::report {

using namespace runner;
using nlohmann::ordered_json;

namespace {

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

ordered_json curve_json(const StepCurve& c) {
  return ordered_json{
      {"label", c.label}, {"entry", c.entry}, {"analytic", c.analytic}, {"error", c.error}, {"note", c.note}};
}

// NaN (a gap in a curve) is written as null.
ordered_json curves_json(const StepCurves& s) {
  ordered_json controls = ordered_json::array();
  for (const StepCurve& c : s.controls) controls.push_back(curve_json(c));
  return ordered_json{{"trial", s.trial},
                      {"point", s.point},
                      {"note", s.note},
                      {"steps", s.steps},
                      {"configured_step", s.configured_step},
                      {"allowance", s.allowance},
                      {"formula", curve_json(s.formula)},
                      {"controls", std::move(controls)}};
}

// Every trial's judgement of the formula, with the reproduce line of those that did not pass.
ordered_json formula_trials_json(const CaseReport& report) {
  ordered_json trials = ordered_json::array();
  for (const TrialReport& t : report.trials) {
    ordered_json tj;
    tj["trial"] = t.trial;
    tj["point"] = t.point;
    tj["points_drawn"] = t.points;
    tj.update(judgement_json(t.formula));
    if (!t.formula.result.passed) tj["reproduce"] = report.reproduce(t.trial);
    trials.push_back(std::move(tj));
  }
  return trials;
}

// Control `k`: its verdict over the case, and its judgement in every trial.
ordered_json control_json(const CaseReport& report, std::size_t k) {
  const ControlName& control = report.check_case->controls[k];
  ordered_json cj;
  cj["id"] = control.id;
  cj["description"] = control.description;
  cj["verdict"] = report.control_caught(k) ? "rejected" : "accepted";
  cj["trials_indistinguishable"] = report.control_indistinguishable(k);
  cj["trials_rejected"] = report.control_rejections(k);
  ordered_json per_trial = ordered_json::array();
  for (const TrialReport& t : report.trials) {
    ordered_json tj;
    tj["trial"] = t.trial;
    tj.update(judgement_json(t.controls[k]));
    tj["reproduce"] = report.reproduce(t.trial);
    per_trial.push_back(std::move(tj));
  }
  cj["trial_results"] = std::move(per_trial);
  return cj;
}

// The trial the HTML shows in detail (worst_trial), with its worst entries.
ordered_json worst_trial_json(const CaseReport& report, const TrialReport& t) {
  ordered_json entries = ordered_json::array();
  for (const EntryRow& e : worst_entries(t.formula, t.layout, t.kind)) {
    entries.push_back({{"entry", e.entry},
                       {"analytic", e.analytic},
                       {"numeric", e.numeric},
                       {"exact", number_or_null(e.exact)},
                       {"error", e.error},
                       {"allowance", e.allowance}});
  }
  return ordered_json{{"trial", t.trial},
                      {"point", t.point},
                      {"reproduce", report.reproduce(t.trial)},
                      {"worst_entries", std::move(entries)}};
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
  for (const TrialReport& t : report.trials) {
    worst_rel = std::max(worst_rel, t.formula.result.max_rel_error);
    worst_abs = std::max(worst_abs, t.formula.result.max_abs_error);
  }
  j["max_rel_error"] = worst_rel;
  j["max_abs_error"] = worst_abs;
  const std::optional<ExactSummary> exact = exact_summary(report);
  j["exact_vs_numeric"] = exact ? ordered_json(exact->exact_vs_numeric) : ordered_json(nullptr);
  j["exact_vs_analytic"] = exact ? ordered_json(exact->exact_vs_analytic) : ordered_json(nullptr);
  j["exact_disagreements"] = exact ? exact->disagreements.size() : 0U;
  j["trial_results"] = formula_trials_json(report);
  ordered_json controls = ordered_json::array();
  for (std::size_t k = 0; k < c.controls.size(); ++k) controls.push_back(control_json(report, k));
  j["negative_controls"] = std::move(controls);
  if (const int w = worst_trial(report); w >= 0) {
    j["worst_trial"] = worst_trial_json(report, report.trials[static_cast<std::size_t>(w)]);
  }
  if (report.curves) j["step_curve"] = curves_json(*report.curves);
  return j;
}

}  // namespace

ordered_json to_json(const std::vector<CaseReport>& cases, const RunInfo& info) {
  ordered_json j;
  j["tool"] = "gradcheck";
  j["version"] = GRADCHECK_VERSION;
  j["created"] = utc_now();
  j["command_line"] = info.command_line;
  j["seed"] = info.seed;
  j["fixture"] = info.fixture;
  j["conventions"] = run_conventions(cases);
  ordered_json list = ordered_json::array();
  for (const CaseReport& r : cases) list.push_back(case_json(r));
  const Totals t = totals(cases);
  j["summary"] = {{"cases", t.cases},
                  {"passed", t.passed},
                  {"failed", t.failed},
                  {"inconclusive", t.inconclusive},
                  {"negative_controls", t.controls},
                  {"negative_controls_rejected", t.caught},
                  {"verdict", t.passed == t.cases ? "pass" : "fail"}};
  j["cases"] = std::move(list);
  return j;
}

}  // namespace gradcheck::report
