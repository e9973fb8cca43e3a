// Directional checks: the claim judged along random directions, and a failing
// direction bisected down to the coordinate where the claim is wrong.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "judging.hpp"

namespace gradcheck::detail {
namespace {

// Bisects a failing direction down to the coordinate where the claim is
// wrong. The discrepancy D(S) = a·v_S − (difference quotient along v_S) is
// additive over disjoint coordinate sets S, up to rounding: bisect, measuring
// D on the left half by one central difference and inferring the right half's
// as D(S) − D(left), and keep the half with the larger |D| relative to its
// noise. Two evaluations per halving (log2 n of them). Returns the single
// coordinate reached, or −1 if the discrepancy stops being resolved (an error
// spread over many coordinates).
Eigen::Index bisect_to_coordinate(Worker& worker, const Axis& along, const CheckInputs& inputs, Eigen::Index output,
                                  double noise, double discrepancy) {
  const Eigen::VectorXf& v = *along.direction;
  const auto a = inputs.claim();
  Axis half = along;  // its label is the direction's; move() names the coordinates
  const double h = inputs.options.step;
  Eigen::Index lo = 0;
  Eigen::Index hi = v.size();
  double d_whole = discrepancy;
  while (hi - lo > 1) {
    const Eigen::Index mid = lo + (hi - lo) / 2;
    half.lo = lo;
    half.hi = mid;
    worker.at(half, h, worker.fp);
    worker.at(half, -h, worker.fm);
    const double numeric = (worker.fp(output) - worker.fm(output)) / (2.0 * h);
    const double d_left =
        a.row(output).segment(lo, mid - lo).dot(scaled_direction(v, inputs.x, lo, mid - lo)) - numeric;
    const double d_right = d_whole - d_left;
    if (std::max(std::abs(d_left), std::abs(d_right)) <= inputs.options.noise_factor * noise) return -1;
    if (std::abs(d_left) >= std::abs(d_right)) {
      hi = mid;
      d_whole = d_left;
    } else {
      lo = mid;
      d_whole = d_right;
    }
  }
  return lo;
}

// Bisects failing direction d along the output that fails it by the widest
// margin.
Eigen::Index bisect_failing_direction(Worker& worker, const Axis& along, const CheckInputs& inputs,
                                      const Eigen::VectorXd& rounding, const CheckResult& r,
                                      const JudgedEntries& judged, Eigen::Index d) {
  Eigen::Index output = 0;
  ((r.analytic.col(d) - judged.numeric.col(d)).cwiseAbs().array() / judged.allowance.col(d).array()).maxCoeff(&output);
  const double noise =
      std::max(worker.eps() * std::max(std::abs(inputs.fx(output)), 1.0), rounding(output)) / inputs.options.step;
  return bisect_to_coordinate(worker, along, inputs, output, noise, r.analytic(output, d) - judged.numeric(output, d));
}

}  // namespace

void judge_directions(const CheckInputs& inputs, Worker& worker, Axis& along, Directions& directions,
                      const Eigen::VectorXd& rounding, CheckResult& r, std::optional<JudgedEntries>& judged) {
  const long k = r.options.samples;
  const Eigen::Index m = inputs.fx.size();
  const auto a = inputs.claim();
  std::vector<EntryJudgement> scratch;  // along one direction or coordinate
  judged.emplace(m, k + 1);
  r.analytic.resize(m, k + 1);
  Eigen::Index guilty = -1;
  bool bisected = false;
  for (long d = 0; d < k; ++d) {
    if (d > 0)
      directions.projected = draw_direction(inputs.options.seed, d, a, inputs.x, directions.threads, directions.v);
    along.label = fmt::format("direction {}", d);
    r.analytic.col(d) = directions.projected;
    r.inputs.push_back(-1);
    judge_axis(worker, along, r.analytic.col(d), directions.spread, inputs.fx, rounding, inputs.options, inputs.kind,
               judged->column(d, scratch));
    judged->record(d, scratch);
    if (!bisected && judged->fails(d)) {
      bisected = true;
      guilty = bisect_failing_direction(worker, along, inputs, rounding, r, *judged, d);
    }
  }
  if (guilty >= 0) {
    // Judge the guilty coordinate as a full check would: the named entry.
    Axis coordinate;
    coordinate.coordinate = guilty;
    coordinate.scale = coordinate_scale(inputs.x(guilty));
    r.analytic.col(k) = a.col(guilty);
    r.inputs.push_back(guilty);
    const Eigen::VectorXd row_scale = a.cwiseAbs().rowwise().maxCoeff();
    judge_axis(worker, coordinate, r.analytic.col(k), row_scale, inputs.fx, rounding, inputs.options, inputs.kind,
               judged->column(k, scratch));
    judged->record(k, scratch);
  } else {
    r.analytic.conservativeResize(m, k);
    judged->keep_columns(k);
  }
  r.evaluations += worker.evaluations;
}

}  // namespace gradcheck::detail
