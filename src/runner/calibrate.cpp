#include "runner/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "runner/run_case.hpp"

namespace gradcheck::runner {

std::vector<double> delta_ladder() {
  std::vector<double> ladder;
  for (int exponent = -10; exponent < -1; ++exponent) {
    for (const double mantissa : {1.0, 2.0, 5.0}) ladder.push_back(mantissa * std::pow(10.0, exponent));
  }
  ladder.push_back(1e-1);
  return ladder;
}

Claim perturbed(const Claim& claim, const std::vector<Block>& layout, double delta, const Eigen::VectorXd& e) {
  return [claim, layout, delta, e](const Eigen::VectorXd& x) {
    std::vector<Eigen::MatrixXd> blocks = claim(x);
    Eigen::Index size = 0;
    for (const auto& b : blocks) size += b.size();
    if (size != e.size()) return blocks;  // a shape the runner will reject anyway
    Eigen::VectorXd g(size);
    Eigen::Index offset = 0;
    for (const auto& b : blocks) {
      g.segment(offset, b.size()) = b.reshaped();
      offset += b.size();
    }
    const Eigen::VectorXd moved = g * (1.0 + delta) + delta * g.norm() * e;
    offset = 0;
    for (auto& b : blocks) {
      b = moved.segment(offset, b.size()).reshaped(b.rows(), b.cols());
      offset += b.size();
    }
    return blocks;
  };
}

std::optional<SensitivityPoint> sensitivity_point(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed,
                                                  int trial) {
  Rng rng = trial_rng(seed, c.id + "/sensitivity", static_cast<std::uint64_t>(trial));
  Problem p;
  bool judged = false;
  for (int attempt = 0; attempt <= settings.resample && !judged; ++attempt) {
    p = c.sample(rng, settings, trial);
    judged = judge_claim(p, p.claim, settings.check, settings.entries).result.verdict == Verdict::pass;
  }
  if (!judged || layout_size(p.layout) < 2) return std::nullopt;
  Eigen::VectorXd e = random_normal(rng, layout_size(p.layout)).normalized();
  return SensitivityPoint{std::move(p), std::move(e)};
}

Calibration calibrate(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int sensitivity_trials) {
  Calibration cal{.id = c.id, .scale = settings.scale};
  const CaseReport report = run_case(c, settings, seed);
  cal.trials = static_cast<int>(report.trials.size());
  cal.false_failures = report.formula_failures();
  cal.inconclusive_points = report.inconclusive_points();
  cal.controls = static_cast<int>(c.controls.size());
  cal.controls_caught = report.controls_caught();
  for (std::size_t k = 0; k < c.controls.size(); ++k) cal.indistinguishable += report.control_indistinguishable(k);

  // Sensitivity: per trial, the smallest ladder δ whose perturbed claim FAILS
  // (bisection: a larger error is rejected if a smaller one is); the case's
  // sensitivity is the largest of these, i.e. rejected in every trial.
  const std::vector<double> ladder = delta_ladder();
  const auto rungs = static_cast<int>(ladder.size());
  int worst = 0;
  std::vector<int> smallest;  // per trial, the smallest rejected rung
  for (int t = 0; t < sensitivity_trials; ++t) {
    const std::optional<SensitivityPoint> point = sensitivity_point(c, settings, seed, t);
    if (!point) continue;
    ++cal.sensitivity_trials;
    const Problem& p = point->problem;
    const Eigen::VectorXd& e = point->e;
    const auto rejected = [&](int k) {
      return judge_claim(p, perturbed(p.claim, p.layout, ladder[static_cast<std::size_t>(k)], e), settings.check,
                         settings.entries)
                 .result.verdict == Verdict::fail;
    };
    int lo = 0;
    int hi = rungs - 1;
    if (!rejected(hi)) {
      worst = rungs;
      smallest.push_back(rungs);
      continue;
    }
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (rejected(mid)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    worst = std::max(worst, lo);
    smallest.push_back(lo);
  }
  const auto delta_at = [&](int rung) {
    return rung < rungs ? ladder[static_cast<std::size_t>(rung)] : std::numeric_limits<double>::infinity();
  };
  cal.sensitivity = delta_at(worst);
  if (!smallest.empty()) {
    std::nth_element(smallest.begin(), smallest.begin() + static_cast<std::ptrdiff_t>(smallest.size() / 2),
                     smallest.end());
    cal.median_sensitivity = delta_at(smallest[smallest.size() / 2]);
  }
  return cal;
}

std::vector<Calibration> calibrate(const std::vector<const CheckCase*>& cases,
                                   const std::vector<CaseSettings>& settings, std::uint64_t seed,
                                   const std::vector<double>& scales, int sensitivity_trials,
                                   const std::function<void(const Calibration&)>& measured) {
  std::vector<Calibration> rows;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    for (const double scale : scales) {
      CaseSettings s = settings.at(i);
      s.scale = scale;
      rows.push_back(calibrate(*cases[i], s, seed, sensitivity_trials));
      if (measured) measured(rows.back());
    }
  }
  return rows;
}

}  // namespace gradcheck::runner
