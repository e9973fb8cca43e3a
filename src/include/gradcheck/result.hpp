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
/// The verdict as a headline ("PASS", "FAIL", "INCONCLUSIVE"): result lines and report tables.
const char* headline(Verdict verdict) noexcept;
inline std::ostream& operator<<(std::ostream& out, Verdict verdict) { return out << to_string(verdict); }
inline std::ostream& operator<<(std::ostream& out, Failure failure) { return out << to_string(failure); }

/// What a check compared: names its entries in messages (entry_name).
enum class CheckKind {
  gradient,  ///< a scalar f's gradient: entry x[j] (or W1[7,3] by block)
  jacobian,  ///< a vector f's Jacobian: entry (i, j)
  values,    ///< compare_values: entry [j]
};
/// "gradient", "jacobian", "values".
const char* to_string(CheckKind kind) noexcept;
inline std::ostream& operator<<(std::ostream& out, CheckKind kind) { return out << to_string(kind); }

/// A named parameter block of x and how its entries fared (check_gradient of
/// gradcheck::Parameters, parameters.hpp). The block is stored column-major
/// in x from `offset`: entry name[i,j] is x[offset + i + j·rows]; a column
/// (cols == 1) names its entries name[i], a 1 × 1 block is `name` alone.
struct BlockSummary {
  std::string name;
  Eigen::Index rows = 0;
  Eigen::Index cols = 1;
  Eigen::Index offset = 0;
  /// Entries of the block the check judged (all of them in full mode; the
  /// drawn ones in sampled mode; a directional check judges directions, which
  /// belong to no block, and counts here only the coordinate a failing one
  /// was narrowed down to).
  long judged = 0;
  long failing = 0;       ///< judged entries that FAIL
  long inconclusive = 0;  ///< judged entries left INCONCLUSIVE
};

/// An entry whose kink test (check.hpp, KINKS) found a kink of f within its
/// first step h, and the one-sided slopes of f along the entry's axis measured
/// there. For one kink at distance δ < h from x, the slopes beyond x ± h,
/// 2·left2 − left and 2·right2 − right, are the slopes either side of it
/// (with δ between h and 2h, that side's shows the far slope only in part):
/// what a diagnosis needs to say that a claim is the other side's slope.
struct KinkSlopes {
  Eigen::Index output = 0;  ///< the entry's row in CheckResult::analytic
  Eigen::Index column = 0;  ///< and its column
  double left = 0.0;        ///< (f(x) − f(x − h)) / h
  double right = 0.0;       ///< (f(x + h) − f(x)) / h
  double left2 = 0.0;       ///< (f(x) − f(x − 2h)) / (2h)
  double right2 = 0.0;      ///< (f(x + 2h) − f(x)) / (2h)
};

/// Result of check_gradient / check_jacobian / compare_values. A failed check
/// is a result, never an exception. Printed in full by operator<< below (the
/// test-framework adapters boost_test.hpp and gtest.hpp print that on failure).
struct CheckResult {
  /// The outcome. Set together with `passed`, by set_verdict only.
  Verdict verdict = Verdict::fail;
  /// verdict == Verdict::pass, kept for code that reads it. The library
  /// assigns it in one place, set_verdict, so no result it returns has the two
  /// disagree; the adapters and operator<< read `verdict`.
  bool passed = false;
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
  /// Judged entries that FAIL (0 unless the verdict is FAIL for wrong values),
  /// out of analytic.size() judged.
  long failing_entries = 0;

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
  /// Each judged entry's verdict, column-major like `analytic` (entry (i, c)
  /// at i + c · rows); empty when no entry was compared.
  std::vector<Verdict> verdicts;
  /// The judged entries with a kink within their first step (whatever their
  /// verdict), by column then output; empty for most checks. Entries the
  /// first difference decides are not tested for kinks.
  std::vector<KinkSlopes> kinks;

  /// What was compared, for naming entries (entry_name).
  CheckKind kind = CheckKind::gradient;
  /// The named parameter blocks x is made of (check_gradient of Parameters),
  /// with per-block counts; empty for a flat x, whose entries are x[j].
  std::vector<BlockSummary> blocks;

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

  /// The one place `verdict` and `passed` are assigned.
  void set_verdict(Verdict v) noexcept {
    verdict = v;
    passed = v == Verdict::pass;
  }
};

/// The name of entry (output, input) of r: "W1[7,3]" or "b2[3]" by r.blocks,
/// else "x[j]" (gradient), "(i, j)" (Jacobian) or "[j]" (values). input −1
/// (a direction) gives "direction <column>" only through operator<<.
std::string entry_name(const CheckResult& r, Eigen::Index output, Eigen::Index input);

/// The full explanation of a result, several lines: the verdict and message;
/// the number of failing and inconclusive entries out of those judged; per
/// parameter block (if r.blocks) its counts; and, unless it passed, the worst
/// entries (up to 5, largest error / allowance first) by name with analytic,
/// numeric, error and allowance. What the adapters print on failure.
std::ostream& operator<<(std::ostream& out, const CheckResult& r);

}  // namespace gradcheck
