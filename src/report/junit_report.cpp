// The JUnit XML report, in the form Jenkins, GitLab and GitHub test reporters
// read: <testsuites> of one <testsuite> per case, holding a <testcase> for
// the formula and one per negative control.
#include <fmt/format.h>

#include "report/queries.hpp"
#include "report/report.hpp"
#include "report/xml.hpp"

namespace gradcheck::report {

using namespace runner;

namespace {

using xml::Node;
using xml::Tree;

std::string seconds(double s) { return fmt::format("{:.3f}", s); }

void add_property(Node properties, const char* name, std::string_view value) {
  properties.add("property").attr("name", name).attr("value", value);
}

// The formula's testcase: fails if it failed in any trial, or if no trial
// could judge it (INCONCLUSIVE counts as failed, as in the exit code).
void formula_case(Node suite, const CaseReport& r, int& failures) {
  const CheckCase& c = *r.check_case;
  Node test = suite.add("testcase");
  test.attr("name", c.id).attr("classname", "gradcheck." + c.id).attr("time", seconds(r.seconds));
  const int w = worst_trial(r);
  if (w < 0) return;
  const TrialReport& t = r.trials[static_cast<std::size_t>(w)];
  const bool failed = r.formula_failures() > 0;
  if (!failed && r.verdict() != Verdict::inconclusive) return;
  ++failures;
  Node failure = test.add("failure");
  failure.attr("type", failed ? "wrong formula" : "inconclusive");
  const std::string head =
      failed
          ? fmt::format("formula failed in {} of {} trials; worst: trial {} ({}): {}", r.formula_failures(),
                        r.trials.size(), t.trial, t.point, failure_text(t.formula))
          : fmt::format("every trial was inconclusive; trial {} ({}): {}", t.trial, t.point, t.formula.result.message);
  failure.attr("message", fmt::format("{}; reproduce: {}", head, r.reproduce(t.trial)));
  std::string body;
  for (const TrialReport& u : r.trials) {
    if (u.formula.result.verdict == Verdict::pass) continue;
    body += fmt::format("trial {} ({}): {}: {}\n  reproduce: {}\n", u.trial, u.point,
                        to_string(u.formula.result.verdict), failure_text(u.formula), r.reproduce(u.trial));
  }
  failure.text(body);
}

// A control's testcase: fails if it was not rejected in a conclusive trial
// where it differs from the formula, or never rejected at all; skipped when
// no trial was conclusive.
void control_case(Node suite, const CaseReport& r, std::size_t k, int& failures, int& skipped) {
  const CheckCase& c = *r.check_case;
  const ControlName& control = c.controls[k];
  Node test = suite.add("testcase");
  test.attr("name", c.id + "/" + control.id).attr("classname", "gradcheck." + c.id).attr("time", seconds(0.0));
  const int conclusive = r.formula_passes() + r.formula_failures();
  if (conclusive == 0) {
    ++skipped;
    test.add("skipped").attr("message", "no conclusive trial to judge the control at");
    return;
  }
  if (r.control_caught(k)) return;
  ++failures;
  Node failure = test.add("failure");
  failure.attr("type", "control accepted");
  const std::vector<std::size_t> accepted = accepted_trials(r, k);
  std::string body;
  for (const std::size_t a : accepted) {
    const TrialReport& t = r.trials[a];
    body += fmt::format("trial {} ({}): {}: {}\n  reproduce: {}\n", t.trial, t.point,
                        to_string(t.controls[k].result.verdict), worst_entry_text(t.controls[k]), r.reproduce(t.trial));
  }
  if (accepted.empty()) {
    // Never rejected, but equal to the formula within its allowance wherever judged.
    const TrialReport& t = r.trials[static_cast<std::size_t>(std::max(worst_trial(r), 0))];
    failure.attr("message",
                 fmt::format("negative control {} ({}) was never rejected: at every conclusive point it equals the "
                             "formula within the allowance; trial {} ({}): {}; reproduce: {}",
                             control.id, control.description, t.trial, t.point, worst_entry_text(t.controls[k]),
                             r.reproduce(t.trial)));
    return;
  }
  const TrialReport& first = r.trials[accepted.front()];
  failure.attr("message",
               fmt::format("negative control {} ({}) was not rejected in {} of {} conclusive trials; first: trial {} "
                           "({}): {}; reproduce: {}",
                           control.id, control.description, accepted.size(), conclusive, first.trial, first.point,
                           worst_entry_text(first.controls[k]), r.reproduce(first.trial)));
  failure.text(body);
}

}  // namespace

std::string to_junit(const std::vector<CaseReport>& cases, const RunInfo& info) {
  // JUnit's timestamp is a local date-time (xs:dateTime without a zone): UTC, without the Z.
  std::string created = utc_now();
  created.pop_back();
  Tree doc;
  Node suites = Node(doc).add("testsuites");
  int tests = 0;
  int failures = 0;
  int skipped = 0;
  for (const CaseReport& r : cases) {
    const CheckCase& c = *r.check_case;
    Node suite = suites.add("testsuite");
    int suite_failures = 0;
    int suite_skipped = 0;
    const int suite_tests = 1 + static_cast<int>(c.controls.size());
    Node properties = suite.add("properties");
    add_property(properties, "notes", c.notes);
    add_property(properties, "formula", c.formula);
    add_property(properties, "convention", c.convention);
    add_property(properties, "seed", std::to_string(r.seed));
    add_property(properties, "trials", std::to_string(r.trials.size()));
    add_property(properties, "command_line", info.command_line);
    formula_case(suite, r, suite_failures);
    for (std::size_t k = 0; k < c.controls.size(); ++k) control_case(suite, r, k, suite_failures, suite_skipped);
    suite.attr("name", c.id)
        .attr("tests", std::to_string(suite_tests))
        .attr("failures", std::to_string(suite_failures))
        .attr("errors", "0")
        .attr("skipped", std::to_string(suite_skipped))
        .attr("time", seconds(r.seconds))
        .attr("timestamp", created);
    tests += suite_tests;
    failures += suite_failures;
    skipped += suite_skipped;
  }
  suites.attr("name", "gradcheck")
      .attr("tests", std::to_string(tests))
      .attr("failures", std::to_string(failures))
      .attr("errors", "0")
      .attr("skipped", std::to_string(skipped))
      .attr("time", seconds(info.seconds));
  return xml::write(doc);
}

}  // namespace gradcheck::report
