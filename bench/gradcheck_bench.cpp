// bench/gradcheck_bench.cpp: times one gradcheck check of a word2vec loss and,
// in the same run, the bare evaluations it needs, for bench/compare.py.
//
//   gradcheck_bench --loss naive_softmax|neg_sampling --V N --d N
//                   --mode full|sampled|directional [--threads T] [--samples K] [--seed S]
//
// prints one JSON line: seconds of the check, bare_seconds (full/sampled: two
// evaluations of f per judged coordinate, the floor of central differences,
// run on the same threads with no checking around them; directional: one
// gradient evaluation and 2k + 1 evaluations of f for k directions),
// floor_ratio (full and directional also floor_ratio_points, against
// bare_points_seconds: the same evaluations at the points themselves, x ± h·e_j
// set and put back in each worker's copy, or x ± t·v formed in a buffer, as any
// central difference must), the accuracy reached (largest |analytic − numeric| /
// max(|analytic|, |numeric|) over the entries or directions judged, as
// bench/peers.py measures the peers), and the peak memory the check added
// (VmHWM after the check minus VmRSS before it, with the high-water mark reset
// first). The check and its bare loops are timed in alternating rounds (see
// another_round), after a first, cold check whose time is first_run_seconds
// and whose memory, accuracy and verdict are reported; seconds and
// bare_seconds are the medians of the rounds, floor_ratio the median of the
// rounds' own check / bare ratios.
#include <fmt/format.h>
#include <malloc.h>

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gradcheck/check.hpp"
#include "gradcheck/random.hpp"

namespace {

using Eigen::Index;
using Eigen::VectorXd;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
}

// Rounds of timing: the check, then each bare loop, in alternation, so that a
// slow stretch of the machine falls on both (bench/README.md); the median of
// the rounds' own ratios is reported. At least five rounds and 2 s of them
// (three when a round takes over 3 s), at most fifteen.
bool another_round(std::size_t rounds, double elapsed) {
  if (rounds >= 15) return false;
  if (rounds < 3) return true;
  return rounds < 5 ? elapsed / static_cast<double>(rounds) <= 3.0 : elapsed < 2.0;
}

// Runs work() on `workers` new threads and waits for them, or on the calling
// thread if there is one worker: as a check runs its workers.
template <class Work>
void run_workers(int workers, const Work& work) {
  if (workers <= 1) {
    work();
    return;
  }
  std::vector<std::jthread> threads;  // joined when they go out of scope
  threads.reserve(static_cast<std::size_t>(workers));
  for (int t = 0; t < workers; ++t) threads.emplace_back(work);
}

long status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  }
  return -1;
}

// x = [v_c (d); U (V × d, column-major)], as in the derivation cases.
struct Loss {
  Index V = 0;
  Index d = 0;
  Index o = 0;
  std::vector<Index> negatives;  // empty: naive softmax

  double operator()(const VectorXd& x) const {
    const auto v_c = x.head(d);
    const Eigen::Map<const Eigen::MatrixXd> U(x.data() + d, V, d);
    if (negatives.empty()) {
      const VectorXd s = U * v_c;
      const double top = s.maxCoeff();
      return top + std::log((s.array() - top).exp().sum()) - s(o);
    }
    const auto log_sigmoid = [](double z) { return z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z)); };
    double j = -log_sigmoid(U.row(o).dot(v_c));
    for (const Index k : negatives) j -= log_sigmoid(-U.row(k).dot(v_c));
    return j;
  }

  VectorXd gradient(const VectorXd& x) const {
    const auto v_c = x.head(d);
    const Eigen::Map<const Eigen::MatrixXd> U(x.data() + d, V, d);
    VectorXd g(x.size());
    Eigen::Map<Eigen::MatrixXd> gU(g.data() + d, V, d);
    if (negatives.empty()) {
      VectorXd p = U * v_c;
      p = (p.array() - p.maxCoeff()).exp();
      p /= p.sum();
      p(o) -= 1.0;
      g.head(d).noalias() = U.transpose() * p;
      gU.noalias() = p * v_c.transpose();
      return g;
    }
    const auto sigmoid = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
    g.setZero();
    const double to = sigmoid(U.row(o).dot(v_c)) - 1.0;
    g.head(d) += to * U.row(o).transpose();
    gU.row(o) += to * v_c.transpose();
    for (const Index k : negatives) {
      const double tk = 1.0 - sigmoid(-U.row(k).dot(v_c));
      g.head(d) += tk * U.row(k).transpose();
      gU.row(k) += tk * v_c.transpose();
    }
    return g;
  }
};

