// The HTML report: one self-contained page, written as XHTML (well-formed
// XML, so xmllint checks it) that browsers read as HTML5. Inline CSS and
// inline SVG, no script, nothing fetched.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <boost/version.hpp>
#include <cmath>
#include <ctime>
#include <initializer_list>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "report/report.hpp"
#include "report/xml.hpp"

namespace gradcheck::runner {
namespace {

using xml::Node;
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

// The element id of a case's section; `prefix` "#" makes it a link target.
std::string slug(const std::string& id, const char* prefix = "") {
  std::string s = prefix;
  s += "case-";
  for (const char ch : id) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                       ch == '-' || ch == '.';
    s += plain ? ch : '-';
  }
  return s;
}

std::string sci(double v) { return v == 0.0 ? std::string("0") : fmt::format("{:.2e}", v); }
std::string value(double v) { return fmt::format("{:.10g}", v); }
// An exact (AD) value, or a dash where there is none (NaN).
std::string exact_text(double v) { return std::isnan(v) ? std::string("\u2014") : value(v); }
double worst_exact_value(const CheckResult& r) {
  if (r.worst_input < 0 || r.worst_output < 0 || r.worst_output >= r.exact.rows() || r.worst_input >= r.exact.cols()) {
    return std::nan("");
  }
  return r.exact(r.worst_output, r.worst_input);
}
const char* css_class(Verdict v) { return gradcheck::to_string(v); }  // pass, fail, inconclusive

Node badge(Node parent, Verdict v) {
  Node b = parent.add("span", headline(v));
  b.attr("class", fmt::format("badge {}", css_class(v)));
  return b;
}

Node cell(Node row, std::string_view text, const char* cls = nullptr) {
  Node td = row.add("td", text);
  if (cls != nullptr) td.attr("class", cls);
  return td;
}

Node code_cell(Node row, std::string_view text) {
  Node td = row.add("td");
  td.add("code", text);
  return td;
}

void header_row(Node table, std::initializer_list<const char*> names) {
  Node tr = table.add("thead").add("tr");
  for (const char* n : names) tr.add("th", n);
}

void fact(Node table, const char* name, std::string_view text) {
  Node tr = table.add("tr");
  tr.add("th", name);
  tr.add("td", text);
}

Node fact_code(Node table, const char* name, std::string_view text) {
  Node tr = table.add("tr");
  tr.add("th", name);
  Node td = tr.add("td");
  td.add("code", text);
  return td;
}

// ---- The step-size plot --------------------------------------------------

const char* const formula_colour = "#0550ae";
const char* const control_colours[] = {"#cf222e", "#bc4c00", "#8250df", "#bf3989", "#57606a"};

struct Frame {
  double left = 58, right = 420, top = 24, bottom = 290;
  double width = 630, height = 330;
  double lo = -17, hi = 0;  // log10 of the error axis
  double x(double h) const { return left + (std::log10(h) + 12.0) / 11.0 * (right - left); }
  double y(double v) const { return bottom - (std::log10(v) - lo) / (hi - lo) * (bottom - top); }
};

std::string num(double v) { return fmt::format("{:.1f}", v); }

void line(Node svg, double x1, double y1, double x2, double y2, const char* stroke, double width,
          const char* dash = nullptr) {
  Node l = svg.add("line");
  l.attr("x1", num(x1)).attr("y1", num(y1)).attr("x2", num(x2)).attr("y2", num(y2));
  l.attr("stroke", stroke).attr("stroke-width", fmt::format("{}", width));
  if (dash != nullptr) l.attr("stroke-dasharray", dash);
}

Node label(Node svg, double x, double y, std::string_view text, const char* anchor = "start", double size = 11,
           const char* colour = "#57606a") {
  Node t = svg.add("text", text);
  t.attr("x", num(x)).attr("y", num(y)).attr("font-size", fmt::format("{}", size)).attr("fill", colour);
  t.attr("font-family", "sans-serif");
  if (std::string_view(anchor) != "start") t.attr("text-anchor", anchor);
  return t;
}

// The curve as polylines, broken where a value is missing (NaN).
void curve(Node svg, const Frame& f, const std::vector<double>& steps, const std::vector<double>& error,
           const char* colour, double width, const char* dash, bool markers) {
  std::string points;
  const auto flush = [&] {
    if (points.find(' ') != std::string::npos) {
      Node p = svg.add("polyline");
      p.attr("points", points).attr("fill", "none").attr("stroke", colour);
      p.attr("stroke-width", fmt::format("{}", width)).attr("stroke-linejoin", "round");
      if (dash != nullptr) p.attr("stroke-dasharray", dash);
    }
    points.clear();
  };
  for (std::size_t k = 0; k < steps.size() && k < error.size(); ++k) {
    if (!std::isfinite(error[k])) {
      flush();
      continue;
    }
    if (!points.empty()) points += ' ';
    points += num(f.x(steps[k])) + "," + num(f.y(error[k]));
  }
  flush();
  if (!markers) return;
  for (std::size_t k = 0; k < steps.size() && k < error.size(); ++k) {
    if (!std::isfinite(error[k])) continue;
    Node c = svg.add("circle");
    c.attr("cx", num(f.x(steps[k]))).attr("cy", num(f.y(error[k]))).attr("r", "2").attr("fill", colour);
  }
}

void plot(Node figure, const CaseReport& r, const StepCurves& s) {
  const CheckCase& c = *r.check_case;
  Frame f;
  double lo = HUGE_VAL;
  double hi = -HUGE_VAL;
  const auto extend = [&](double v) {
    if (std::isfinite(v) && v > 0.0) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  };
  for (const double v : s.formula.error) extend(v);
  for (const StepCurve& k : s.controls) {
    for (const double v : k.error) extend(v);
  }
  extend(s.allowance);
  if (!(lo <= hi)) {
    lo = 1e-17;
    hi = 1.0;
  }
  // A quarter decade of headroom, so a curve is never drawn on the frame.
  f.lo = std::max(std::floor(std::log10(lo) - 0.25), std::log10(step_curve_floor));
  f.hi = std::max(std::ceil(std::log10(hi) + 0.25), f.lo + 3.0);

  Node svg = figure.add("svg");
  svg.attr("xmlns", "http://www.w3.org/2000/svg");
  svg.attr("width", num(f.width)).attr("height", num(f.height));
  svg.attr("viewBox", fmt::format("0 0 {} {}", f.width, f.height));
  svg.attr("role", "img");
  const std::string title = fmt::format("{}: |analytic - D(h)| against the step h at trial {}, log-log", c.id, s.trial);
  svg.attr("aria-label", title);
  svg.add("title", title);

  Node frame = svg.add("rect");
  frame.attr("x", num(f.left)).attr("y", num(f.top)).attr("width", num(f.right - f.left));
  frame.attr("height", num(f.bottom - f.top)).attr("fill", "#ffffff").attr("stroke", "#8c959f");

  // Grid and tick labels: a line per decade, labels every one or two.
  const int span = static_cast<int>(f.hi - f.lo);
  const int every = span > 10 ? 2 : 1;
  for (int e = static_cast<int>(f.lo); e <= static_cast<int>(f.hi); ++e) {
    const double y = f.y(std::pow(10.0, e));
    if (e != static_cast<int>(f.lo) && e != static_cast<int>(f.hi)) line(svg, f.left, y, f.right, y, "#eaeef2", 1);
    if ((e - static_cast<int>(f.lo)) % every == 0) label(svg, f.left - 6, y + 4, fmt::format("1e{}", e), "end", 10);
  }
  for (int e = -12; e <= -1; ++e) {
    const double x = f.x(std::pow(10.0, e));
    if (e != -12 && e != -1) line(svg, x, f.top, x, f.bottom, "#eaeef2", 1);
    if (e % 2 == 0) label(svg, x, f.bottom + 14, fmt::format("1e{}", e), "middle", 10);
  }
  label(svg, (f.left + f.right) / 2, f.bottom + 32, "relative step h", "middle", 11, "#1f2328");
  Node ylabel = label(svg, 14, (f.top + f.bottom) / 2, "|analytic \u2212 D(h)|", "middle", 11, "#1f2328");
  ylabel.attr("transform", fmt::format("rotate(-90 14 {})", num((f.top + f.bottom) / 2)));

  // The run's step and the formula's allowance at its worst entry.
  if (s.configured_step >= 1e-12 && s.configured_step <= 1e-1) {
    const double x = f.x(s.configured_step);
    line(svg, x, f.top, x, f.bottom, "#6e7781", 1, "2 3");
    label(svg, x, f.top - 6, fmt::format("step {:.1e}", s.configured_step), "middle", 10);
  }
  if (s.allowance > 0.0 && std::log10(s.allowance) >= f.lo && std::log10(s.allowance) <= f.hi) {
    const double y = f.y(s.allowance);
    line(svg, f.left, y, f.right, y, "#1a7f37", 1, "6 3");
    label(svg, f.right - 4, y - 4, fmt::format("allowance {:.1e}", s.allowance), "end", 10, "#1a7f37");
  }

  // Controls under the formula, so the formula's curve stays visible.
  double legend_y = f.top + 10;
  const auto legend = [&](const char* colour, const char* dash, const std::string& name, const std::string& entry) {
    line(svg, f.right + 14, legend_y - 4, f.right + 36, legend_y - 4, colour, 2, dash);
    label(svg, f.right + 42, legend_y, name, "start", 11, "#1f2328");
    label(svg, f.right + 42, legend_y + 13, "at " + entry, "start", 10);
    legend_y += 32;
  };
  if (!s.formula.error.empty()) {
    legend(formula_colour, nullptr, "formula", s.formula.entry);
  }
  if (std::any_of(s.controls.begin(), s.controls.end(), [](const StepCurve& k) { return !k.error.empty(); })) {
    label(svg, f.right + 14, legend_y, "negative controls:", "start", 10);
    legend_y += 16;
  }
  for (std::size_t k = 0; k < s.controls.size(); ++k) {
    const StepCurve& ck = s.controls[k];
    if (ck.error.empty()) continue;
    const char* colour = control_colours[std::min(k, std::size(control_colours) - 1)];
    curve(svg, f, s.steps, ck.error, colour, 1.6, "5 3", false);
    legend(colour, "5 3", ck.label, ck.entry);
  }
  if (!s.formula.error.empty()) curve(svg, f, s.steps, s.formula.error, formula_colour, 2.2, nullptr, true);

  Node caption = figure.add("figcaption");
  caption.text(fmt::format(
      "Error of the central difference D(h) = (f(x + h e_j) \u2212 f(x \u2212 h e_j)) / 2h against the step, at "
      "trial {} ({}): the formula at its worst entry {}, each negative control at its own worst entry, all at the "
      "same point. A right formula's error is a V: rounding (\u03b5|f|/h) on the left, truncation (h\u00b2|f\u2034|/6) "
      "on the right, reaching far below the allowance near the run's step; a wrong formula's stays on a flat floor "
      "at |analytic \u2212 true derivative| whatever the step. Errors below 1e-17 are drawn at 1e-17.",
      s.trial, s.point, s.formula.entry.empty() ? std::string("(none)") : s.formula.entry));
  for (const StepCurve& control : s.controls) {
    if (control.error.empty()) caption.text(fmt::format(" Control {} has no curve: {}.", control.label, control.note));
  }
  if (s.formula.error.empty()) caption.text(fmt::format(" The formula has no curve: {}.", s.formula.note));
}

// ---- Sections --------------------------------------------------------------

struct Totals {
  int cases = 0, passed = 0, failed = 0, inconclusive = 0, controls = 0, caught = 0;
};

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

std::string trials_text(const CaseReport& r) {
  std::string s = fmt::format("{}/{} passed", r.formula_passes(), r.trials.size());
  if (r.formula_failures() > 0) s += fmt::format(", {} failed", r.formula_failures());
  if (r.inconclusive_trials() > 0) s += fmt::format(", {} inconclusive", r.inconclusive_trials());
  return s;
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

// At most this many trials are listed per failing formula or control; the
// JSON report has them all.
constexpr std::size_t listed_trials = 5;

void disagreements_list(Node sec, const CaseReport& r);

void case_section(Node parent, const CaseReport& r) {
  const CheckCase& c = *r.check_case;
  const Verdict verdict = r.verdict();
  Node sec = parent.add("section");
  sec.attr("class", fmt::format("case v-{}", css_class(verdict))).attr("id", slug(c.id));
  Node h2 = sec.add("h2");
  badge(h2, verdict);
  h2.text(" ");
  h2.add("code", c.id);
  Node notes = h2.add("span", "notes " + c.notes);
  notes.attr("class", "muted");
  sec.add("p", c.description);

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
  const int w = worst_trial(r);
  if (w < 0) return;
  const TrialReport& t = r.trials[static_cast<std::size_t>(w)];
  fact(facts, "shown",
       fmt::format("trial {} ({}), the {} with the largest error/allowance", t.trial, t.point,
                   t.formula.result.verdict == Verdict::fail ? "failed trial" : "trial"));
  fact_code(facts, "reproduce", r.reproduce(t.trial));

  Node detail = sec.add("div");
  detail.attr("class", "detail");
  Node figure = detail.add("figure");
  const auto has_curve = [](const StepCurve& k) { return !k.error.empty(); };
  if (r.curves && r.curves->note.empty() &&
      (has_curve(r.curves->formula) || std::any_of(r.curves->controls.begin(), r.curves->controls.end(), has_curve))) {
    plot(figure, r, *r.curves);
  } else {
    std::string why = "curves were not computed for this run";
    if (r.curves)
      why = r.curves->note.empty() ? "no entry was judged at this point: " + r.curves->formula.note : r.curves->note;
    figure.add("p", "No step-size plot: " + why + ".").attr("class", "muted");
  }

  Node side = detail.add("div");
  side.attr("class", "side");
  side.add("h3", fmt::format("Worst entries at trial {}", t.trial));
  const std::vector<EntryRow> rows = worst_entries(t.formula, t.layout, t.kind);
  if (rows.empty()) {
    side.add("p", "No entry was compared: " + t.formula.result.message);
  } else {
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
  }
  if (!rows.empty() && !t.formula.result.message.empty()) {
    side.add("p", t.formula.result.message).attr("class", "muted");
  }

  // One line per distinct failure (failure_groups), diagnosed where a pattern
  // fits; then the trials left inconclusive, under their own heading.
  if (const std::vector<FailureGroup> groups = failure_groups(r); !groups.empty()) {
    sec.add("h3", "Failures");
    Node list = sec.add("ul");
    list.attr("class", "failures");
    for (const FailureGroup& g : groups) {
      const TrialReport& u = r.trials[g.first];
      const std::string more = more_text(g);
      Node li = list.add("li");
      badge(li, u.formula.result.verdict);
      li.text(fmt::format(" trial {} ({}): {}{} ", u.trial, u.point, failure_text(u.formula),
                          more.empty() ? "" : "; " + more));
      li.add("code", r.reproduce(u.trial)).attr("class", "cmd");
    }
  }
  std::optional<Node> list;
  std::size_t listed = 0;
  for (const TrialReport& u : r.trials) {
    if (u.formula.result.verdict != Verdict::inconclusive) continue;
    if (++listed > listed_trials) {
      list->add("li", fmt::format("\u2026 and {} more (all are in gradcheck.json)",
                                  static_cast<std::size_t>(r.inconclusive_trials()) - listed_trials));
      break;
    }
    if (!list) {
      sec.add("h3", "Inconclusive trials");
      list = sec.add("ul");
      list->attr("class", "failures");
    }
    Node li = list->add("li");
    badge(li, u.formula.result.verdict);
    li.text(fmt::format(" trial {} ({}): {} ", u.trial, u.point, u.formula.result.message));
    li.add("code", r.reproduce(u.trial)).attr("class", "cmd");
  }
  disagreements_list(sec, r);
}

// Trials whose exact derivative and finite difference disagree (the verdict stands).
void disagreements_list(Node sec, const CaseReport& r) {
  const std::optional<ExactSummary> exact = exact_summary(r);
  if (!exact || exact->disagreements.empty()) return;
  sec.add("h3", "Trials where the exact derivative disagrees with the finite difference");
  Node list = sec.add("ul");
  list.attr("class", "failures");
  std::size_t listed = 0;
  for (const std::size_t k : exact->disagreements) {
    if (++listed > listed_trials) {
      list.add("li", fmt::format("\u2026 and {} more (all are in gradcheck.json)",
                                 exact->disagreements.size() - listed_trials));
      break;
    }
    const TrialReport& u = r.trials[k];
    Node li = list.add("li");
    badge(li, u.formula.result.verdict);
    li.text(fmt::format(" trial {} ({}): {} (the verdict is the finite difference's) ", u.trial, u.point,
                        exact_disagreement_text(u.formula, u.layout, u.kind)));
    li.add("code", r.reproduce(u.trial)).attr("class", "cmd");
  }
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
    const CheckCase& c = *r.check_case;
    const int w = worst_trial(r);
    const int conclusive = r.formula_passes() + r.formula_failures();
    Node group = tbody.add("tr").add("th");
    group.attr("colspan", "10").attr("class", "group");
    Node link = group.add("a");
    link.attr("href", slug(c.id, "#"));
    link.add("code", c.id);
    group.text(fmt::format(" notes {}: {} of {} rejected", c.notes, r.controls_caught(), c.controls.size()));
    if (w >= 0)
      group.text(fmt::format(", shown at trial {} ({})", r.trials[static_cast<std::size_t>(w)].trial,
                             r.trials[static_cast<std::size_t>(w)].point));
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      const bool caught = r.control_caught(k);
      Node tr = tbody.add("tr");
      if (!caught && conclusive > 0) tr.attr("class", "fail");
      code_cell(tr, c.controls[k].id);
      cell(tr, c.controls[k].description);
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
      if (w < 0) {
        for (int n = 0; n < 6; ++n) cell(tr, "\u2014");
        continue;
      }
      const Judgement& j = r.trials[static_cast<std::size_t>(w)].controls[k];
      if (j.worst_entry.empty()) {
        Node why = tr.add("td", j.result.message.empty() ? std::string("\u2014") : j.result.message);
        why.attr("colspan", "6");
      } else {
        code_cell(tr, j.worst_entry);
        cell(tr, value(j.result.worst_analytic), "num");
        cell(tr, value(j.result.worst_numeric), "num");
        cell(tr, exact_text(worst_exact_value(j.result)), "num");
        cell(tr, sci(j.result.worst_error), "num");
        cell(tr, sci(j.result.worst_allowance), "num");
      }
      const std::vector<std::size_t> accepted = accepted_trials(r, k);
      for (std::size_t n = 0; n < accepted.size() && n < listed_trials; ++n) {
        const TrialReport& t = r.trials[accepted[n]];
        Node td = tbody.add("tr").attr("class", "fail").add("td");
        td.attr("colspan", "10");
        td.text(fmt::format("{} {} in trial {} ({}): {}; reproduce: ", c.controls[k].id,
                            t.controls[k].result.verdict == Verdict::pass ? "ACCEPTED" : "not rejected", t.trial,
                            t.point, worst_entry_text(t.controls[k])));
        td.add("code", r.reproduce(t.trial)).attr("class", "cmd");
      }
      if (accepted.size() > listed_trials) {
        Node td = tbody.add("tr").attr("class", "fail").add("td");
        td.attr("colspan", "10");
        td.text(fmt::format("\u2026 and {} more trials (all are in gradcheck.json)", accepted.size() - listed_trials));
      }
    }
  }
}

