// gradcheck/result.hpp: what one check returns.
#pragma once

#include <Eigen/Core>
#include <ostream>
#include <string>

#include "gradcheck/options.hpp"

namespace gradcheck {

/// Why a check did not pass. A wrong formula is `wrong_value`; the others say
/// the comparison could not be made as asked.
enum class Failure {
  none,         ///< passed
  wrong_value,  ///< some entry differs by more than its allowance
  wrong_shape,  ///< the claimed gradient/Jacobian has the wrong shape
  non_finite,   ///< NaN or Inf in f, the claim, or the difference quotient
  exception,    ///< f or the claim threw
};

/// Name of a Failure, as used in reports ("wrong_value", ...).
const char* to_string(Failure failure) noexcept;
inline std::ostream& operator<<(std::ostream& out, Failure failure) { return out << to_string(failure); }

/// Result of check_gradient / check_jacobian / compare_values. A failed check
/// is a result, never an exception.
struct CheckResult {
  bool passed = false;
  Failure failure = Failure::none;
  /// Empty when passed; otherwise one line saying what failed, naming the entry
  /// or both shapes.
  std::string message;

  /// Largest |analytic − numeric| over all entries.
  double max_abs_error = 0.0;
  /// Largest |analytic − numeric| / max(|analytic|, |numeric|), over the entries
  /// with rtol · max(|analytic|, |numeric|) ≥ atol (smaller ones are judged by
  /// the absolute floor, where a relative error means nothing).
  double max_rel_error = 0.0;

  /// The worst entry: the one with the largest error / allowance ratio.
  /// For a gradient, worst_output is 0 and worst_input the coordinate.
  Eigen::Index worst_output = -1;
  Eigen::Index worst_input = -1;
  double worst_analytic = 0.0;
  double worst_numeric = 0.0;
  double worst_error = 0.0;
  double worst_allowance = 0.0;
  /// max over entries of error / allowance: ≤ 1 means every entry passed.
  double worst_ratio = 0.0;

  /// The options that were applied (the tolerance of the verdict).
  CheckOptions options;
  /// Number of calls to f made by the check.
  long evaluations = 0;

  /// Full matrices (outputs × inputs), for reports; empty when the comparison
  /// could not be made (wrong shape, exception).
  Eigen::MatrixXd analytic;
  Eigen::MatrixXd numeric;
  Eigen::MatrixXd allowance;
};

}  // namespace gradcheck
