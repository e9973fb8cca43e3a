#include "gradcheck/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "differences.hpp"
#include "gradcheck/detail/settings_table.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/random.hpp"

namespace gradcheck {

namespace detail {
Eigen::VectorXf& float_point() {
  thread_local Eigen::VectorXf point;
  return point;
}

void require_coordinates(Eigen::Index n) {
  // Refused before f or the claim is called: with no coordinate there is no
  // derivative to compare, and no verdict would mean anything.
  if (n == 0) throw Error("x is empty: nothing to check");
  if (n < 0) throw Error(fmt::format("x cannot have {} coordinates: nothing to check", n));
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
}  // namespace detail

const char* to_string(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

const char* to_string(Failure failure) noexcept {
  switch (failure) {
    case Failure::none:
      return "none";
    case Failure::wrong_value:
      return "wrong_value";
    case Failure::wrong_shape:
      return "wrong_shape";
    case Failure::non_finite:
      return "non_finite";
    case Failure::exception:
      return "exception";
    case Failure::kink:
      return "kink";
    case Failure::unresolved:
      return "unresolved";
    case Failure::step_underflow:
      return "step_underflow";
  }
  return "unknown";
}

namespace detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Evaluations a check needs besides the differences: f(x) and the noise probe.
constexpr long fixed_evaluations = 7;
// Coordinates handed to a worker at a time: at least `chunk`, and on large
// checks about 1/64 of a worker's share, so that workers seldom write the
// same cache line of the one-byte-per-entry arrays (shared lines made
// judging on 2 threads measurably slower, bench/README.md).
constexpr Eigen::Index chunk = 32;
constexpr Eigen::Index chunks_per_worker = 64;

// Takes r by reference and moves it out only after the message, which may
// read r's fields, has been built by the caller.
CheckResult finish(CheckResult& r, Verdict verdict, Failure why, std::string message) {
  r.set_verdict(verdict);
  r.failure = why;
  r.message = std::move(message);
  return std::move(r);
}

std::string entry_name(ClaimKind kind, Eigen::Index i, Eigen::Index j) {
  switch (kind) {
    case ClaimKind::gradient:
      return fmt::format("x[{}]", j);
    case ClaimKind::value:
      return fmt::format("[{}]", j);
    case ClaimKind::jacobian:
      break;
  }
  return fmt::format("({}, {})", i, j);
}

std::vector<Eigen::Index> block_sizes(Eigen::Index n, const CheckOptions& options) {
  if (options.blocks.empty()) return {n};
  Eigen::Index total = 0;
  for (const Eigen::Index b : options.blocks) {
    if (b < 0) throw Error(fmt::format("blocks has a negative size {}", b));
    total += b;
  }
  if (total != n) throw Error(fmt::format("blocks add up to {} coordinates, but x has {}", total, n));
  return options.blocks;
}

// The coordinates a sampled check judges: `samples` distinct ones drawn per
// block (all of a smaller block), plus `entries`, in increasing order.
std::vector<Eigen::Index> sampled_coordinates(Eigen::Index n, const CheckOptions& options) {
  std::vector<Eigen::Index> chosen;
  Eigen::Index offset = 0;
  const std::vector<Eigen::Index> blocks = block_sizes(n, options);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const Eigen::Index size = blocks[b];
    if (size <= options.samples) {
      for (Eigen::Index k = 0; k < size; ++k) chosen.push_back(offset + k);
    } else {
      // Floyd's algorithm: `samples` distinct draws without a size-n table.
      Rng rng = trial_rng(options.seed, "sampled", b);
      std::vector<Eigen::Index> picked;
      for (Eigen::Index k = size - options.samples; k < size; ++k) {
        const Eigen::Index t = random_index(rng, 0, k);
        picked.push_back(std::find(picked.begin(), picked.end(), t) == picked.end() ? t : k);
      }
      for (const Eigen::Index k : picked) chosen.push_back(offset + k);
    }
    offset += size;
  }
  for (const Eigen::Index e : options.entries) {
    if (e < 0 || e >= n) throw Error(fmt::format("entries names coordinate {}, but x has {} (0..{})", e, n, n - 1));
    chosen.push_back(e);
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

int thread_count(const CheckOptions& options, Eigen::Index columns) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const long wanted = options.threads == 0 ? static_cast<long>(cores) : options.threads;
  const long chunks = (columns + chunk - 1) / chunk;
  return static_cast<int>(std::max(1L, std::min(wanted, chunks)));
}

// The judged state of a check: matrices (outputs × columns), each entry's
// verdict (one byte), and the first inconclusive entry's judgement (lowest
// column, then output: the same whichever worker judged it).
struct Table {
  Eigen::MatrixXd numeric, allowance, estimate;
  std::vector<std::uint8_t> verdicts;  // Verdict values
  std::mutex mutex;                    // guards first_inconclusive
  std::size_t first_inconclusive_at = std::numeric_limits<std::size_t>::max();
  EntryJudgement first_inconclusive;

  Table(Eigen::Index outputs, Eigen::Index columns)
      : numeric(outputs, columns), allowance(outputs, columns), estimate(outputs, columns) {
    for (Eigen::MatrixXd* m : {&numeric, &allowance, &estimate})
      populate_buffer(m->data(), static_cast<std::size_t>(m->size()) * sizeof(double));
    estimate.setZero();
    verdicts.resize(static_cast<std::size_t>(outputs * columns));
  }
  // Where judge_axis writes column c; `judged` is the caller's scratch.
  AxisOutput column(Eigen::Index c, std::vector<EntryJudgement>& judged) {
    return {numeric, allowance, estimate, judged, c};
  }
  // Keeps what judge_axis judged along column c.
  void record(Eigen::Index c, const std::vector<EntryJudgement>& judged) {
    const Eigen::Index m = numeric.rows();
    for (Eigen::Index i = 0; i < m; ++i) {
      const auto at = static_cast<std::size_t>(c * m + i);
      const EntryJudgement& e = judged[static_cast<std::size_t>(i)];
      verdicts[at] = static_cast<std::uint8_t>(e.verdict);
      if (e.verdict == Verdict::inconclusive) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (at < first_inconclusive_at) {
          first_inconclusive_at = at;
          first_inconclusive = e;
        }
      }
    }
  }
  bool fails(Eigen::Index c) const {
    const Eigen::Index m = numeric.rows();
    for (Eigen::Index i = 0; i < m; ++i) {
      if (static_cast<Verdict>(verdicts[static_cast<std::size_t>(c * m + i)]) == Verdict::fail) return true;
    }
    return false;
  }
};

// Judges the coordinates `columns` (all of x when empty) on `threads` workers,
// each with its own copy of x. Every coordinate is judged the same way
// whichever worker takes it, so the result does not depend on the count. If f
// throws, the error of the lowest coordinate at which it threw is rethrown,
// as a single worker would.
void judge_coordinates(const VectorFunction& f, const Eigen::VectorXd& x, Precision precision,
                       const std::vector<Eigen::Index>& columns, const Eigen::MatrixXd& analytic,
                       const Eigen::VectorXd& fx, const Eigen::VectorXd& rounding, const CheckOptions& options,
                       ClaimKind kind, Table& table, long& evaluations) {
  const Eigen::Index count = columns.empty() ? x.size() : static_cast<Eigen::Index>(columns.size());
  const int threads = thread_count(options, count);
  const Eigen::Index unit = std::max(chunk, count / (threads * chunks_per_worker));
  std::atomic<Eigen::Index> next{0};
  std::atomic<Eigen::Index> threw_at{std::numeric_limits<Eigen::Index>::max()};
  std::mutex threw_mutex;
  std::string threw_text;
  const Eigen::VectorXd row_scale = analytic.cwiseAbs().rowwise().maxCoeff();
  // Evaluations per column, summed up to where f threw (if it did): the count
  // then does not depend on how far other workers had got.
  std::vector<std::uint8_t> spent(static_cast<std::size_t>(count), 0);
  const auto work = [&]() {
    Worker worker(f, x, precision, fx.size());
    std::vector<EntryJudgement> judged;
    Axis axis;
    for (;;) {
      const Eigen::Index begin = next.fetch_add(unit);
      if (begin >= count || begin > threw_at.load()) break;
      for (Eigen::Index c = begin; c < std::min(count, begin + unit); ++c) {
        if (c > threw_at.load(std::memory_order_relaxed)) break;  // f threw below: the rest is not counted
        const Eigen::Index j = columns.empty() ? c : columns[static_cast<std::size_t>(c)];
        axis.coordinate = j;
        axis.scale = coordinate_scale(x(j));
        const long before = worker.evaluations;
        try {
          judge_axis(worker, axis, analytic.col(c), row_scale, fx, rounding, options, kind, table.column(c, judged));
          table.record(c, judged);
          spent[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(worker.evaluations - before);
        } catch (const FunctionThrew& e) {
          spent[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(worker.evaluations - before);
          const std::lock_guard<std::mutex> lock(threw_mutex);
          if (c < threw_at.load()) {
            threw_at = c;
            threw_text = e.text;
          }
          break;
        }
      }
    }
  };
  run_on_threads(threads, work);
  const Eigen::Index last = std::min(count - 1, threw_at.load());
  for (Eigen::Index c = 0; c <= last; ++c) evaluations += spent[static_cast<std::size_t>(c)];
  if (threw_at.load() != std::numeric_limits<Eigen::Index>::max()) throw FunctionThrew{threw_text};
}

// Narrows a failing direction down to the coordinate where the claim is
// wrong. The discrepancy D(S) = a·v_S − (difference quotient along v_S) is
// additive over disjoint coordinate sets S, up to rounding: bisect, measuring
// D on the left half by one central difference and inferring the right half's
// as D(S) − D(left), and keep the half with the larger |D| relative to its
// noise. Two evaluations per halving (log2 n of them). Returns the single
// coordinate reached, or −1 if the discrepancy stops being resolved (an error
// spread over many coordinates).
Eigen::Index narrow(Worker& worker, const Axis& along, const Eigen::VectorXd& x,
                    const Eigen::Map<const Eigen::MatrixXd>& a, const CheckOptions& options, Eigen::Index output,
                    double noise, double discrepancy) {
  const Eigen::VectorXf& v = *along.direction;
  Axis half = along;  // its label is the direction's; move() names the coordinates
  const double h = options.step;
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
    const double d_left = a.row(output).segment(lo, mid - lo).dot(scaled_direction(v, x, lo, mid - lo)) - numeric;
    const double d_right = d_whole - d_left;
    if (std::max(std::abs(d_left), std::abs(d_right)) <= options.noise_factor * noise) return -1;
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

}  // namespace

CheckResult check_impl(const VectorFunction& f, const MatrixFunction& claim, const Eigen::VectorXd& x,
                       const CheckOptions& options, ClaimKind kind, Precision precision) {
  validate(options);
  CheckResult r;
  r.options = options;
  r.kind = kind == ClaimKind::gradient   ? CheckKind::gradient
           : kind == ClaimKind::jacobian ? CheckKind::jacobian
                                         : CheckKind::values;
  const char* what = kind == ClaimKind::gradient ? "gradient" : "Jacobian";
  const Eigen::Index n = x.size();
  const Plan planned = plan(n, options);  // refuses an empty x before f is called
  r.options.mode = planned.mode;
  r.options.samples = planned.samples;
  r.predicted_evaluations = planned.evaluations;

  Eigen::VectorXd fx;
  try {
    ++r.evaluations;
    f(x, fx);
  } catch (...) {
    return finish(r, Verdict::fail, Failure::exception, "f threw at x: " + current_exception_text());
  }
  const Eigen::Index m = fx.size();
  for (Eigen::Index i = 0; i < m; ++i) {
    if (!std::isfinite(fx(i))) {
      return finish(r, Verdict::inconclusive, Failure::non_finite,
                    fmt::format("f(x) output {} is not finite ({}): no derivative to compare with", i, fx(i)));
    }
  }

  Eigen::VectorXd claimed;
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  try {
    claimed = claim(x, rows, cols);
  } catch (...) {
    return finish(r, Verdict::fail, Failure::exception,
                  fmt::format("the claimed {} threw: {}", what, current_exception_text()));
  }
  if (kind == ClaimKind::gradient) {
    if (rows != n || cols != 1) {
      return finish(
          r, Verdict::fail, Failure::wrong_shape,
          fmt::format("gradient has shape {}x{}, expected {}x1 (one entry per coordinate of x)", rows, cols, n));
    }
  } else if (rows != m || cols != n) {
    return finish(r, Verdict::fail, Failure::wrong_shape,
                  fmt::format("Jacobian has shape {}x{}, expected {}x{} (outputs x inputs)", rows, cols, m, n));
  }
  // A gradient's n × 1 column, seen as the 1 × n row of a Jacobian.
  const Eigen::Map<const Eigen::MatrixXd> a(claimed.data(), m, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!std::isfinite(a(i, j))) {
        return finish(r, Verdict::fail, Failure::non_finite,
                      fmt::format("{} entry {} is not finite: {}", what, entry_name(kind, i, j), a(i, j)));
      }
    }
  }

  std::optional<Table> table;
  try {
    const int draw_threads = thread_count(options, n);  // directional: threads drawing the directions
    // The probe's worker (and the directional check's): its copy of x is freed
    // before a full or sampled check's workers make theirs. Its passes over a
    // large x (the copy, each point formed) are shared with a crew.
    std::optional<Crew> crew(std::in_place, n >= Crew::crew_pass ? draw_threads : 1);
    std::optional<Worker> probe(std::in_place, f, x, precision, m, &*crew);
    Worker& worker = *probe;
    Eigen::VectorXf v;          // the directional check's directions, the first probed
    Eigen::VectorXd projected;  // ∇f_i·v along the directional check's v
    Eigen::VectorXd spread;     // its standard deviation over directions, ‖∇f_i ⊙ s‖₂
    Axis along;
    along.hi = n;
    along.label = planned.mode == Mode::directional ? "direction 0" : "the noise probe's direction";
    if (planned.mode == Mode::directional) {
      along.direction = &v;
      projected = draw_direction(options.seed, 0, a, x, draw_threads, v, &spread);
    } else {
      along.alternating = true;
    }
    const Eigen::VectorXd rounding = measured_noise(worker, along, fx);
    r.evaluations += worker.evaluations;
    worker.evaluations = 0;

    if (planned.mode == Mode::directional) {
      const long k = planned.samples;
      std::vector<EntryJudgement> judged;  // along one direction or coordinate
      table.emplace(m, k + 1);
      r.analytic.resize(m, k + 1);
      Eigen::Index guilty = -1;
      bool narrowed = false;
      for (long d = 0; d < k; ++d) {
        if (d > 0) projected = draw_direction(options.seed, d, a, x, draw_threads, v);
        along.label = fmt::format("direction {}", d);
        r.analytic.col(d) = projected;
        r.inputs.push_back(-1);
        judge_axis(worker, along, r.analytic.col(d), spread, fx, rounding, options, kind, table->column(d, judged));
        table->record(d, judged);
        if (!narrowed && table->fails(d)) {
          // Narrow down along the output that fails by the widest margin.
          narrowed = true;
          Eigen::Index output = 0;
          ((r.analytic.col(d) - table->numeric.col(d)).cwiseAbs().array() / table->allowance.col(d).array())
              .maxCoeff(&output);
          const double noise =
              std::max(worker.eps() * std::max(std::abs(fx(output)), 1.0), rounding(output)) / options.step;
          guilty =
              narrow(worker, along, x, a, options, output, noise, r.analytic(output, d) - table->numeric(output, d));
        }
      }
      if (guilty >= 0) {
        // Judge the guilty coordinate as a full check would: the named entry.
        Axis coordinate;
        coordinate.coordinate = guilty;
        coordinate.scale = coordinate_scale(x(guilty));
        r.analytic.col(k) = a.col(guilty);
        r.inputs.push_back(guilty);
        const Eigen::VectorXd row_scale = a.cwiseAbs().rowwise().maxCoeff();
        judge_axis(worker, coordinate, r.analytic.col(k), row_scale, fx, rounding, options, kind,
                   table->column(k, judged));
        table->record(k, judged);
      } else {
        r.analytic.conservativeResize(m, k);
        table->numeric.conservativeResize(m, k);
        table->allowance.conservativeResize(m, k);
        table->estimate.conservativeResize(m, k);
        table->verdicts.resize(static_cast<std::size_t>(m * k));
      }
      r.evaluations += worker.evaluations;
    } else {
      probe.reset();  // the probe is done: free its copy of x, and its crew
      crew.reset();
      if (planned.mode == Mode::sampled) {
        r.inputs = sampled_coordinates(n, options);
        r.analytic.resize(m, static_cast<Eigen::Index>(r.inputs.size()));
        for (std::size_t c = 0; c < r.inputs.size(); ++c)
          r.analytic.col(static_cast<Eigen::Index>(c)) = a.col(r.inputs[c]);
      } else {
        r.analytic = a;
      }
      claimed = Eigen::VectorXd();
      table.emplace(m, r.analytic.cols());
      judge_coordinates(f, x, precision, r.inputs, r.analytic, fx, rounding, options, kind, *table, r.evaluations);
    }
  } catch (const FunctionThrew& e) {
    r.analytic = Eigen::MatrixXd();
    r.inputs.clear();
    return finish(r, Verdict::fail, Failure::exception, e.text);
  }
  r.numeric = std::move(table->numeric);
  r.allowance = std::move(table->allowance);
  r.estimate = std::move(table->estimate);

  // The verdict: FAIL beats INCONCLUSIVE beats PASS.
  bool any_fail = false;
  const Eigen::Index columns = r.analytic.cols();
  r.verdicts.reserve(table->verdicts.size());
  for (const std::uint8_t v : table->verdicts) r.verdicts.push_back(static_cast<Verdict>(v));
  for (Eigen::Index c = 0; c < columns; ++c) {
    for (Eigen::Index i = 0; i < m; ++i) {
      const auto verdict = static_cast<Verdict>(table->verdicts[static_cast<std::size_t>(c * m + i)]);
      if (verdict == Verdict::inconclusive) {
        ++r.inconclusive_entries;
        continue;
      }
      const bool failed = verdict == Verdict::fail;
      any_fail = any_fail || failed;
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
      const double ratio = allowance > 0.0 ? err / allowance : (err > 0.0 ? HUGE_VAL : 0.0);
      // A named coordinate beats a direction when both fail: it says where.
      const Eigen::Index input = r.inputs.empty() ? c : r.inputs[static_cast<std::size_t>(c)];
      const bool named_failure = failed && input >= 0;
      const bool worst_named = r.worst_input >= 0 && r.worst_ratio > 1.0;
      if (r.worst_input < 0 && r.worst_direction < 0 ? true
          : named_failure != worst_named             ? named_failure
                                                     : ratio > r.worst_ratio) {
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
  if (any_fail) {
    std::string where = r.worst_input >= 0 ? entry_name(kind, r.worst_output, r.worst_input)
                                           : fmt::format("along direction {}", r.worst_direction);
    if (r.worst_input < 0 && !r.inputs.empty() && r.inputs.back() >= 0) {
      where += fmt::format(" (narrowed to {}, which judged alone was not shown wrong)",
                           entry_name(kind, r.worst_output, r.inputs.back()));
    } else if (r.worst_input < 0) {
      where += " (not narrowed to one coordinate: the error is spread over many)";
    }
    return finish(r, Verdict::fail, Failure::wrong_value,
                  fmt::format("{} entry {}: analytic {:.10g} vs numeric {:.10g}, error {:.3e} > allowance {:.3e}", what,
                              where, r.worst_analytic, r.worst_numeric, r.worst_error, r.worst_allowance));
  }
  if (r.inconclusive_entries > 0) {
    const EntryJudgement& first = table->first_inconclusive;
    return finish(r, Verdict::inconclusive, first.why,
                  fmt::format("{} entries inconclusive, first: {}", r.inconclusive_entries, first.detail));
  }
  return finish(r, Verdict::pass, Failure::none, {});
}

}  // namespace detail

const char* to_string(Mode mode) noexcept {
  switch (mode) {
    case Mode::full:
      return "full";
    case Mode::sampled:
      return "sampled";
    case Mode::directional:
      return "directional";
    case Mode::automatic:
      return "auto";
  }
  return "unknown";
}

const char* headline(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::pass:
      return "PASS";
    case Verdict::fail:
      return "FAIL";
    case Verdict::inconclusive:
      return "INCONCLUSIVE";
  }
  return "UNKNOWN";
}

std::optional<Mode> parse_mode(std::string_view text) noexcept {
  for (const Mode m : {Mode::full, Mode::sampled, Mode::directional, Mode::automatic}) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

Plan plan(Eigen::Index n, const CheckOptions& options) {
  detail::validate(options);
  detail::require_coordinates(n);
  const long coordinates = static_cast<long>(n);
  switch (options.mode) {
    case Mode::full:
      return {Mode::full, coordinates, detail::fixed_evaluations + 2 * coordinates};
    case Mode::sampled: {
      const long count = static_cast<long>(detail::sampled_coordinates(n, options).size());
      return {Mode::sampled, options.samples, detail::fixed_evaluations + 2 * count};
    }
    case Mode::directional:
      return {Mode::directional, options.samples, detail::fixed_evaluations + 2 * options.samples};
    case Mode::automatic:
      break;
  }
  if (detail::fixed_evaluations + 2 * coordinates <= options.budget) {
    return {Mode::full, coordinates, detail::fixed_evaluations + 2 * coordinates};
  }
  const long k = std::clamp((options.budget - detail::fixed_evaluations) / 2, 1L, options.samples);
  return {Mode::directional, k, detail::fixed_evaluations + 2 * k};
}

CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options) {
  detail::validate(options);
  CheckResult r;
  r.options = options;
  r.kind = CheckKind::values;
  if (reference.size() != claimed.size()) {
    return detail::finish(r, Verdict::fail, Failure::wrong_shape,
                          fmt::format("claimed value has {} entries, expected {}", claimed.size(), reference.size()));
  }
  r.analytic = claimed.transpose();
  r.numeric = reference.transpose();
  r.allowance.resize(1, reference.size());
  r.estimate = Eigen::MatrixXd::Zero(1, reference.size());
  // Values are compared with the noise of their own computation, ε · max(|a|, |r|).
  const double eps = std::numeric_limits<double>::epsilon();
  for (Eigen::Index j = 0; j < reference.size(); ++j) {
    const double a = claimed(j);
    const double ref = reference(j);
    if (!std::isfinite(a) || !std::isfinite(ref)) {
      r.verdicts.clear();  // not every entry was compared
      r.failing_entries = 0;
      return detail::finish(r, Verdict::fail, Failure::non_finite,
                            fmt::format("value [{}] is not finite: claimed {}, reference {}", j, a, ref));
    }
    const double scale = std::max(std::abs(a), std::abs(ref));
    const double err = std::abs(a - ref);
    const double allowance = options.atol + options.rtol * scale + options.noise_factor * eps * scale;
    r.allowance(0, j) = allowance;
    r.verdicts.push_back(err <= allowance ? Verdict::pass : Verdict::fail);
    r.failing_entries += err <= allowance ? 0 : 1;
    r.max_abs_error = std::max(r.max_abs_error, err);
    if (scale > 0.0) r.max_rel_error = std::max(r.max_rel_error, err / scale);
    const double ratio = allowance > 0.0 ? err / allowance : (err > 0.0 ? HUGE_VAL : 0.0);
    if (r.worst_input < 0 || ratio > r.worst_ratio) {
      r.worst_ratio = ratio;
      r.worst_output = 0;
      r.worst_input = j;
      r.worst_analytic = a;
      r.worst_numeric = ref;
      r.worst_error = err;
      r.worst_allowance = allowance;
    }
  }
  if (r.worst_ratio > 1.0) {
    return detail::finish(
        r, Verdict::fail, Failure::wrong_value,
        fmt::format("value [{}]: claimed {:.17g} vs reference {:.17g}, error {:.3e} > allowance {:.3e}", r.worst_input,
                    r.worst_analytic, r.worst_numeric, r.worst_error, r.worst_allowance));
  }
  return detail::finish(r, Verdict::pass, Failure::none, {});
}

}  // namespace gradcheck
