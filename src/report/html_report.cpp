// The HTML report: one self-contained page, written as XHTML (well-formed
// XML, so xmllint checks it) that browsers read as HTML5. Inline CSS and
// inline SVG, no script, nothing fetched. The page, its summary, controls and
// settings sections are here; each case's section is html_case.cpp, its plot
// svg_plot.cpp.
#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <boost/version.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "report/html_case.hpp"
#include "report/html_parts.hpp"
#include "report/queries.hpp"
#include "report/report.hpp"
#include "report/summary.hpp"

namespace gradcheck::report {

using namespace runner;
using namespace html;

namespace {

using xml::Tree;

// No quotes, '<', '>' or '&' below: the XML writer would escape them, and a
// browser does not unescape the contents of <style>.
const char* const css = R"(
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif; color: #1f2328;
       max-width: 1360px; margin: 20px auto; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 6px; }
h3 { font-size: 14px; margin: 10px 0 4px; }
p { margin: 4px 0; }
a { color: #0550ae; text-decoration: none; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px;
         white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; background: #f6f8fa;
       padding: 1px 4px; border-radius: 4px; }
code.cmd { white-space: nowrap; }
.muted { color: #57606a; }
.badge { display: inline-block; min-width: 42px; text-align: center; font-weight: 700; font-size: 11.5px;
         padding: 1px 7px; border-radius: 10px; color: #fff; background: #57606a; }
.badge.pass { background: #1a7f37; }
.badge.fail { background: #cf222e; }
.badge.inconclusive { background: #9a6700; }
tr.fail td { background: #ffebe9; }
th.group { background: #ffffff; font-weight: 500; padding-top: 10px; border-bottom: 1px solid #8c959f; }
tr.inconclusive td { background: #fff8c5; }
td.disagree { background: #fff8c5; font-weight: 600; }
.lede { font-size: 15px; margin: 6px 0 14px; }
section.case { border: 1px solid #d0d7de; border-left: 6px solid #1a7f37; border-radius: 6px; padding: 10px 12px;
               margin: 14px 0; break-inside: avoid; }
section.case.v-fail { border-left-color: #cf222e; }
section.case.v-inconclusive { border-left-color: #bf8700; }
table.facts th { background: none; color: #57606a; font-weight: 500; white-space: nowrap; }
table.facts td, table.facts th { border: 0; padding: 1px 8px 1px 0; }
.detail { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure { margin: 0; flex: 0 0 auto; }
.side { flex: 1 1 440px; }
figcaption { font-size: 12px; color: #57606a; max-width: 660px; }
.failures li { margin: 2px 0; }
@media print {
  body { max-width: none; margin: 0; font-size: 11px; }
  section.case, table, figure { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

// The worst entry of the trial shown, its error and allowance; dashes without one.
void worst_entry_cells(Node tr, const CaseReport& r) {
  const int w = worst_trial(r);
  const Judgement* j = w >= 0 ? &r.trials[static_cast<std::size_t>(w)].formula : nullptr;
  if (j != nullptr && !j->worst_entry.empty()) {
    code_cell(tr, j->worst_entry);
    cell(tr, sci(j->result.worst_error), "num");
    cell(tr, sci(j->result.worst_allowance), "num");
  } else {
    cell(tr, "\u2014");
    cell(tr, "\u2014");
    cell(tr, "\u2014");
  }
}

void summary(Node body, const std::vector<CaseReport>& cases) {
  Node sec = body.add("section");
  sec.attr("id", "summary");
  sec.add("h2", "Summary");
  Node table = sec.add("table");
  header_row(table, {"case", "notes", "verdict", "worst entry", "error", "allowance", "exact vs numeric", "trials",
                     "controls rejected", "seed"});
  Node tbody = table.add("tbody");
  for (const CaseReport& r : cases) {
    const CheckCase& c = *r.check_case;
    Node tr = tbody.add("tr");
    if (r.verdict() != Verdict::pass) tr.attr("class", css_class(r.verdict()));
    Node link = tr.add("td").add("a");
    link.attr("href", slug(c.id, "#"));
    link.add("code", c.id);
    cell(tr, c.notes);
    badge(tr.add("td"), r.verdict());
    worst_entry_cells(tr, r);
    const std::optional<ExactSummary> exact = exact_summary(r);
    if (exact) {
      cell(tr, sci(exact->exact_vs_numeric), exact->disagreements.empty() ? "num" : "num disagree");
    } else {
      cell(tr, "\u2014");
    }
    cell(tr, trials_text(r));
    cell(tr, fmt::format("{}/{}", r.controls_caught(), c.controls.size()));
    cell(tr, std::to_string(r.seed), "num");
  }
}

// A case's row heading the rows of its controls.
void control_group_row(Node tbody, const CaseReport& r, int w) {
  const CheckCase& c = *r.check_case;
  Node group = tbody.add("tr").add("th");
  group.attr("colspan", "10").attr("class", "group");
  Node link = group.add("a");
  link.attr("href", slug(c.id, "#"));
  link.add("code", c.id);
  group.text(fmt::format(" notes {}: {} of {} rejected", c.notes, r.controls_caught(), c.controls.size()));
  if (w >= 0) {
    group.text(fmt::format(", shown at trial {} ({})", r.trials[static_cast<std::size_t>(w)].trial,
                           r.trials[static_cast<std::size_t>(w)].point));
  }
}

// Control `k` at trial `w` (the trial shown): where it is most wrong there.
void control_entry_cells(Node tr, const CaseReport& r, std::size_t k, int w) {
  if (w < 0) {
    for (int n = 0; n < 6; ++n) cell(tr, "\u2014");
    return;
  }
  const Judgement& j = r.trials[static_cast<std::size_t>(w)].controls[k];
  if (j.worst_entry.empty()) {
    Node why = tr.add("td", j.result.message.empty() ? std::string("\u2014") : j.result.message);
    why.attr("colspan", "6");
    return;
  }
  code_cell(tr, j.worst_entry);
  cell(tr, value(j.result.worst_analytic), "num");
  cell(tr, value(j.result.worst_numeric), "num");
  cell(tr, exact_text(worst_exact(j.result)), "num");
  cell(tr, sci(j.result.worst_error), "num");
  cell(tr, sci(j.result.worst_allowance), "num");
}

// A row per trial in which control `k` was accepted (at most listed_trials).
void accepted_rows(Node tbody, const CaseReport& r, std::size_t k) {
  const ControlName& control = r.check_case->controls[k];
  const std::vector<std::size_t> accepted = accepted_trials(r, k);
  for (std::size_t n = 0; n < accepted.size() && n < listed_trials; ++n) {
    const TrialReport& t = r.trials[accepted[n]];
    Node td = tbody.add("tr").attr("class", "fail").add("td");
    td.attr("colspan", "10");
    td.text(fmt::format("{} {} in trial {} ({}): {}; reproduce: ", control.id,
                        t.controls[k].result.verdict == Verdict::pass ? "ACCEPTED" : "not rejected", t.trial, t.point,
                        worst_entry_text(t.controls[k])));
    td.add("code", r.reproduce(t.trial)).attr("class", "cmd");
  }
  if (accepted.size() > listed_trials) {
    Node td = tbody.add("tr").attr("class", "fail").add("td");
    td.attr("colspan", "10");
    td.text(fmt::format("\u2026 and {} more trials (all are in gradcheck.json)", accepted.size() - listed_trials));
  }
}

void control_row(Node tbody, const CaseReport& r, std::size_t k, int w) {
  const ControlName& control = r.check_case->controls[k];
  const int conclusive = r.formula_passes() + r.formula_failures();
  const bool caught = r.control_caught(k);
  Node tr = tbody.add("tr");
  if (!caught && conclusive > 0) tr.attr("class", "fail");
  code_cell(tr, control.id);
  cell(tr, control.description);
  Node v = tr.add("td");
  if (conclusive == 0) {
    v.add("span", "NOT JUDGED").attr("class", "badge inconclusive");
  } else {
    v.add("span", caught ? "REJECTED" : "ACCEPTED").attr("class", caught ? "badge pass" : "badge fail");
  }
  std::string rejected = fmt::format("{}/{}", r.control_rejections(k), conclusive);
  if (const int same = r.control_indistinguishable(k); same > 0) {
    rejected += fmt::format(" ({} equal to the formula within its allowance)", same);
  }
  cell(tr, rejected);
  control_entry_cells(tr, r, k, w);
  if (w >= 0) accepted_rows(tbody, r, k);
}

void controls_section(Node body, const std::vector<CaseReport>& cases) {
  Node sec = body.add("section");
  sec.attr("id", "negative-controls");
  sec.add("h2", "Negative controls");
  sec.add("p",
          "Known-wrong formulas that the same check must reject at every point it can judge. Each is shown at the "
          "trial its case shows in detail: the entry where it is most wrong there, with the error and the "
          "allowance it exceeds.");
  Node table = sec.add("table");
  header_row(table, {"control", "wrong formula", "verdict", "trials rejected", "entry", "analytic", "numeric",
                     "exact (AD)", "error", "allowance"});
  Node tbody = table.add("tbody");
  for (const CaseReport& r : cases) {
    const int w = worst_trial(r);
    control_group_row(tbody, r, w);
    for (std::size_t k = 0; k < r.check_case->controls.size(); ++k) control_row(tbody, r, k, w);
  }
}

template <class T>
std::string setting_text(const T& v) {
  return value_text(v);
}
std::string setting_text(const EntryNames& v) { return v.entries.empty() ? std::string("(none)") : value_text(v); }

// The run's seed, command, fixture, time and versions.
void run_facts(Node sec, const RunInfo& info, const std::string& created) {
  Node facts = sec.add("table");
  facts.attr("class", "facts");
  fact(facts, "seed", std::to_string(info.seed));
  fact_code(facts, "command", info.command_line);
  fact(facts, "fixture", info.fixture.empty() ? std::string("(none)") : info.fixture);
  fact(facts, "created", created);
  fact(facts, "gradcheck", GRADCHECK_VERSION);
  fact(facts, "built with",
       fmt::format("{}; Boost {}.{}.{}; Eigen {}.{}.{}; fmt {}.{}.{}; nlohmann_json {}.{}.{}",
#if defined(__clang__)
                   "clang " __clang_version__,
#elif defined(__GNUC__)
                   "g++ " __VERSION__,
#else
                   "a C++20 compiler",
#endif
                   BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100, EIGEN_WORLD_VERSION,
                   EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                   FMT_VERSION % 100, NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                   NLOHMANN_JSON_VERSION_PATCH));
}

// Each setting's value per case, a dash for a formula file's sizes (its own,
// not settings), and the settings' names with their help in table order.
struct SettingValues {
  std::vector<std::pair<std::string, std::string>> help;
  std::vector<std::map<std::string, std::string>> values;
};

SettingValues setting_values(const std::vector<CaseReport>& cases) {
  SettingValues s;
  s.values.resize(cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    for_each_setting(cases[k].settings, [&](const Setting& setting, const auto& field) {
      // A formula file's sizes are its own: the sizes of built-in cases are not its settings.
      const std::string name = setting.name;
      s.values[k][name] = applies(setting, *cases[k].check_case) ? setting_text(field) : std::string("\u2014");
      if (k == 0) s.help.emplace_back(name, help_text(setting));
    });
  }
  return s;
}

// Settings every case shares, then each case's own values of the others.
void settings_tables(Node sec, const std::vector<CaseReport>& cases) {
  const SettingValues s = setting_values(cases);
  const auto& values = s.values;
  Node shared = sec.add("table");
  header_row(shared, {"setting", "value", "meaning"});
  Node tbody = shared.add("tbody");
  std::vector<std::string> differing;
  for (const auto& row : s.help) {
    // Named variables, not a structured binding: a lambda capturing a binding
    // is C++20 that clang (clang-tidy) before 16 rejects.
    const std::string& name = row.first;
    const bool same =
        std::all_of(values.begin(), values.end(), [&](const auto& v) { return v.at(name) == values[0].at(name); });
    if (!same) {
      differing.push_back(name);
      continue;
    }
    if (values[0].at(name) == "\u2014") continue;  // applies to none of the cases
    Node tr = tbody.add("tr");
    code_cell(tr, name);
    cell(tr, values[0].at(name), "num");
    cell(tr, row.second);
  }
  if (differing.empty()) {
    sec.add("p", "Every case ran with these settings.").attr("class", "muted");
    return;
  }
  sec.add("h3", "Settings that differ between cases");
  Node table = sec.add("table");
  Node head = table.add("thead").add("tr");
  head.add("th", "case");
  for (const std::string& name : differing) head.add("th", name);
  Node rows = table.add("tbody");
  for (std::size_t k = 0; k < cases.size(); ++k) {
    Node tr = rows.add("tr");
    code_cell(tr, cases[k].check_case->id);
    for (const std::string& name : differing) cell(tr, values[k].at(name), "num");
  }
}

void settings_section(Node body, const std::vector<CaseReport>& cases, const RunInfo& info,
                      const std::string& created) {
  Node sec = body.add("section");
  sec.attr("id", "settings");
  sec.add("h2", "Run settings");
  run_facts(sec, info, created);
  if (!cases.empty()) settings_tables(sec, cases);
}

// The XML writer writes an element with nothing in it as <x/>; an HTML parser
// reads that as an open tag unless the element is void, so such elements get
// a space. SVG elements are foreign content, where <x/> is fine.
void fill_empty(Tree& element, const std::string& name) {
  static const std::set<std::string> void_elements = {"meta", "br", "hr", "img", "link", "col", "input"};
  if (name == "svg") return;
  bool has_content = !element.data().empty();
  for (auto& [child, tree] : element) {
    if (child == "<xmlattr>") continue;
    has_content = true;
    if (child != "<xmltext>") fill_empty(tree, child);
  }
  // assign(1, ' '), not = " ": g++ 12 sees a false -Wrestrict overlap in the latter once inlined here.
  if (!has_content && !name.empty() && void_elements.count(name) == 0) element.data().assign(1, ' ');
}

// The page's header: the overall verdict in one line, and links to the sections.
void page_header(Node body, const std::vector<CaseReport>& cases, const RunInfo& info, const std::string& created) {
  Node top = body.add("header");
  top.add("h1", "gradcheck report");
  const Totals t = totals(cases);
  Node lede = top.add("p");
  lede.attr("class", "lede");
  badge(lede, t.passed == t.cases ? Verdict::pass : Verdict::fail);
  lede.text(fmt::format(" {} of {} cases passed", t.passed, t.cases));
  if (t.failed > 0) lede.text(fmt::format(", {} failed", t.failed));
  if (t.inconclusive > 0) lede.text(fmt::format(", {} inconclusive in every trial", t.inconclusive));
  lede.text(
      fmt::format("; {} of {} negative controls rejected; seed {}; {}", t.caught, t.controls, info.seed, created));
  Node nav = top.add("p");
  nav.attr("class", "muted");
  nav.text("Sections:");
  const char* separator = " ";
  for (const auto& [href, text] :
       {std::pair{"#summary", "summary"}, std::pair{"#cases", "cases"},
        std::pair{"#negative-controls", "negative controls"}, std::pair{"#settings", "run settings"}}) {
    nav.text(separator);
    nav.add("a", text).attr("href", href);
    separator = " \u00b7 ";
  }
}

}  // namespace

std::string to_html(const std::vector<CaseReport>& cases, const RunInfo& info) {
  const std::string created = utc_now();
  Tree doc;
  Node html = Node(doc).add("html");
  html.attr("xmlns", "http://www.w3.org/1999/xhtml").attr("lang", "en");
  Node head = html.add("head");
  head.add("meta").attr("charset", "utf-8");
  head.add("meta").attr("name", "viewport").attr("content", "width=device-width, initial-scale=1");
  head.add("title", "gradcheck report");
  head.add("style", css);

  Node body = html.add("body");
  page_header(body, cases, info, created);
  summary(body, cases);
  Node all = body.add("section");
  all.attr("id", "cases");
  all.add("h2", "Cases");
  all.add("p",
          "Each case: the formula and its convention, the entries of the trial with the largest "
          "error/allowance, and that trial's error against the finite-difference step.")
      .attr("class", "muted");
  for (const CaseReport& r : cases) case_section(all, r);
  controls_section(body, cases);
  settings_section(body, cases, info, created);

  for (auto& [name, tree] : doc) fill_empty(tree, name);
  std::string out = xml::write(doc);
  // Browsers need a doctype for standards mode; an XML parser accepts it too.
  const auto declaration_end = out.find("?>\n");
  if (declaration_end != std::string::npos) out.replace(0, declaration_end + 3, "<!DOCTYPE html>\n");
  return out;
}

}  // namespace gradcheck::report