// What to measure, from the command line.
struct Args {
  std::string loss_name;
  Index V = 0;
  Index d = 0;
  gradcheck::CheckOptions options;
  Index wrong = -1;  // plant an error in this gradient entry (-1: none)
};

// Parses the flags into `a`; returns an exit code to stop with (0 after
// --help, 2 on a usage error), or -1 to go on.
int parse_args(int argc, char** argv, Args& a) {
  namespace po = boost::program_options;
  std::string mode_name;
  po::options_description flags("gradcheck_bench");
  auto flag = flags.add_options();
  flag("help", "print these options and exit");
  flag("loss", po::value(&a.loss_name)->required(), "naive_softmax or neg_sampling");
  flag("V", po::value(&a.V)->required(), "vocabulary size");
  flag("d", po::value(&a.d)->required(), "embedding size");
  flag("mode", po::value(&mode_name)->default_value("full"), "full, sampled, directional or auto");
  flag("threads", po::value(&a.options.threads)->default_value(0), "worker threads (0: all cores)");
  flag("samples", po::value(&a.options.samples)->default_value(a.options.samples),
       "coordinates per block or directions");
  flag("seed", po::value(&a.options.seed)->default_value(1), "seed of the point");
  flag("wrong_entry", po::value(&a.wrong)->default_value(-1), "plant an error in this gradient entry");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, flags), vm);
    if (vm.count("help") > 0) {
      std::cout << flags;
      return 0;
    }
    po::notify(vm);
    const auto mode = gradcheck::parse_mode(mode_name);
    if (!mode || (a.loss_name != "naive_softmax" && a.loss_name != "neg_sampling") || a.V < 2 || a.d < 1) {
      throw std::runtime_error("expected --loss naive_softmax|neg_sampling, --V >= 2, --d >= 1, a known --mode");
    }
    a.options.mode = *mode;
  } catch (const std::exception& e) {
    std::cerr << "gradcheck_bench: " << e.what() << "\n";
    return 2;
  }
  return -1;
}

// The bare cost of a check's evaluations, timed in the same run: `bare`, and
// `bare_points` (full, directional: with the points formed too, or unset).
struct BareLoops {
  std::function<double()> bare;
  std::function<double()> bare_points;
};

// Directional: one gradient and 2k + 1 evaluations of f; with the points, as
// the plainest hand-written directional check would do it: f at x and at
// x ± t·v for each direction, each point formed in one buffer from a ready
// direction (no drawing, no restoring). The buffers are made before any clock.
template <class F, class G>
BareLoops directional_loops(const F& loss, const G& claim, const VectorXd& x, long samples) {
  auto sink = std::make_shared<volatile double>(0.0);
  auto v = std::make_shared<VectorXd>(VectorXd::Constant(x.size(), 0.5));
  auto w = std::make_shared<VectorXd>(x);
  BareLoops loops;
  loops.bare = [=, &loss, &claim, &x] {
    const auto t0 = Clock::now();
    *sink = claim(x)(0);
    for (long k = 0; k < 2 * samples + 1; ++k) *sink = *sink + loss(x);
    return seconds_since(t0);
  };
  loops.bare_points = [=, &loss, &claim, &x] {
    const double t = 1e-6;
    const auto t1 = Clock::now();
    *sink = claim(x)(0);
    *sink = *sink + loss(x);
    for (long k = 0; k < samples; ++k) {
      *w = x + t * *v;
      *sink = *sink + loss(*w);
      *w = x - t * *v;
      *sink = *sink + loss(*w);
    }
    return seconds_since(t1);
  };
  return loops;
}

