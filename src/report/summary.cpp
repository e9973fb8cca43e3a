#include "report/summary.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <optional>

#include "report/queries.hpp"

namespace gradcheck::report {

using namespace runner;

namespace {

std::string verdict_text(Verdict verdict, bool colour) {
  // Padded before colouring, so that the columns line up with and without it.
  std::string word = fmt::format("{:<5}", headline(verdict));
  if (!colour) return word;
  const auto colour_of = verdict == Verdict::pass   ? fmt::terminal_color::green
                         : verdict == Verdict::fail ? fmt::terminal_color::red
                                                    : fmt::terminal_color::yellow;
  return fmt::format(fmt::fg(colour_of) | fmt::emphasis::bold, "{}", word);
}

std::string head_line(const CaseReport& r, bool colour) {
  const CheckCase& c = *r.check_case;
  std::string line =
      fmt::format("{:<5} {:<36} {:<8} trials {}/{}  inconclusive points {}", verdict_text(r.verdict(), colour), c.id,
                  c.notes, r.formula_passes(), r.trials.size(), r.inconclusive_points());
  // No relative error where no entry was compared (claims of the wrong shape, throwing).
  if (const std::optional<double> worst = measured_rel_error(r)) line += fmt::format("  max rel err {:.1e}", *worst);
  // The second opinion, where the case has one: max |exact − numeric| / allowance over the trials.
  if (const std::optional<ExactSummary> exact = exact_summary(r)) {
    line += fmt::format("  exact_vs_numeric {:.1e}", exact->exact_vs_numeric);
  }
  return line + fmt::format("  controls rejected {}/{}  seed {}\n", r.controls_caught(), c.controls.size(), r.seed);
}

// One line per distinct failure: its first trial, diagnosed where a pattern
// fits, and how many more trials failed the same way.
std::string failure_lines(const CaseReport& r) {
  std::string lines;
  for (const FailureGroup& g : failure_groups(r)) {
    const TrialReport& t = r.trials[g.first];
    const std::string more = more_text(g);
    lines +=
        fmt::format("      trial {}{}: {}{}; reproduce: {}\n", t.trial, t.point.empty() ? "" : " (" + t.point + ")",
                    failure_text(t.formula), more.empty() ? "" : "; " + more, r.reproduce(t.trial));
  }
  return lines;
}

// A trial left inconclusive after its redraws (f not finite, a kink at every
// point drawn, ...) is no failure, but say the first one and why; and each
// control not rejected in a conclusive trial.
std::string trial_lines(const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  std::string lines;
  int inconclusive_trials = 0;
  for (const TrialReport& t : r.trials) {
    if (t.formula.result.verdict == Verdict::inconclusive) {
      if (r.verdict() != Verdict::inconclusive && inconclusive_trials++ == 0) {
        const std::string where = t.points == 1 ? "its one point" : fmt::format("all {} points drawn", t.points);
        lines += fmt::format("      trial {} ({}) inconclusive at {}: {}\n      reproduce: {}\n", t.trial, t.point,
                             where, t.formula.result.message, r.reproduce(t.trial));
      }
      continue;
    }
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      if (!control_accepted(t, k)) continue;
      lines += fmt::format("      negative control {} ({}) {} in trial {} ({})\n      reproduce: {}\n",
                           c.controls[k].id, c.controls[k].description,
                           t.controls[k].result.verdict == Verdict::pass ? "ACCEPTED" : "not rejected (inconclusive)",
                           t.trial, t.point, r.reproduce(t.trial));
    }
  }
  if (inconclusive_trials > 1) {
    lines += fmt::format("      ({} more trials inconclusive: see the reports)\n", inconclusive_trials - 1);
  }
  return lines;
}

// The exact derivative and the finite difference disagree: the verdict
// stands (it is the finite difference's), but say so.
std::string disagreement_lines(const CaseReport& r) {
  std::string lines;
  for (const TrialReport* t : disagreeing_trials(r)) {
    lines += fmt::format("      trial {} ({}): the exact (AD) derivative disagrees with the finite difference: {}\n",
                         t->trial, t->point, exact_disagreement_text(t->formula, t->layout, t->kind));
  }
  return lines;
}

// A control never rejected, yet equal to the formula within its allowance
// wherever judged: no trial line names it, so say it here.
std::string never_rejected_lines(const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  std::string lines;
  const int w = worst_trial(r);
  if (w < 0 || r.formula_passes() + r.formula_failures() == 0) return lines;
  const TrialReport& t = r.trials[static_cast<std::size_t>(w)];
  for (std::size_t k = 0; k < c.controls.size(); ++k) {
    if (r.control_caught(k) || !accepted_trials(r, k).empty()) continue;
    lines += fmt::format(
        "      negative control {} ({}) never rejected: within the formula's allowance at every point ({})\n"
        "      reproduce: {}\n",
        c.controls[k].id, c.controls[k].description, worst_entry_text(t.controls[k]), r.reproduce(t.trial));
  }
  return lines;
}

}  // namespace

Totals totals(const std::vector<CaseReport>& cases) {
  Totals t;
  for (const CaseReport& r : cases) {
    ++t.cases;
    const Verdict v = r.verdict();
    t.passed += v == Verdict::pass ? 1 : 0;
    t.failed += v == Verdict::fail ? 1 : 0;
    t.inconclusive += v == Verdict::inconclusive ? 1 : 0;
    t.controls += static_cast<int>(r.check_case->controls.size());
    t.caught += r.controls_caught();
  }
  return t;
}

std::string case_summary(const CaseReport& r, bool colour) {
  std::string text = head_line(r, colour);
  if (r.verdict() == Verdict::inconclusive) {
    text += fmt::format(
        "      every trial was inconclusive: the numerics could not judge this formula at the points drawn ({})\n",
        r.trials.front().formula.result.message);
  }
  return text + failure_lines(r) + trial_lines(r) + disagreement_lines(r) + never_rejected_lines(r);
}

}  // namespace gradcheck::report
