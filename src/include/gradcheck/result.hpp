// gradcheck/result.hpp: what one check returns.
#pragma once

#include <Eigen/Core>
#include <ostream>
#include <string>
#include <vector>

#include "gradcheck/options.hpp"

namespace gradcheck {

/// The three outcomes of a check. INCONCLUSIVE means the numerics could not
/// judge the formula at this point (a kink straddled by the step, non-finite
/// values, x + h == x, noise above the difference being judged): it is neither
/// a pass nor a failure of the formula, and a caller should try another point.
enum class Verdict { pass, fail, inconclusive };

/// Why a check did not pass (or none).
enum class Failure {
  none,            ///< passed
  wrong_value,     ///< FAIL: some entry differs by more than its allowance
  wrong_shape,     ///< FAIL: the claimed gradient/Jacobian has the wrong shape
  non_finite,      ///< FAIL if the claim is NaN/Inf; INCONCLUSIVE if f is
  exception,       ///< FAIL: f or the claim threw
  kink,            ///< INCONCLUSIVE: one-sided differences disagree (a kink within the step)
  unresolved,      ///< INCONCLUSIVE: the error estimate exceeds 1% of the derivative
  step_underflow,  ///< INCONCLUSIVE: x + h == x
};

/// Names as used in reports ("pass", "wrong_value", ...).
const char* to_string(Verdict verdict) noexcept;
const char* to_string(Failure failure) noexcept;
inline std::ostream& operator<<(std::ostream& out, Verdict verdict) { return out << to_string(verdict); }
inline std::ostream& operator<<(std::ostream& out, Failure failure) { return out << to_string(failure); }

/// Result of check_gradient / check_jacobian / compare_values. A failed check
/// is a result, never an exception.
struct CheckResult {
  Verdict verdict = Verdict::fail;
  bool passed = false;  ///< verdict == Verdict::pass
  Failure failure = Failure::none;
  /// Empty when passed; otherwise one line saying what failed or why the point
  /// is inconclusive, naming the entry or both shapes. A second opinion that
  /// could not be computed or compared (attach_exact) adds a note, also to a pass.
  std::string message;

  /// Largest |analytic − numeric| over the judged entries.
  double max_abs_error = 0.0;
  /// Largest |analytic − numeric| / max(|analytic|, |numeric|) over the judged
  /// entries the numerics resolve to rtol (rtol · max(|a|, |n|) is at least half
  /// the allowance); entries judged by noise or atol say nothing relative.
  double max_rel_error = 0.0;

  /// The worst judged entry: the one with the largest error / allowance.
  /// For a gradient, worst_output is 0 and worst_input the coordinate. When
  /// the worst is a direction (directional mode, not narrowed to a coordinate),
  /// worst_input is −1 and worst_direction its number.
  Eigen::Index worst_output = -1;
  Eigen::Index worst_input = -1;
  Eigen::Index worst_direction = -1;
  double worst_analytic = 0.0;
  double worst_numeric = 0.0;
  double worst_error = 0.0;
  double worst_allowance = 0.0;
  /// The error estimate of the worst entry's numeric value (0 when the first
  /// difference decided it).
  double worst_estimate = 0.0;
  /// max over judged entries of error / allowance: ≤ 1 means all passed.
  double worst_ratio = 0.0;
  /// Entries that could not be judged (kinks, noise), counted not judged.
  long inconclusive_entries = 0;

  /// The options that were applied (the tolerance of the verdict); `mode` is
  /// the one used (never Mode::automatic).
  CheckOptions options;
  /// Number of calls to f made by the check, and the number predicted up
  /// front (gradcheck::plan; refinement can add to it).
  long evaluations = 0;
  long predicted_evaluations = 0;

  /// What the columns of the matrices below stand for. Empty in full mode:
  /// column j is coordinate j. Sampled: the coordinate of each column.
  /// Directional: −1 for each direction's column (analytic = ∇f·v, numeric =
  /// the difference quotient along v), then the coordinate a failing direction
  /// was narrowed down to, if any.
  std::vector<Eigen::Index> inputs;

  /// Matrices (outputs × columns), for reports; empty when the comparison
  /// could not be made (wrong shape, exception).
  Eigen::MatrixXd analytic;
  Eigen::MatrixXd numeric;
  Eigen::MatrixXd allowance;
  Eigen::MatrixXd estimate;  ///< error estimate per entry (0 where the first difference decided)

  /// Second opinion, where f is templated on its scalar type: the derivative by
  /// forward-mode automatic differentiation, laid out like `analytic`; empty
  /// when there is none. It does not enter the verdict (the verdict is the
  /// finite difference's); it shows whether the two references agree.
  Eigen::MatrixXd exact;
  /// max over judged entries of |exact − numeric| / allowance: above 1, the
  /// finite difference and the exact derivative disagree beyond the allowance.
  /// NaN when it could not be taken (see attach_exact in gradcheck/detail/exact.hpp).
  double exact_vs_numeric = 0.0;
  /// max over entries of |analytic − exact| / max(|analytic|, |exact|): the
  /// claim's relative error against the exact derivative (0 where both are 0;
  /// NaN when the exact derivative is unavailable or not finite).
  double exact_vs_analytic = 0.0;
};

}  // namespace gradcheck
