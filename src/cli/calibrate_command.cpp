#include "cli/calibrate_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "gradcheck/error.hpp"
#include "runner/calibrate.hpp"

namespace po = boost::program_options;

namespace gradcheck::cli {

po::options_description calibrate_options() {
  po::options_description o("Calibrate options");
  o.add_options()("scales", po::value<std::string>()->default_value("0.01,1,30"),
                  "with calibrate: comma-separated point scales")(
      "sensitivity-trials", po::value<int>()->default_value(100), "with calibrate: trials of the sensitivity search");
  return o;
}

namespace {

std::vector<double> parse_scales(const std::string& text) {
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
    if (used != item.size() || !(v > 0.0 && v <= 1e6)) {
      throw Error(fmt::format("--scales '{}' is invalid: expected numbers in (0, 1e6] separated by commas", text));
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

int calibrate_command(const std::vector<const runner::CheckCase*>& cases, const runner::SettingsSource& source,
                      std::uint64_t seed, const po::variables_map& vm) {
  const std::vector<double> scales = parse_scales(vm["scales"].as<std::string>());
  const int sensitivity_trials = vm["sensitivity-trials"].as<int>();
  if (sensitivity_trials < 0) {
    throw Error(fmt::format("--sensitivity-trials {} is invalid: expected a whole number >= 0", sensitivity_trials));
  }
  const auto start = std::chrono::steady_clock::now();
  fmt::print("{:<36} {:>6} {:>7} {:>6} {:>12} {:>8} {:>6} {:>12}  {}\n", "case", "scale", "trials", "false",
             "inconclusive", "controls", "equal", "sensitivity", "(trials)  median");
  bool clean = true;
  for (const auto* c : cases) {
    for (const double scale : scales) {
      runner::CaseSettings s = source.for_case(c->id);
      s.scale = scale;
      const runner::Calibration cal = runner::calibrate(*c, s, seed, sensitivity_trials);
      clean = clean && cal.false_failures == 0 && cal.controls_caught == cal.controls;
      fmt::print("{:<36} {:>6} {:>7} {:>6} {:>12} {:>5}/{:<2} {:>6} {:>12}  ({:>3})  {}\n", cal.id, scale, cal.trials,
                 cal.false_failures, cal.inconclusive_points, cal.controls_caught, cal.controls, cal.indistinguishable,
                 format_delta(cal.sensitivity, cal.sensitivity_trials), cal.sensitivity_trials,
                 format_delta(cal.median_sensitivity, cal.sensitivity_trials));
      std::fflush(stdout);
    }
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("seed {}, {:.0f} s; sensitivity: smallest relative error g(1+d) + d|g|e rejected in every trial\n", seed,
             seconds);
  return clean ? 0 : 1;
}

}  // namespace gradcheck::cli
