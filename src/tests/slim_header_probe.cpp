// What a translation unit that includes only <gradcheck/gradcheck.hpp> sees:
// the checker, not the word2vec homework code (target gradcheck::word2vec),
// not Eigen's unsupported AutoDiff module and not the exact-derivative
// internals (both come with gradcheck/autodiff.hpp). Compiled twice by ctest
// (src/tests/CMakeLists.txt): as it is, expecting none of them
// (GRADCHECK_PROBE_EXPECT=0), and with GRADCHECK_PROBE_CONTROL, which
// includes those headers too, expecting all of them: the negative control
// that shows the probes can see a name when it is there.
#include <gradcheck/gradcheck.hpp>
#ifdef GRADCHECK_PROBE_CONTROL
#include <gradcheck/autodiff.hpp>
#include <gradcheck/word2vec.hpp>
#endif

#include <type_traits>

#ifndef GRADCHECK_PROBE_EXPECT
#define GRADCHECK_PROBE_EXPECT 0  // the slim expectation (and what a linter compiles)
#endif

namespace probe {
struct Absent {};
}  // namespace probe

// Fallbacks that overload resolution picks only when no real declaration of
// the name fits the call: a C variadic parameter is the worst match there is.
namespace gradcheck {
probe::Absent check_gradient_templated(...);
namespace word2vec {
probe::Absent sigmoid(...);
probe::Absent naive_softmax_loss_and_gradient(...);
}  // namespace word2vec
namespace detail {
probe::Absent attach_exact(...);
}  // namespace detail
}  // namespace gradcheck

namespace probe {
template <class Call>
constexpr bool seen = !std::is_same_v<Call, Absent>;

constexpr bool word2vec_seen = seen<decltype(gradcheck::word2vec::sigmoid(0.0))>;
constexpr bool word2vec_closed_form_seen = seen<decltype(gradcheck::word2vec::naive_softmax_loss_and_gradient(
    Eigen::VectorXd(), Eigen::Index(0), Eigen::MatrixXd()))>;
constexpr bool templated_seen = seen<decltype(gradcheck::check_gradient_templated(0, 0, Eigen::VectorXd()))>;
constexpr bool exact_internals_seen =
    seen<decltype(gradcheck::detail::attach_exact(std::declval<gradcheck::CheckResult&>(), Eigen::MatrixXd()))>;
#ifdef EIGEN_AUTODIFF_MODULE
constexpr bool autodiff_module_seen = true;
#else
constexpr bool autodiff_module_seen = false;
#endif
}  // namespace probe

static_assert(probe::word2vec_seen == GRADCHECK_PROBE_EXPECT, "gradcheck::word2vec::sigmoid (gradcheck/word2vec.hpp)");
static_assert(probe::word2vec_closed_form_seen == GRADCHECK_PROBE_EXPECT,
              "gradcheck::word2vec::naive_softmax_loss_and_gradient (gradcheck/word2vec.hpp)");
static_assert(probe::templated_seen == GRADCHECK_PROBE_EXPECT, "check_gradient_templated (gradcheck/autodiff.hpp)");
static_assert(probe::exact_internals_seen == GRADCHECK_PROBE_EXPECT,
              "detail::attach_exact (gradcheck/detail/exact.hpp)");
static_assert(probe::autodiff_module_seen == GRADCHECK_PROBE_EXPECT, "Eigen's unsupported AutoDiff module");

// The checker itself is there either way.
static_assert(
    std::is_same_v<decltype(gradcheck::check_gradient([](const Eigen::VectorXd&) { return 0.0; },
                                                      [](const Eigen::VectorXd& x) { return x; }, Eigen::VectorXd())),
                   gradcheck::CheckResult>);
