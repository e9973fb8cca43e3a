// check_impl, the engine's entry point: its phases in order (f at x, the
// claim, the noise probe, the entries judged, the summary and verdict).
#include "gradcheck/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "judging.hpp"
#include "names.hpp"
#include "plan.hpp"
#include "threads.hpp"
#include "verdicts.hpp"

namespace gradcheck::detail {

Eigen::VectorXf& float_point() {
  thread_local Eigen::VectorXf point;
  return point;
}

std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

namespace {

// The result before f is called: the options, with the planned mode and
// samples, and the evaluations predicted.
CheckResult planned_result(Eigen::Index n, const CheckOptions& options, ClaimKind kind) {
  CheckResult r;
  r.options = options;
  r.kind = check_kind(kind);
  const Plan planned = plan(n, options);  // refuses an empty x before f is called
  r.options.mode = planned.mode;
  r.options.samples = planned.samples;
  r.predicted_evaluations = planned.evaluations;
  return r;
}

// "gradient" or "Jacobian", for messages.
const char* claim_name(ClaimKind kind) { return kind == ClaimKind::gradient ? "gradient" : "Jacobian"; }

// f at x into inputs.fx; the verdict if f throws there or is not finite.
std::optional<CheckResult> evaluate_at_x(CheckInputs& inputs, CheckResult& r) {
  try {
    ++r.evaluations;
    inputs.f(inputs.x, inputs.fx);
  } catch (...) {
    return conclude(r, Verdict::fail, Failure::exception, "f threw at x: " + current_exception_text());
  }
  for (Eigen::Index i = 0; i < inputs.fx.size(); ++i) {
    if (!std::isfinite(inputs.fx(i))) {
      return conclude(r, Verdict::inconclusive, Failure::non_finite,
                      fmt::format("f(x) output {} is not finite ({}): no derivative to compare with", i, inputs.fx(i)));
    }
  }
  return std::nullopt;
}

// The claim at x into inputs.claimed; the verdict if it throws, has the wrong
// shape or an entry that is not finite.
std::optional<CheckResult> evaluate_claim(CheckInputs& inputs, const MatrixFunction& claim, CheckResult& r) {
  const char* what = claim_name(inputs.kind);
  const Eigen::Index n = inputs.x.size();
  const Eigen::Index m = inputs.fx.size();
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  try {
    inputs.claimed = claim(inputs.x, rows, cols);
  } catch (...) {
    return conclude(r, Verdict::fail, Failure::exception,
                    fmt::format("the claimed {} threw: {}", what, current_exception_text()));
  }
  if (inputs.kind == ClaimKind::gradient) {
    if (rows != n || cols != 1) {
      return conclude(
          r, Verdict::fail, Failure::wrong_shape,
          fmt::format("gradient has shape {}x{}, expected {}x1 (one entry per coordinate of x)", rows, cols, n));
    }
  } else if (rows != m || cols != n) {
    return conclude(r, Verdict::fail, Failure::wrong_shape,
                    fmt::format("Jacobian has shape {}x{}, expected {}x{} (outputs x inputs)", rows, cols, m, n));
  }
  const auto a = inputs.claim();
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!std::isfinite(a(i, j))) {
        return conclude(r, Verdict::fail, Failure::non_finite,
                        fmt::format("{} entry {} is not finite: {}", what, indexed_entry_name(r.kind, i, j), a(i, j)));
      }
    }
  }
  return std::nullopt;
}

// The noise of f measured along direction 0 (directional) or the probe's
// alternating direction, then every entry judged. The probe's worker, and the
// pool that shares its passes over a large x, is freed before a full or
// sampled check's workers make their copies of x.
void judge_entries(CheckInputs& inputs, CheckResult& r, std::optional<JudgedEntries>& judged) {
  const Eigen::Index n = inputs.x.size();
  const bool directional = r.options.mode == Mode::directional;
  Directions directions;
  directions.threads = thread_count(inputs.options, n);
  std::optional<PassPool> pool(std::in_place, n >= PassPool::min_split_length ? directions.threads : 1);
  std::optional<Worker> probe(std::in_place, inputs.f, inputs.x, inputs.precision, inputs.fx.size(), &*pool);
  Axis along;
  along.hi = n;
  along.label = directional ? "direction 0" : "the noise probe's direction";
  if (directional) {
    along.direction = &directions.v;
    directions.projected = draw_direction(inputs.options.seed, 0, inputs.claim(), inputs.x, directions.threads,
                                          directions.v, &directions.spread);
  } else {
    along.alternating = true;
  }
  const Eigen::VectorXd rounding = measured_noise(*probe, along, inputs.fx);
  r.evaluations += probe->evaluations;
  probe->evaluations = 0;
  if (directional) {
    judge_directions(inputs, *probe, along, directions, rounding, r, judged);
    return;
  }
  probe.reset();
  pool.reset();
  judge_coordinates(inputs, rounding, r, judged);
}

// Whether an entry (failed or not, of the coordinate `input` or −1 for a
// direction, at error / allowance `ratio`) is to be r's worst so far. A
// named coordinate beats a direction when both fail: it says where.
bool worse_than_worst(const CheckResult& r, bool failed, Eigen::Index input, double ratio) {
  if (r.worst_input < 0 && r.worst_direction < 0) return true;
  const bool named_failure = failed && input >= 0;
  const bool worst_named = r.worst_input >= 0 && r.worst_ratio > 1.0;
  return named_failure != worst_named ? named_failure : ratio > r.worst_ratio;
}

