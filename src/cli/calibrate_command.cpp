#include "cli/calibrate_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "gradcheck/error.hpp"
#include "runner/calibrate.hpp"

namespace po = boost::program_options;

namespace gradcheck::cli {
namespace {

// The calibrate command's own settings (the scales are values of the `scale` setting).
const runner::Setting sensitivity_trials_setting{"sensitivity_trials",
                                                 "with calibrate: trials of the sensitivity search",
                                                 runner::Domain::whole_from(0), detail::word2vec_cases_only};

runner::Setting scale_setting() { return runner::find_setting("scale").value(); }

std::vector<double> parse_scales(const std::string& text) {
  const runner::Setting scale = scale_setting();
  std::vector<double> scales;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !detail::within(scale.domain, v)) {
      throw Error(fmt::format("--scales '{}' is invalid at '{}': expected scales separated by commas, each {}", text,
                              item, expected_text(scale)));
    }
    scales.push_back(v);
  }
  if (scales.empty()) throw Error("--scales is empty: expected numbers separated by commas");
  return scales;
}

std::string format_delta(double d, int trials) {
  if (trials == 0) return "n/a";  // one-coordinate points only: see calibrate.cpp
  return std::isinf(d) ? std::string("> 1e-1") : fmt::format("{:.0e}", d);
}

}  // namespace

po::options_description calibrate_options() {
  po::options_description o("Calibrate options");
  o.add_options()("scales", po::value<std::string>()->default_value("0.01,1,30"),
                  ("with calibrate: point scales separated by commas, each " + expected_text(scale_setting())).c_str())(
      sensitivity_trials_setting.name, po::value<int>()->default_value(100),
      help_text(sensitivity_trials_setting).c_str());
  return o;
}

int calibrate_command(const std::vector<const runner::CheckCase*>& cases,
                      const std::vector<runner::CaseSettings>& settings, std::uint64_t seed,
                      const po::variables_map& vm) {
  const std::vector<double> scales = parse_scales(vm["scales"].as<std::string>());
  const int sensitivity_trials = vm[sensitivity_trials_setting.name].as<int>();
  if (!detail::within(sensitivity_trials_setting.domain, sensitivity_trials)) {
    throw Error(invalid_text(fmt::format("--{} {}", sensitivity_trials_setting.name, sensitivity_trials),
                             sensitivity_trials_setting));
  }
  const auto start = std::chrono::steady_clock::now();
  fmt::print("{:<36} {:>6} {:>7} {:>6} {:>12} {:>8} {:>6} {:>12}  {}\n", "case", "scale", "trials", "false",
             "inconclusive", "controls", "equal", "sensitivity", "(trials)  median");
  const auto print_row = [](const runner::Calibration& cal) {
    fmt::print("{:<36} {:>6} {:>7} {:>6} {:>12} {:>5}/{:<2} {:>6} {:>12}  ({:>3})  {}\n", cal.id, cal.scale, cal.trials,
               cal.false_failures, cal.inconclusive_points, cal.controls_caught, cal.controls, cal.indistinguishable,
               format_delta(cal.sensitivity, cal.sensitivity_trials), cal.sensitivity_trials,
               format_delta(cal.median_sensitivity, cal.sensitivity_trials));
    std::fflush(stdout);
  };
  const std::vector<runner::Calibration> rows =
      runner::calibrate(cases, settings, seed, scales, sensitivity_trials, print_row);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("seed {}, {:.0f} s; sensitivity: smallest relative error g(1+d) + d|g|e rejected in every trial\n", seed,
             seconds);
  return std::all_of(rows.begin(), rows.end(), [](const runner::Calibration& r) { return r.clean(); }) ? 0 : 1;
}

}  // namespace gradcheck::cli
