// report/svg_plot.hpp: the step-size plot of the HTML report, inline SVG: the
// error of the central difference against its step (runner/step_curve.hpp),
// log-log, for the formula and each negative control at one trial.
#pragma once

#include <string>

#include "report/xml.hpp"
#include "runner/curves.hpp"

namespace gradcheck::report {

/// Appends to `figure` the plot of `s` (curves of case `case_id`) as <svg>,
/// and a <figcaption> that says how to read it and which curves are missing.
void step_plot(xml::Node figure, const std::string& case_id, const runner::StepCurves& s);

}  // namespace gradcheck::report
