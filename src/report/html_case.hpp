// report/html_case.hpp: a case's section of the HTML report.
#pragma once

#include "report/xml.hpp"
#include "runner/run_case.hpp"

namespace gradcheck::report::html {

/// Appends to `parent` the section of case `r`: verdict, formula and
/// convention, trials and the second opinion, the trial shown in detail
/// (worst_trial) with its step-size plot and worst entries, then its
/// failures, inconclusive trials and disagreements of the exact derivative.
void case_section(xml::Node parent, const runner::CaseReport& r);

}  // namespace gradcheck::report::html
