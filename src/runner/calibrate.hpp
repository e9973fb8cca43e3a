// runner/calibrate.hpp: measure the checker on its own cases: false failures,
// inconclusive points, negative controls caught, and the sensitivity.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runner/case.hpp"
#include "runner/settings.hpp"

namespace gradcheck::runner {

/// The ladder of relative gradient errors δ tried by the sensitivity test:
/// 1e-10, 2e-10, 5e-10, 1e-9, ..., 5e-2, 1e-1.
std::vector<double> delta_ladder();

/// `claim` perturbed as g·(1 + δ) + δ·‖g‖·e, with g the claim packed like x
/// (all blocks as one vector) and e a unit vector of that size.
Claim perturbed(const Claim& claim, const std::vector<Block>& layout, double delta, const Eigen::VectorXd& e);

/// A point of a sensitivity trial and the unit vector e of its perturbation.
struct SensitivityPoint {
  Problem problem;
  Eigen::VectorXd e;
};
/// Sensitivity trial `trial` of `c`: a point drawn from
/// trial_rng(seed, c.id + "/sensitivity", trial), redrawn up to
/// settings.resample times until the formula PASSes there, and a random unit
/// e drawn after it. nullopt if no point passed, or if the point has fewer
/// than two coordinates (with one, g(1 + δ) + δ|g|e is g whenever
/// e = −sign(g): no checker can reject it).
std::optional<SensitivityPoint> sensitivity_point(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed,
                                                  int trial);

struct Calibration {
  std::string id;
  double scale = 1.0;
  int trials = 0;               ///< trials run (formula judged)
  int false_failures = 0;       ///< trials where the correct formula FAILED
  int inconclusive_points = 0;  ///< points judged INCONCLUSIVE (redrawn or left)
  int controls = 0;
  int controls_caught = 0;    ///< controls rejected in every conclusive trial where they differ from the formula
  int indistinguishable = 0;  ///< control-points where a control equals the formula to within the allowance
  int sensitivity_trials = 0;
  /// Smallest ladder δ rejected in every sensitivity trial; +inf if none is.
  double sensitivity = 0.0;
  /// The median over trials of the smallest rejected δ (the typical case).
  double median_sensitivity = 0.0;

  /// No false failure, and every control caught.
  bool clean() const { return false_failures == 0 && controls_caught == controls; }
};

/// Runs `settings.trials` trials of `c` at `settings.scale` for the false
/// failures, inconclusive points and controls, and the first
/// `sensitivity_trials` of them again with the perturbed claim.
Calibration calibrate(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int sensitivity_trials);

/// `gradcheck calibrate`: calibrate() of each case (with its `settings`, in
/// the same order) at each point scale of `scales`, the scale replacing
/// settings.scale. Calls `measured` with each row as soon as it is measured.
std::vector<Calibration> calibrate(const std::vector<const CheckCase*>& cases,
                                   const std::vector<CaseSettings>& settings, std::uint64_t seed,
                                   const std::vector<double>& scales, int sensitivity_trials,
                                   const std::function<void(const Calibration&)>& measured = {});

}  // namespace gradcheck::runner