// Full and sampled: two evaluations per coordinate, spread as the check
// spreads them (src/engine/coordinates.cpp): one worker per 32 coordinates
// (rounded up), units taken from a shared counter, each worker with its own
// copy of x, made once before any clock (making its own is the check's cost).
// With the points (full): at x ± h·e_j themselves, each coordinate moved in the
// worker's copy and put back, as any central difference must do.
template <class F>
BareLoops coordinate_loops(const F& loss, const VectorXd& x, Index cols, int threads, bool full) {
  const int workers = static_cast<int>(std::min<Index>(threads, std::max<Index>(1, (cols + 31) / 32)));
  const Index unit = std::max<Index>(32, cols / (Index{workers} * 64));
  auto copies = std::make_shared<std::vector<VectorXd>>(static_cast<std::size_t>(workers), x);
  const auto loop = [=, &loss, &x](bool at_points) {
    const auto t0 = Clock::now();
    std::atomic<Index> next{0};
    std::atomic<std::size_t> slots{0};
    std::vector<double> sums(static_cast<std::size_t>(workers), 0.0);
    run_workers(workers, [&] {
      const std::size_t slot = slots++;
      // cppcheck-suppress constVariable ; the points loop writes copy(j)
      VectorXd& copy = (*copies)[slot];
      double acc = 0.0;
      for (Index begin = next.fetch_add(unit); begin < cols; begin = next.fetch_add(unit)) {
        for (Index j = begin; j < std::min(cols, begin + unit); ++j) {
          if (!at_points) {
            acc += loss(copy);
            acc += loss(copy);
            continue;
          }
          const double h = 1e-6 * std::max(1.0, std::abs(x(j)));  // h_j = h · max(1, |x_j|), as check.hpp
          copy(j) = x(j) + h;
          acc += loss(copy);
          copy(j) = x(j) - h;
          acc += loss(copy);
          copy(j) = x(j);
        }
      }
      sums[slot] = acc;
    });
    volatile double sink = 0.0;
    for (const double a : sums) sink = sink + a;
    return seconds_since(t0);
  };
  BareLoops loops;
  loops.bare = [loop] { return loop(false); };
  if (full) loops.bare_points = [loop] { return loop(true); };
  return loops;
}

// The medians of the alternating rounds (another_round).
struct Rounds {
  std::size_t count = 0;
  double check = 0.0, bare = 0.0, bare_points = 0.0, ratio = 0.0, ratio_points = 0.0;
};

Rounds time_rounds(const std::function<double()>& run_check, const BareLoops& loops) {
  std::vector<double> checks, bares, bares_points, ratios, ratios_points;
  const auto start = Clock::now();
  do {  // each round: the check, then its bare loop(s)
    checks.push_back(run_check());
    bares.push_back(loops.bare());
    ratios.push_back(checks.back() / bares.back());
    if (loops.bare_points) {
      bares_points.push_back(loops.bare_points());
      ratios_points.push_back(checks.back() / bares_points.back());
    }
  } while (another_round(checks.size(), seconds_since(start)));
  return {checks.size(), median(checks), median(bares), median(bares_points), median(ratios), median(ratios_points)};
}

// As for the peers: the largest |a − n| / max(|a|, |n|) over every entry (or
// direction) differenced, 0 where both are 0; and normwise, max |a − n| /
// max |a|, relative to the gradient's scale.
std::pair<double, double> accuracy(const gradcheck::CheckResult& r) {
  double entrywise = 0.0;
  double normwise = 0.0;
  if (r.analytic.size() > 0 && r.numeric.size() == r.analytic.size()) {
    normwise = (r.analytic - r.numeric).cwiseAbs().maxCoeff() / std::max(r.analytic.cwiseAbs().maxCoeff(), 1e-300);
    for (Index k = 0; k < r.analytic.size(); ++k) {
      const double a = r.analytic.data()[k];
      const double num = r.numeric.data()[k];
      const double scale = std::max(std::abs(a), std::abs(num));
      if (scale > 0.0) entrywise = std::max(entrywise, std::abs(a - num) / scale);
    }
  }
  return {entrywise, normwise};
}