// The judged entries moved into r and tallied: the counts, the largest
// errors and the worst entry.
void summarise(JudgedEntries& judged, const CheckOptions& options, CheckResult& r) {
  r.numeric = std::move(judged.numeric);
  r.allowance = std::move(judged.allowance);
  r.estimate = std::move(judged.estimate);
  r.kinks = std::move(judged.kinks);  // by column, then output: whichever worker recorded them
  std::sort(r.kinks.begin(), r.kinks.end(), [](const KinkSlopes& p, const KinkSlopes& q) {
    return p.column != q.column ? p.column < q.column : p.output < q.output;
  });
  r.verdicts.reserve(judged.verdicts.size());
  for (const std::uint8_t v : judged.verdicts) r.verdicts.push_back(static_cast<Verdict>(v));
  const Eigen::Index m = r.analytic.rows();
  for (Eigen::Index c = 0; c < r.analytic.cols(); ++c) {
    for (Eigen::Index i = 0; i < m; ++i) {
      const Verdict verdict = r.verdicts[static_cast<std::size_t>(c * m + i)];
      if (verdict == Verdict::inconclusive) {
        ++r.inconclusive_entries;
        continue;
      }
      const bool failed = verdict == Verdict::fail;
      r.failing_entries += failed ? 1 : 0;
      const double ai = r.analytic(i, c);
      const double ni = r.numeric(i, c);
      const double err = std::abs(ai - ni);
      const double scale = std::max(std::abs(ai), std::abs(ni));
      r.max_abs_error = std::max(r.max_abs_error, err);
      const double allowance = r.allowance(i, c);
      // Entries resolved to rtol only: where the relative term is at least half
      // the allowance (not an entry judged by noise, estimate or atol).
      if (scale > 0.0 && 2.0 * options.rtol * scale >= allowance)
        r.max_rel_error = std::max(r.max_rel_error, err / scale);
      const double ratio = error_ratio(err, allowance);
      const Eigen::Index input = r.inputs.empty() ? c : r.inputs[static_cast<std::size_t>(c)];
      if (!worse_than_worst(r, failed, input, ratio)) continue;
      r.worst_ratio = ratio;
      r.worst_output = i;
      r.worst_input = input;
      r.worst_direction = input < 0 ? c : -1;
      r.worst_analytic = ai;
      r.worst_numeric = ni;
      r.worst_error = err;
      r.worst_allowance = allowance;
      r.worst_estimate = r.estimate(i, c);
    }
  }
}

// The verdict of a check whose entries were judged: FAIL beats INCONCLUSIVE
// beats PASS.
CheckResult conclude_judged(CheckResult& r, const JudgedEntries& judged, ClaimKind kind) {
  if (r.failing_entries > 0) {
    std::string where = r.worst_input >= 0 ? indexed_entry_name(r.kind, r.worst_output, r.worst_input)
                                           : fmt::format("along direction {}", r.worst_direction);
    if (r.worst_input < 0 && !r.inputs.empty() && r.inputs.back() >= 0) {
      where += fmt::format(" (narrowed to {}, which judged alone was not shown wrong)",
                           indexed_entry_name(r.kind, r.worst_output, r.inputs.back()));
    } else if (r.worst_input < 0) {
      where += " (not narrowed to one coordinate: the error is spread over many)";
    }
    return conclude(
        r, Verdict::fail, Failure::wrong_value,
        fmt::format("{} entry {}: analytic {:.10g} vs numeric {:.10g}, error {:.3e} > allowance {:.3e}",
                    claim_name(kind), where, r.worst_analytic, r.worst_numeric, r.worst_error, r.worst_allowance));
  }
  if (r.inconclusive_entries > 0) {
    const EntryJudgement& first = judged.first_inconclusive;
    return conclude(r, Verdict::inconclusive, first.why,
                    fmt::format("{} entries inconclusive, first: {}", r.inconclusive_entries, first.detail));
  }
  return conclude(r, Verdict::pass, Failure::none, {});
}

}  // namespace

CheckResult check_impl(const VectorFunction& f, const MatrixFunction& claim, const Eigen::VectorXd& x,
                       const CheckOptions& options, ClaimKind kind, Precision precision) {
  validate(options);
  CheckResult r = planned_result(x.size(), options, kind);
  CheckInputs inputs{f, x, options, kind, precision, {}, {}};
  if (auto decided = evaluate_at_x(inputs, r)) return std::move(*decided);
  if (auto decided = evaluate_claim(inputs, claim, r)) return std::move(*decided);
  std::optional<JudgedEntries> judged;
  try {
    judge_entries(inputs, r, judged);
  } catch (const FunctionThrew& e) {
    r.analytic = Eigen::MatrixXd();
    r.inputs.clear();
    return conclude(r, Verdict::fail, Failure::exception, e.text);
  }
  summarise(*judged, options, r);
  return conclude_judged(r, *judged, kind);
}

}  // namespace gradcheck::detail