template <class T>
std::string setting_text(const T& v) {
  return value_text(v);
}
std::string setting_text(const EntryNames& v) { return v.entries.empty() ? std::string("(none)") : value_text(v); }

void settings_section(Node body, const std::vector<CaseReport>& cases, const RunInfo& info,
                      const std::string& created) {
  Node sec = body.add("section");
  sec.attr("id", "settings");
  sec.add("h2", "Run settings");
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
  if (cases.empty()) return;

  // Settings every case shares, then each case's own values of the others.
  std::vector<std::pair<std::string, std::string>> help;
  std::vector<std::map<std::string, std::string>> values(cases.size());
  for (std::size_t k = 0; k < cases.size(); ++k) {
    for_each_setting(cases[k].settings, [&](const Setting& setting, const auto& field) {
      // A formula file's sizes are its own: the sizes of built-in cases are not its settings.
      const std::string name = setting.name;
      values[k][name] = applies(setting, *cases[k].check_case) ? setting_text(field) : std::string("\u2014");
      if (k == 0) help.emplace_back(name, help_text(setting));
    });
  }
  Node shared = sec.add("table");
  header_row(shared, {"setting", "value", "meaning"});
  Node tbody = shared.add("tbody");
  std::vector<std::string> differing;
  for (const auto& row : help) {
    // Named variables, not a structured binding: a lambda capturing a binding
    // is C++20 that clang (clang-tidy) before 16 rejects.
    const std::string& name = row.first;
    const std::string& text = row.second;
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
    cell(tr, text);
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
  if (!has_content && !name.empty() && void_elements.count(name) == 0) element.data() = " ";
}

}  // namespace

std::string to_html(const std::vector<CaseReport>& cases, const RunInfo& info) {
  const std::string created = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
  Tree doc;
  Node root(doc);
  Node html = root.add("html");
  html.attr("xmlns", "http://www.w3.org/1999/xhtml").attr("lang", "en");
  Node head = html.add("head");
  head.add("meta").attr("charset", "utf-8");
  head.add("meta").attr("name", "viewport").attr("content", "width=device-width, initial-scale=1");
  head.add("title", "gradcheck report");
  head.add("style", css);

  Node body = html.add("body");
  Node top = body.add("header");
  top.add("h1", "gradcheck report");
  const Totals t = totals(cases);
  const Verdict overall = t.passed == t.cases ? Verdict::pass : Verdict::fail;
  Node lede = top.add("p");
  lede.attr("class", "lede");
  badge(lede, overall);
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

}  // namespace gradcheck::runner
