#include "report/html_parts.hpp"

#include <fmt/format.h>

#include <cmath>

namespace gradcheck::report::html {

std::string slug(const std::string& id, const char* prefix) {
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

std::string exact_text(double v) { return std::isnan(v) ? std::string("\u2014") : value(v); }

const char* css_class(Verdict v) { return gradcheck::to_string(v); }

std::string trials_text(const runner::CaseReport& r) {
  std::string s = fmt::format("{}/{} passed", r.formula_passes(), r.trials.size());
  if (r.formula_failures() > 0) s += fmt::format(", {} failed", r.formula_failures());
  if (r.inconclusive_trials() > 0) s += fmt::format(", {} inconclusive", r.inconclusive_trials());
  return s;
}

Node badge(Node parent, Verdict v) {
  Node b = parent.add("span", headline(v));
  b.attr("class", fmt::format("badge {}", css_class(v)));
  return b;
}

Node cell(Node row, std::string_view text, const char* cls) {
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
  return code_cell(tr, text);
}

void more_item(Node list, std::size_t more) {
  list.add("li", fmt::format("\u2026 and {} more (all are in gradcheck.json)", more));
}

}  // namespace gradcheck::report::html
