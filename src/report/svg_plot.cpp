#include "report/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <vector>

namespace gradcheck::report {
namespace {

using runner::StepCurve;
using runner::StepCurves;
using xml::Node;

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

// The error axis: whole decades around every error drawn and the allowance.
Frame frame_for(const StepCurves& s) {
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
  f.lo = std::max(std::floor(std::log10(lo) - 0.25), std::log10(runner::step_curve_floor));
  f.hi = std::max(std::ceil(std::log10(hi) + 0.25), f.lo + 3.0);
  return f;
}

// The <svg> element with its title and the plot's white frame.
Node svg_element(Node figure, const Frame& f, const std::string& title) {
  Node svg = figure.add("svg");
  svg.attr("xmlns", "http://www.w3.org/2000/svg");
  svg.attr("width", num(f.width)).attr("height", num(f.height));
  svg.attr("viewBox", fmt::format("0 0 {} {}", f.width, f.height));
  svg.attr("role", "img");
  svg.attr("aria-label", title);
  svg.add("title", title);
  Node frame = svg.add("rect");
  frame.attr("x", num(f.left)).attr("y", num(f.top)).attr("width", num(f.right - f.left));
  frame.attr("height", num(f.bottom - f.top)).attr("fill", "#ffffff").attr("stroke", "#8c959f");
  return svg;
}

// Grid and tick labels: a line per decade, labels every one or two; the axis names.
void axes(Node svg, const Frame& f) {
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
}

// The run's step and the formula's allowance at its worst entry.
void reference_lines(Node svg, const Frame& f, const StepCurves& s) {
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
}

// The curves with their legend; controls under the formula, so the
// formula's curve stays visible.
void curves_with_legend(Node svg, const Frame& f, const StepCurves& s) {
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
}

void caption(Node figure, const StepCurves& s) {
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

}  // namespace

void step_plot(Node figure, const std::string& case_id, const StepCurves& s) {
  const Frame f = frame_for(s);
  const std::string title =
      fmt::format("{}: |analytic - D(h)| against the step h at trial {}, log-log", case_id, s.trial);
  Node svg = svg_element(figure, f, title);
  axes(svg, f);
  reference_lines(svg, f, s);
  curves_with_legend(svg, f, s);
  caption(figure, s);
}

}  // namespace gradcheck::report
