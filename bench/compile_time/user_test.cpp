// A user's test file, for timing what including gradcheck costs its compile
// (bench/README.md, "Compile time of a user's test"). Compiled as it is, it
// includes gradcheck/gradcheck.hpp and calls check_gradient once; with
// -DWITHOUT_GRADCHECK it is the same file without gradcheck (the yardstick);
// with -DWITH_AUTODIFF it also includes gradcheck/autodiff.hpp.
#define BOOST_TEST_MODULE user_test
#include <Eigen/Core>
#include <boost/test/unit_test.hpp>
#ifndef WITHOUT_GRADCHECK
#include <gradcheck/gradcheck.hpp>
#endif
#ifdef WITH_AUTODIFF
#include <gradcheck/autodiff.hpp>
#endif

namespace {

double loss(const Eigen::VectorXd& w) { return 0.5 * w.squaredNorm() + w.sum(); }
Eigen::VectorXd gradient(const Eigen::VectorXd& w) { return w.array() + 1.0; }

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_is_right) {
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(4, -1.0, 2.0);
#ifndef WITHOUT_GRADCHECK
  const gradcheck::CheckResult r = gradcheck::check_gradient(loss, gradient, x);
  BOOST_TEST(r.passed, r.message);
#else
  BOOST_TEST(loss(x) > 0.0);
  BOOST_TEST(gradient(x).size() == 4);
#endif
}
