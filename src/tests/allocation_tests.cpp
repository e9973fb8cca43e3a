// The hot loop allocates nothing per evaluation (issue 5): this executable
// counts the calls of malloc, calloc, realloc and the aligned allocators
// (which operator new and Eigen use) by interposing them over glibc's, which
// do the work, and checks that a double-precision check's count does not grow
// with its number of evaluations, in full mode on 1 and 2 threads and in
// directional mode (on 1 and 2 threads, and narrowing a failing direction
// down to its entry). The control: a loss that allocates once per call is seen
// allocating once per evaluation by the same counter; and every count must be
// positive (a check allocates its result), so a counter that is not called
// fails rather than passes. Built on glibc only, and not under sanitizers,
// whose runtimes interpose malloc themselves.
#define BOOST_TEST_MODULE allocation_tests
#include <fmt/format.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "gradcheck/check.hpp"

namespace {
constinit std::atomic<long> allocations{0};
}  // namespace

// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp,readability-inconsistent-declaration-parameter-name)
extern "C" {
void* __libc_malloc(std::size_t size) noexcept;
void* __libc_calloc(std::size_t count, std::size_t size) noexcept;
void* __libc_realloc(void* pointer, std::size_t size) noexcept;
void* __libc_memalign(std::size_t alignment, std::size_t size) noexcept;

void* malloc(std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
}
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp,readability-inconsistent-declaration-parameter-name)

using Eigen::Index;
using Eigen::VectorXd;
using gradcheck::CheckOptions;
using gradcheck::CheckResult;
using gradcheck::Mode;

namespace {

template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

// f(x) = Σ_j sin(x_j)·c_j + x_j²/2, computed in Scalar: no allocation in the loss.
template <class Scalar>
Scalar loss(const Eigen::Ref<const Vector<Scalar>>& x) {
  Scalar sum{0};
  for (Index j = 0; j < x.size(); ++j)
    sum += std::sin(x(j)) * static_cast<Scalar>(1 + j % 3) + Scalar{0.5} * x(j) * x(j);
  return sum;
}
template <class Scalar>
Vector<Scalar> gradient(const Vector<Scalar>& x) {
  Vector<Scalar> g(x.size());
  for (Index j = 0; j < x.size(); ++j) g(j) = std::cos(x(j)) * static_cast<Scalar>(1 + j % 3) + x(j);
  return g;
}

struct Count {
  long allocations = 0;
  long evaluations = 0;
  Index worst_input = -1;
};

// Allocations and evaluations of one check of n coordinates, f and grad
// computing in Scalar.
template <class Scalar, class F, class G>
Count count(F&& f, G&& grad, Index n, Mode mode, int threads, bool passes = true) {
  // In float, points where the gradient is far from 0 (above 0.5 on [0.5, 1.5]),
  // so that every entry is resolved above the sum's rounding noise.
  const bool single = std::is_same_v<Scalar, float>;
  const Vector<Scalar> x =
      Vector<Scalar>::LinSpaced(n, single ? Scalar{0.5} : Scalar{-2}, single ? Scalar{1.5} : Scalar{3});
  CheckOptions options = gradcheck::default_options<Scalar>();
  options.mode = mode;
  options.threads = threads;
  const long before = allocations.load();
  const CheckResult r = gradcheck::check_gradient(f, grad, x, options);
  const long spent = allocations.load() - before;
  BOOST_TEST_REQUIRE(r.passed == passes, r.message);
  BOOST_TEST_REQUIRE(spent > 0, "the counting malloc was not called: interposition failed");
  return {spent, r.evaluations, r.worst_input};
}

// One check of n_small and one of n_large coordinates (the same mode and
// directions), their counts logged.
template <class Scalar = double, class F, class G>
std::pair<Count, Count> counts(const char* what, F&& f, G&& grad, Index n_small, Index n_large, Mode mode, int threads,
                               bool passes = true) {
  const Count small = count<Scalar>(f, grad, n_small, mode, threads, passes);
  const Count large = count<Scalar>(f, grad, n_large, mode, threads, passes);
  BOOST_TEST_MESSAGE(fmt::format("{}: n = {}: {} allocations, {} evaluations; n = {}: {} allocations, {} evaluations",
                                 what, n_small, small.allocations, small.evaluations, n_large, large.allocations,
                                 large.evaluations));
  return {small, large};
}

// Directional checks of n_small and n_large coordinates: the larger may not allocate more.
template <class G>
std::pair<Count, Count> directional_counts(const char* what, G&& grad, Index n_small, Index n_large, int threads,
                                           bool passes = true) {
  const auto [small, large] = counts(what, loss<double>, grad, n_small, n_large, Mode::directional, threads, passes);
  BOOST_TEST(large.allocations <= small.allocations);
  return {small, large};
}

// The allocations the larger check makes beyond the smaller, per extra evaluation.
template <class Scalar = double, class F, class G>
double per_evaluation(F&& f, G&& grad, Index n_small, Index n_large, Mode mode, int threads) {
  const auto [small, large] = counts<Scalar>(to_string(mode), f, grad, n_small, n_large, mode, threads);
  BOOST_TEST_REQUIRE(large.evaluations > small.evaluations);
  return static_cast<double>(large.allocations - small.allocations) /
         static_cast<double>(large.evaluations - small.evaluations);
}

}  // namespace

