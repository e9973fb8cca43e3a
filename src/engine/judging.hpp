// engine/judging.hpp (internal): what check_impl (check.cpp) hands to the
// phases that judge a check's entries: coordinates on threads
// (coordinates.cpp) or random directions (directional.cpp).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "differences.hpp"
#include "gradcheck/check.hpp"

namespace gradcheck::detail {

/// What one check was given, with f(x) and the claim once evaluated.
struct CheckInputs {
  const VectorFunction& f;
  const Eigen::VectorXd& x;
  const CheckOptions& options;  // as given (the planned mode and samples are in the result's)
  ClaimKind kind;
  Precision precision;
  Eigen::VectorXd fx;       // f(x): m outputs
  Eigen::VectorXd claimed;  // the claim's m × n entries, column-major; freed once copied for a full or sampled check
  /// The claim as an m × n matrix: a gradient's n × 1 column is the 1 × n row of a Jacobian.
  Eigen::Map<const Eigen::MatrixXd> claim() const { return {claimed.data(), fx.size(), x.size()}; }
};

/// The judged state of a check: matrices (outputs × columns), each entry's
/// verdict (one byte), and the first inconclusive entry's judgement (lowest
/// column, then output: the same whichever worker judged it).
struct JudgedEntries {
  Eigen::MatrixXd numeric, allowance, estimate;
  std::vector<std::uint8_t> verdicts;  // Verdict values
  std::mutex mutex;                    // guards first_inconclusive and kinks
  std::vector<KinkSlopes> kinks;       // in the order recorded: sorted at the end
  std::size_t first_inconclusive_at = std::numeric_limits<std::size_t>::max();
  EntryJudgement first_inconclusive;

  JudgedEntries(Eigen::Index outputs, Eigen::Index columns);
  /// Where judge_axis writes column c; `judged` is the caller's scratch.
  AxisOutput column(Eigen::Index c, std::vector<EntryJudgement>& judged) {
    return {numeric, allowance, estimate, judged, c};
  }
  /// Keeps what judge_axis judged along column c.
  void record(Eigen::Index c, const std::vector<EntryJudgement>& judged);
  /// Whether an entry of column c FAILed.
  bool fails(Eigen::Index c) const;
  /// Keeps the first `columns` columns only.
  void keep_columns(Eigen::Index columns);
};

/// Threads for judging (or drawing directions over) `columns` columns: as
/// options.threads asks (0: every core), at most one per unit of columns.
int thread_count(const CheckOptions& options, Eigen::Index columns);

/// A full or sampled check: the coordinates it judges into r.inputs (sampled)
/// and their claimed entries into r.analytic, then each judged, on threads,
/// into `judged`. Frees inputs.claimed. Throws FunctionThrew if f throws.
void judge_coordinates(CheckInputs& inputs, const Eigen::VectorXd& rounding, CheckResult& r,
                       std::optional<JudgedEntries>& judged);

/// The directions of a directional check: the current one (its draws `v`)
/// with ∇f_i·v per output (`projected`), and the spread of ∇f_i·v over
/// directions (draw_direction).
struct Directions {
  int threads = 1;  // drawing a direction
  Eigen::VectorXf v;
  Eigen::VectorXd projected;
  Eigen::VectorXd spread;
};

/// A directional check: direction 0 (already drawn, the noise probed along
/// it) and the planned others judged along `along` on `worker`; the first
/// failing direction bisected down to a coordinate, judged as in a full check.
/// Throws FunctionThrew if f throws.
void judge_directions(const CheckInputs& inputs, Worker& worker, Axis& along, Directions& directions,
                      const Eigen::VectorXd& rounding, CheckResult& r, std::optional<JudgedEntries>& judged);

}  // namespace gradcheck::detail
