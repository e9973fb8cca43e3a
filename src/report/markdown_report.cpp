// The Markdown report: the summary table, the formulas, and one line per
// failure, inconclusive trial and disagreement of the second opinion, each
// with its reproduce line.
#include <fmt/format.h>

#include <optional>

#include "report/queries.hpp"
#include "report/report.hpp"

namespace gradcheck::report {

using namespace runner;

namespace {

std::string format_error(double v) { return fmt::format("{:.1e}", v); }

std::string table_row(const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  const std::optional<double> worst = measured_rel_error(r);
  const std::optional<ExactSummary> exact = exact_summary(r);
  return fmt::format("| `{}` | {} | **{}** | {}/{} | {} | {} | {} | {}/{} | {} |\n", c.id, c.notes,
                     headline(r.verdict()), r.formula_passes(), r.trials.size(), r.inconclusive_points(),
                     worst ? format_error(*worst) : std::string("\u2014"),
                     exact ? format_error(exact->exact_vs_numeric) : std::string("\u2014"), r.controls_caught(),
                     c.controls.size(), r.seed);
}

// Trials whose exact derivative and finite difference disagree (the verdict stands).
std::string disagreement_lines(const CaseReport& r) {
  std::string lines;
  for (const TrialReport* t : disagreeing_trials(r)) {
    lines += fmt::format("- `{}` trial {} ({}), verdict {}: {}\n  reproduce: `{}`\n", r.check_case->id, t->trial,
                         t->point, headline(t->formula.result.verdict),
                         exact_disagreement_text(t->formula, t->layout, t->kind), r.reproduce(t->trial));
  }
  return lines;
}

// One line per distinct failure (failure_groups), as the terminal prints them,
// then each control accepted, trial by trial.
std::string failure_lines(const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  std::string lines;
  for (const FailureGroup& g : failure_groups(r)) {
    const TrialReport& t = r.trials[g.first];
    const std::string more = more_text(g);
    lines += fmt::format("- `{}` trial {} ({}): {}{}\n  reproduce: `{}`\n", c.id, t.trial, t.point,
                         failure_text(t.formula), more.empty() ? "" : "; " + more, r.reproduce(t.trial));
  }
  for (const TrialReport& t : r.trials) {
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      if (!control_accepted(t, k)) continue;
      lines += fmt::format("- `{}` negative control `{}` ({}) was ACCEPTED in trial {} ({})\n  reproduce: `{}`\n", c.id,
                           c.controls[k].id, c.controls[k].description, t.trial, t.point, r.reproduce(t.trial));
    }
  }
  return lines;
}

std::string inconclusive_lines(const CaseReport& r) {
  std::string lines;
  for (const TrialReport& t : r.trials) {
    if (t.formula.result.verdict != Verdict::inconclusive) continue;
    lines += fmt::format("- `{}` trial {} ({}), {} point{} drawn: {}\n  reproduce: `{}`\n", r.check_case->id, t.trial,
                         t.point, t.points, t.points == 1 ? "" : "s", t.formula.result.message, r.reproduce(t.trial));
  }
  return lines;
}

std::string formula_line(const CheckCase& c) {
  return fmt::format("- `{}`{}: {}: {} ({}){}\n", c.id, c.notes.empty() ? "" : " " + c.notes, c.description, c.formula,
                     c.convention, c.precision == "double" ? "" : "; evaluated in " + c.precision);
}

}  // namespace

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
  std::string formulas;
  for (const CaseReport& r : cases) {
    md += table_row(r);
    failures += failure_lines(r);
    inconclusive += inconclusive_lines(r);
    disagreements += disagreement_lines(r);
    formulas += formula_line(*r.check_case);
  }
  md += "\n## Formulas\n\n" + formulas;
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

}  // namespace gradcheck::report