// One measurement, printed as a JSON line; exit code 0 passed, 1 failed, 2 usage
// (or, from main, a measurement that threw: out of memory, say).
int measure(int argc, char** argv) {
  Args a;
  if (const int stop = parse_args(argc, argv, a); stop >= 0) return stop;
  gradcheck::CheckOptions& options = a.options;
  gradcheck::Rng rng = gradcheck::trial_rng(options.seed, a.loss_name, 0);
  Loss loss{a.V, a.d, gradcheck::random_index(rng, 0, a.V - 1), {}};
  if (a.loss_name == "neg_sampling") {
    for (int k = 0; k < 10; ++k) loss.negatives.push_back(gradcheck::random_index(rng, 0, a.V - 1));
  }
  const Index n = a.d + a.V * a.d;
  VectorXd x = gradcheck::random_normal(rng, n);
  x.tail(a.V * a.d) /= std::sqrt(static_cast<double>(a.d));  // scores of order 1
  options.blocks = {a.d, a.V * a.d};
  const auto claim = [&](const VectorXd& p) {
    VectorXd g = loss.gradient(p);
    if (a.wrong >= 0) g(a.wrong) += 1e-3 * g.cwiseAbs().maxCoeff();
    return g;
  };

  std::ofstream("/proc/self/clear_refs") << "5";  // reset VmHWM to the current RSS
  const long rss_before = status_kib("VmRSS:");
  const auto start = Clock::now();
  const gradcheck::CheckResult r = gradcheck::check_gradient(loss, claim, x, options);
  const double first_seconds = seconds_since(start);
  const long peak = status_kib("VmHWM:");
  const auto run_check = [&] {
    const auto t0 = Clock::now();
    (void)gradcheck::check_gradient(loss, claim, x, options);
    return seconds_since(t0);
  };
  const int threads =
      options.threads == 0 ? static_cast<int>(std::max(1U, std::thread::hardware_concurrency())) : options.threads;
  const BareLoops loops =
      r.options.mode == gradcheck::Mode::directional
          ? directional_loops(loss, claim, x, r.options.samples)
          : coordinate_loops(loss, x, r.analytic.cols(), threads, r.options.mode == gradcheck::Mode::full);

  // From here on, memory freed below 32 MiB stays with the process (no fresh
  // mappings, no trimming), so that neither the check nor a bare loop pays
  // page faults that depend on which of them ran before it: the rounds
  // compare them in the same steady state. The first, cold check above gives
  // first_run_seconds, the memory, the accuracy and the verdict.
  const bool memory_kept = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  const Rounds t = time_rounds(run_check, loops);
  const auto [entrywise, normwise] = accuracy(r);
  const nlohmann::json line = {{"tool", "gradcheck"},
                               {"mode", gradcheck::to_string(r.options.mode)},
                               {"loss", a.loss_name},
                               {"V", a.V},
                               {"d", a.d},
                               {"n", n},
                               {"threads", threads},
                               {"samples", r.options.samples},
                               {"seconds", t.check},
                               {"first_run_seconds", first_seconds},
                               {"evaluations", r.evaluations},
                               {"bare_seconds", t.bare},
                               {"floor_ratio", t.ratio},
                               {"bare_points_seconds", t.bare_points},
                               {"floor_ratio_points", t.ratio_points},
                               {"rounds", t.count},
                               {"memory_kept", memory_kept},
                               {"accuracy", entrywise},
                               {"accuracy_normwise", normwise},
                               {"passed", r.passed},
                               {"verdict", gradcheck::to_string(r.verdict)},
                               {"message", r.message},
                               {"worst_input", r.worst_input},
                               {"peak_rss_bytes", (peak - rss_before) * 1024},
                               {"param_bytes", n * static_cast<Index>(sizeof(double))},
                               {"status", "ok"}};
  std::cout << line.dump() << std::endl;
  return r.passed ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return measure(argc, argv);
  } catch (const std::exception& e) {  // out of memory for a large size, say: one line, exit 2
    std::cerr << "gradcheck_bench: " << e.what() << "\n";
    return 2;
  }
}
