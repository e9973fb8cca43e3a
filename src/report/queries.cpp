#include "report/queries.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gradcheck::report {

using namespace runner;

namespace {

// exact(row, col) when the judgement has an exact derivative of its shape, else NaN.
double exact_at(const CheckResult& r, Eigen::Index row, Eigen::Index col) {
  if (r.exact.rows() != r.analytic.rows() || r.exact.cols() != r.analytic.cols()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return r.exact(row, col);
}

// error / allowance, infinite for an error where nothing is allowed.
double ratio_of(double error, double allowance) {
  return allowance > 0.0 ? error / allowance : (error > 0.0 ? HUGE_VAL : 0.0);
}

}  // namespace

double worst_exact(const CheckResult& r) {
  if (r.worst_input < 0 || r.worst_output < 0 || r.worst_output >= r.exact.rows() || r.worst_input >= r.exact.cols()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return r.exact(r.worst_output, r.worst_input);
}

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

std::vector<const TrialReport*> disagreeing_trials(const CaseReport& report) {
  std::vector<const TrialReport*> trials;
  if (const std::optional<ExactSummary> exact = exact_summary(report)) {
    for (const std::size_t k : exact->disagreements) trials.push_back(&report.trials[k]);
  }
  return trials;
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
      const double ratio = ratio_of(error, allowance);
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
      rows.push_back({input >= 0 ? entry_name(layout, input) : fmt::format("direction {}", col), a, n, error, allowance,
                      ratio_of(error, allowance), exact_at(r, row, col)});
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

bool control_accepted(const TrialReport& t, std::size_t c) {
  return t.formula.result.verdict != Verdict::inconclusive && t.controls[c].result.verdict != Verdict::fail &&
         !t.controls[c].indistinguishable;
}

std::vector<std::size_t> accepted_trials(const CaseReport& report, std::size_t c) {
  std::vector<std::size_t> trials;
  for (std::size_t k = 0; k < report.trials.size(); ++k) {
    if (control_accepted(report.trials[k], c)) trials.push_back(k);
  }
  return trials;
}

}  // namespace gradcheck::report