BOOST_AUTO_TEST_CASE(full_check_allocates_nothing_per_evaluation_on_one_thread) {
  BOOST_TEST(per_evaluation(loss<double>, gradient<double>, 100, 2000, Mode::full, 1) < 0.01);
}

BOOST_AUTO_TEST_CASE(full_check_allocates_nothing_per_evaluation_on_two_threads) {
  BOOST_TEST(per_evaluation(loss<double>, gradient<double>, 100, 2000, Mode::full, 2) < 0.01);
}

BOOST_AUTO_TEST_CASE(single_precision_check_allocates_nothing_per_evaluation) {
  // f takes the point as float: the harness converts into a per-thread buffer.
  // (Fewer coordinates than above: a float sum of 2000 terms rounds too coarsely to decide its entries.)
  BOOST_TEST(per_evaluation<float>(loss<float>, gradient<float>, 50, 400, Mode::full, 1) < 0.01);
}

BOOST_AUTO_TEST_CASE(directional_check_allocates_nothing_per_coordinate) {
  // 67 times the coordinates, the same number of directions; at both sizes
  // some directions go to the ladder, whose tableau is made once per check
  // (which directions do depends on the draws: with the draws before
  // SplitMix64, 1,000 coordinates went to the ladder too, now they do not).
  (void)directional_counts("directional", gradient<double>, 3000, 200000, 1);
}

BOOST_AUTO_TEST_CASE(directional_check_on_two_threads_allocates_nothing_per_coordinate) {
  // Its directions are drawn on two threads in spans of 65,536 entries (5 and
  // 31 spans), and its points formed on two (both sizes are above
  // PassPool::min_split_length: each check starts its pool's helper once).
  (void)directional_counts("directional, 2 threads", gradient<double>, 300000, 2000000, 2);
}

BOOST_AUTO_TEST_CASE(narrowing_a_failing_direction_allocates_nothing_per_halving) {
  // The last entry is wrong: about 2·log2(n) evaluations narrow a failing direction to it.
  const auto wrong_last = [](const VectorXd& x) {
    VectorXd g = gradient<double>(x);
    g(x.size() - 1) += 1.0;
    return g;
  };
  const auto [small, large] = directional_counts("failing directional", wrong_last, 1000, 200000, 1, false);
  BOOST_TEST(small.worst_input == 999);  // narrowed down to the wrong entry
  BOOST_TEST(large.worst_input == 199999);
  BOOST_TEST(large.evaluations > small.evaluations);
}

BOOST_AUTO_TEST_CASE(control_a_loss_that_allocates_is_counted_per_evaluation) {
  const auto allocating = [](const VectorXd& x) {
    const std::vector<double> copy(x.data(), x.data() + x.size());  // one allocation per call
    return loss<double>(Eigen::Map<const VectorXd>(copy.data(), x.size()));
  };
  BOOST_TEST(per_evaluation(allocating, gradient<double>, 100, 2000, Mode::full, 1) >= 1.0);
}
