// runner/diagnosis.hpp: what a failing claim's wrong entries have in common.
//
// A student's wrong gradient is seldom wrong at random: a flipped sign, a
// missing factor 2, a transposed matrix, one block or one row forgotten. Given
// a judged claim (the claimed and numeric entries, their allowances and the
// layout of x), diagnose() names the pattern when one fits every failing entry:
//
//   ratio      claim = c · numeric at every failing entry, for one simple c = p/q
//              (|p|, q <= 4): c = −1 a sign flip, c = 2 or ½ a factor 2;
//   transpose  a square block's claim equals the transpose of its numeric derivative;
//   location   the failing entries all lie in one block (others judged and
//              passing), or in one row, one column or one entry of a block;
//   kink side  every failing entry has a kink within its first step
//              (CheckResult::kinks), its numeric value is the slope of the
//              point's side and its claim the other side's (to 1% of the
//              slopes; where the kink lies between h and 2h, at or beyond the
//              mixed slope measured there), the sides 10% apart. Checked
//              before the ratio, except a sign flip (|x|: the other side's
//              slope is −1 × this one's).
//
// A ratio or a kink side and a location combine ("sign flip ...; only row 2 of U is wrong").
// A random wrong claim fits none: its ratios differ and its failures are spread.
// A claim of the wrong shape is diagnosed before any comparison (shape_diagnosis).
#pragma once

#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "gradcheck/result.hpp"
#include "runner/case.hpp"

namespace gradcheck::runner {

struct Diagnosis {
  /// "sign", "factor", "ratio", "transpose", "shape", "kink", "block", "row",
  /// "column" or "entry"; a ratio or kink with a location is the ratio's or kink's kind.
  std::string kind;
  /// One line for people, e.g. "sign flip: the claim for x is −1 × the
  /// numeric derivative at every failing entry".
  std::string text;
  /// Equal for trials that fail the same way (reports print one line for
  /// them): the kind, the blocks named and, for a ratio, its value; not the
  /// sizes or rows, which change from trial to trial.
  std::string key;
};

/// The diagnosis of a judged claim `r` (analytic, numeric and allowance as
/// outputs × columns; columns are r.inputs or, if empty, every coordinate),
/// x laid out as `layout`. Empty if nothing failed or no pattern fits. Pure:
/// reads nothing but its arguments.
std::optional<Diagnosis> diagnose(const CheckResult& r, const std::vector<Block>& layout, ProblemKind kind);

/// A claim whose block `want` came out rows × cols: "your claim for W is
/// 2×7; W is 7×2 (the transpose)" or "your claim for v_c is 8×1; v_c is 3×1".
Diagnosis shape_diagnosis(const Block& want, Eigen::Index rows, Eigen::Index cols);

}  // namespace gradcheck::runner
