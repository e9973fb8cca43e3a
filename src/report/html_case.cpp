#include "report/html_case.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "report/html_parts.hpp"
#include "report/queries.hpp"
#include "report/svg_plot.hpp"

namespace gradcheck::report::html {

using namespace runner;

namespace {

void heading(Node sec, const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  Node h2 = sec.add("h2");
  badge(h2, r.verdict());
  h2.text(" ");
  h2.add("code", c.id);
  Node notes = h2.add("span", "notes " + c.notes);
  notes.attr("class", "muted");
  sec.add("p", c.description);
}

// The formula, its trials and controls, and the second opinion where there is one.
Node facts_table(Node sec, const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  Node facts = sec.add("table");
  facts.attr("class", "facts");
  fact_code(facts, "formula", c.formula);
  fact(facts, "convention", c.convention);
  if (c.precision != "double") fact(facts, "precision", "loss and claims evaluated in " + c.precision);
  const std::optional<double> worst_rel = measured_rel_error(r);
  fact(facts, "trials",
       fmt::format("{}; {} inconclusive points redrawn; largest relative error {}", trials_text(r),
                   r.inconclusive_points(), worst_rel ? sci(*worst_rel) : std::string("\u2014 (no entry compared)")));
  fact(facts, "negative controls",
       fmt::format("{} of {} rejected in every conclusive trial (details under Negative controls)", r.controls_caught(),
                   c.controls.size()));
  if (const std::optional<ExactSummary> exact = exact_summary(r)) {
    std::string text = fmt::format(
        "exact derivative (forward-mode AD of the same loss) in {} of {} trials: largest |exact \u2212 numeric| / "
        "allowance {} ({}), largest relative difference of the formula from it {}",
        exact->trials, r.trials.size(), sci(exact->exact_vs_numeric),
        exact->disagreements.empty() ? "the finite difference agrees with it"
                                     : fmt::format("DISAGREES in {} trials: see below", exact->disagreements.size()),
        sci(exact->exact_vs_analytic));
    fact(facts, "second opinion", text);
  }
  return facts;
}

// The step-size plot of the trial shown, or why there is none.
void figure(Node detail, const CaseReport& r) {
  Node fig = detail.add("figure");
  const auto has_curve = [](const StepCurve& k) { return !k.error.empty(); };
  if (r.curves && r.curves->note.empty() &&
      (has_curve(r.curves->formula) || std::any_of(r.curves->controls.begin(), r.curves->controls.end(), has_curve))) {
    step_plot(fig, r.check_case->id, *r.curves);
    return;
  }
  std::string why = "curves were not computed for this run";
  if (r.curves)
    why = r.curves->note.empty() ? "no entry was judged at this point: " + r.curves->formula.note : r.curves->note;
  fig.add("p", "No step-size plot: " + why + ".").attr("class", "muted");
}

void worst_entries_table(Node detail, const TrialReport& t) {
  Node side = detail.add("div");
  side.attr("class", "side");
  side.add("h3", fmt::format("Worst entries at trial {}", t.trial));
  const std::vector<EntryRow> rows = worst_entries(t.formula, t.layout, t.kind);
  if (rows.empty()) {
    side.add("p", "No entry was compared: " + t.formula.result.message);
    return;
  }
  Node table = side.add("table");
  const bool has_exact = t.formula.result.exact.size() > 0;
  if (has_exact) {
    header_row(table, {"entry", "analytic", "numeric", "exact (AD)", "error", "allowance", "error / allowance"});
  } else {
    header_row(table, {"entry", "analytic", "numeric", "error", "allowance", "error / allowance"});
  }
  Node tbody = table.add("tbody");
  for (const EntryRow& e : rows) {
    Node tr = tbody.add("tr");
    if (e.ratio > 1.0) tr.attr("class", "fail");
    code_cell(tr, e.entry);
    cell(tr, value(e.analytic), "num");
    cell(tr, value(e.numeric), "num");
    if (has_exact) cell(tr, exact_text(e.exact), "num");
    cell(tr, sci(e.error), "num");
    cell(tr, sci(e.allowance), "num");
    cell(tr, fmt::format("{:.3g}", e.ratio), "num");
  }
  if (!t.formula.result.message.empty()) side.add("p", t.formula.result.message).attr("class", "muted");
}

// A list item: the trial's badge, `text`, and its reproduce line.
void trial_item(Node list, const CaseReport& r, const TrialReport& u, const std::string& text) {
  Node li = list.add("li");
  badge(li, u.formula.result.verdict);
  li.text(text);
  li.add("code", r.reproduce(u.trial)).attr("class", "cmd");
}

// A heading and the list under it.
Node titled_list(Node sec, const char* heading) {
  sec.add("h3", heading);
  Node list = sec.add("ul");
  list.attr("class", "failures");
  return list;
}

// One line per distinct failure (failure_groups), diagnosed where a pattern fits.
void failures_list(Node sec, const CaseReport& r) {
  const std::vector<FailureGroup> groups = failure_groups(r);
  if (groups.empty()) return;
  Node list = titled_list(sec, "Failures");
  for (const FailureGroup& g : groups) {
    const TrialReport& u = r.trials[g.first];
    const std::string more = more_text(g);
    trial_item(list, r, u,
               fmt::format(" trial {} ({}): {}{} ", u.trial, u.point, failure_text(u.formula),
                           more.empty() ? "" : "; " + more));
  }
}

// Under `heading`, a line per trial of `trials` (listed_trials at most, then
// how many more): `text(trial)` and its reproduce line. Nothing without trials.
template <class Text>
void trials_list(Node sec, const char* heading, const CaseReport& r, const std::vector<const TrialReport*>& trials,
                 Text text) {
  if (trials.empty()) return;
  Node list = titled_list(sec, heading);
  for (std::size_t n = 0; n < trials.size(); ++n) {
    if (n == listed_trials) {
      more_item(list, trials.size() - listed_trials);
      break;
    }
    trial_item(list, r, *trials[n], text(*trials[n]));
  }
}

// The trials left inconclusive, under their own heading.
void inconclusive_list(Node sec, const CaseReport& r) {
  std::vector<const TrialReport*> trials;
  for (const TrialReport& u : r.trials) {
    if (u.formula.result.verdict == Verdict::inconclusive) trials.push_back(&u);
  }
  trials_list(sec, "Inconclusive trials", r, trials, [](const TrialReport& u) {
    return fmt::format(" trial {} ({}): {} ", u.trial, u.point, u.formula.result.message);
  });
}

// Trials whose exact derivative and finite difference disagree (the verdict stands).
void disagreements_list(Node sec, const CaseReport& r) {
  trials_list(sec, "Trials where the exact derivative disagrees with the finite difference", r, disagreeing_trials(r),
              [](const TrialReport& u) {
                return fmt::format(" trial {} ({}): {} (the verdict is the finite difference's) ", u.trial, u.point,
                                   exact_disagreement_text(u.formula, u.layout, u.kind));
              });
}

}  // namespace

void case_section(Node parent, const CaseReport& r) {
  Node sec = parent.add("section");
  sec.attr("class", fmt::format("case v-{}", css_class(r.verdict()))).attr("id", slug(r.check_case->id));
  heading(sec, r);
  Node facts = facts_table(sec, r);
  const int w = worst_trial(r);
  if (w < 0) return;
  const TrialReport& t = r.trials[static_cast<std::size_t>(w)];
  fact(facts, "shown",
       fmt::format("trial {} ({}), the {} with the largest error/allowance", t.trial, t.point,
                   t.formula.result.verdict == Verdict::fail ? "failed trial" : "trial"));
  fact_code(facts, "reproduce", r.reproduce(t.trial));
  Node detail = sec.add("div");
  detail.attr("class", "detail");
  figure(detail, r);
  worst_entries_table(detail, t);
  failures_list(sec, r);
  inconclusive_list(sec, r);
  disagreements_list(sec, r);
}

}  // namespace gradcheck::report::html
