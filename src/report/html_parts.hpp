// report/html_parts.hpp: the pieces the HTML report's sections are built of
// (html_report.cpp, html_case.cpp): table cells, badges, facts, numbers.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "report/xml.hpp"
#include "runner/run_case.hpp"

namespace gradcheck::report::html {

using xml::Node;

/// At most this many trials are listed per failing formula or control; the
/// JSON report has them all.
inline constexpr std::size_t listed_trials = 5;

/// The element id of a case's section; `prefix` "#" makes it a link target.
std::string slug(const std::string& id, const char* prefix = "");
/// An error or allowance: "1.23e-07", "0" for zero.
std::string sci(double v);
/// An analytic or numeric value: "{:.10g}".
std::string value(double v);
/// An exact (AD) value, or a dash where there is none (NaN).
std::string exact_text(double v);
/// The CSS class of a verdict: pass, fail, inconclusive.
const char* css_class(Verdict v);
/// "20/20 passed, 1 failed, 2 inconclusive" (the non-zero parts).
std::string trials_text(const runner::CaseReport& r);

/// A coloured PASS / FAIL / INCONCLUSIVE badge appended to `parent`.
Node badge(Node parent, Verdict v);
/// A <td> of `row` holding `text`, with class `cls` if given.
Node cell(Node row, std::string_view text, const char* cls = nullptr);
/// A <td> of `row` holding `text` as <code>.
Node code_cell(Node row, std::string_view text);
/// The <thead> row of `table`.
void header_row(Node table, std::initializer_list<const char*> names);
/// A row "name | text" of a facts table; fact_code holds the text as <code>.
void fact(Node table, const char* name, std::string_view text);
Node fact_code(Node table, const char* name, std::string_view text);
/// A list item "… and N more (all are in gradcheck.json)".
void more_item(Node list, std::size_t more);

}  // namespace gradcheck::report::html
