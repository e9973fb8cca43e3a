// Full and sampled checks: the coordinates judged one by one on threads,
// each worker with its own copy of x.
#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

#include "judging.hpp"
#include "plan.hpp"
#include "threads.hpp"

namespace gradcheck::detail {
namespace {

// Coordinates handed to a worker at a time: at least `min_unit_columns`,
// and on large checks about 1/units_per_worker of a worker's share, so that
// workers seldom write the same cache line of the one-byte-per-entry arrays
// (bench/README.md, microbenchmarks).
constexpr Eigen::Index min_unit_columns = 32;
constexpr Eigen::Index units_per_worker = 64;

// Judges the coordinates `columns` (all of x when empty) on as many threads
// as options ask. Every coordinate is judged the same way whichever worker
// takes it, so the result does not depend on the count. If f throws, the
// error of the lowest coordinate at which it threw is rethrown, as a single
// worker would.
void judge_on_threads(const CheckInputs& inputs, const std::vector<Eigen::Index>& columns,
                      const Eigen::MatrixXd& analytic, const Eigen::VectorXd& rounding, JudgedEntries& judged,
                      long& evaluations) {
  const Eigen::Index count = columns.empty() ? inputs.x.size() : static_cast<Eigen::Index>(columns.size());
  const int threads = thread_count(inputs.options, count);
  const Eigen::Index unit = std::max(min_unit_columns, count / (threads * units_per_worker));
  std::atomic<Eigen::Index> next{0};
  std::atomic<Eigen::Index> threw_at{std::numeric_limits<Eigen::Index>::max()};
  std::mutex threw_mutex;
  std::string threw_text;
  const Eigen::VectorXd row_scale = analytic.cwiseAbs().rowwise().maxCoeff();
  // Evaluations per column, summed up to where f threw (if it did): the count
  // then does not depend on how far other workers had got.
  std::vector<std::uint8_t> column_evaluations(static_cast<std::size_t>(count), 0);
  const auto work = [&]() {
    Worker worker(inputs.f, inputs.x, inputs.precision, inputs.fx.size());
    std::vector<EntryJudgement> scratch;
    Axis axis;
    for (;;) {
      const Eigen::Index begin = next.fetch_add(unit);
      if (begin >= count || begin > threw_at.load()) break;
      for (Eigen::Index c = begin; c < std::min(count, begin + unit); ++c) {
        if (c > threw_at.load(std::memory_order_relaxed)) break;  // f threw below: the rest is not counted
        const Eigen::Index j = columns.empty() ? c : columns[static_cast<std::size_t>(c)];
        axis.coordinate = j;
        axis.scale = coordinate_scale(inputs.x(j));
        const long before = worker.evaluations;
        auto& spent = column_evaluations[static_cast<std::size_t>(c)];
        try {
          judge_axis(worker, axis, analytic.col(c), row_scale, inputs.fx, rounding, inputs.options, inputs.kind,
                     judged.column(c, scratch));
          judged.record(c, scratch);
          spent = static_cast<std::uint8_t>(worker.evaluations - before);
        } catch (const FunctionThrew& e) {
          spent = static_cast<std::uint8_t>(worker.evaluations - before);
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
  for (Eigen::Index c = 0; c <= last; ++c) evaluations += column_evaluations[static_cast<std::size_t>(c)];
  if (threw_at.load() != std::numeric_limits<Eigen::Index>::max()) throw FunctionThrew{threw_text};
}

}  // namespace

int thread_count(const CheckOptions& options, Eigen::Index columns) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const long wanted = options.threads == 0 ? static_cast<long>(cores) : options.threads;
  const long units = (columns + min_unit_columns - 1) / min_unit_columns;
  return static_cast<int>(std::max(1L, std::min(wanted, units)));
}

void judge_coordinates(CheckInputs& inputs, const Eigen::VectorXd& rounding, CheckResult& r,
                       std::optional<JudgedEntries>& judged) {
  const auto claim = inputs.claim();
  if (r.options.mode == Mode::sampled) {
    r.inputs = sampled_coordinates(inputs.x.size(), inputs.options);
    r.analytic.resize(claim.rows(), static_cast<Eigen::Index>(r.inputs.size()));
    for (std::size_t c = 0; c < r.inputs.size(); ++c)
      r.analytic.col(static_cast<Eigen::Index>(c)) = claim.col(r.inputs[c]);
  } else {
    r.analytic = claim;
  }
  inputs.claimed = Eigen::VectorXd();  // copied: the workers' copies of x may need its memory
  judged.emplace(r.analytic.rows(), r.analytic.cols());
  judge_on_threads(inputs, r.inputs, r.analytic, rounding, *judged, r.evaluations);
}

}  // namespace gradcheck::detail
