// An engineer's regression check of their own loss with an installed gradcheck:
// the least-squares loss f(w) = ½‖Aw − b‖², whose gradient is Aᵀ(Aw − b).
// The negative control (a sign slip, Aᵀ(Aw + b)) must be rejected, so the
// check is known to have teeth.
#define BOOST_TEST_MODULE gradcheck_consumer
#include <Eigen/Core>
#include <boost/test/unit_test.hpp>
#include <gradcheck/boost_test.hpp>
#include <gradcheck/autodiff.hpp>  // check_gradient_templated (not in gradcheck.hpp)
#include <gradcheck/gradcheck.hpp>
#include <type_traits>

namespace {

struct LeastSquares {
  Eigen::MatrixXd A;
  Eigen::VectorXd b;

  LeastSquares() : A(4, 3), b(4) {
    A << 1.0, 2.0, -1.0,  //
        0.5, -3.0, 2.0,   //
        4.0, 0.0, 1.5,    //
        -2.0, 1.0, 0.25;
    b << 1.0, -2.0, 0.5, 3.0;
  }

  // A point away from the minimum, so the gradient is far from zero.
  static Eigen::VectorXd point() {
    Eigen::VectorXd x(3);
    x << 0.3, -1.2, 2.0;
    return x;
  }

  double loss(const Eigen::VectorXd& w) const { return 0.5 * (A * w - b).squaredNorm(); }
  Eigen::VectorXd gradient(const Eigen::VectorXd& w) const { return A.transpose() * (A * w - b); }
  Eigen::VectorXd wrong_gradient(const Eigen::VectorXd& w) const { return A.transpose() * (A * w + b); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(least_squares, LeastSquares)

BOOST_AUTO_TEST_CASE(gradient_passes) {
  const Eigen::VectorXd x = point();
  const gradcheck::CheckResult r =
      gradcheck::check_gradient([this](const Eigen::VectorXd& w) { return loss(w); },
                                [this](const Eigen::VectorXd& w) { return gradient(w); }, x);
  GRADCHECK_TEST_PASSED(r);  // on failure, prints the whole explanation of r
  BOOST_TEST(r.failure == gradcheck::Failure::none);
}

BOOST_AUTO_TEST_CASE(wrong_gradient_fails) {
  const Eigen::VectorXd x = point();
  const gradcheck::CheckResult r =
      gradcheck::check_gradient([this](const Eigen::VectorXd& w) { return loss(w); },
                                [this](const Eigen::VectorXd& w) { return wrong_gradient(w); }, x);
  BOOST_TEST(!r.passed, "the wrong gradient Aᵀ(Aw + b) was accepted");
  BOOST_TEST(r.failure == gradcheck::Failure::wrong_value);
}

// The same loss written for any scalar type: check_gradient_templated also
// computes the exact gradient by forward-mode AD (gradcheck/autodiff.hpp, from
// Eigen's unsupported AutoDiff module) and reports it beside the finite difference.
BOOST_AUTO_TEST_CASE(templated_loss_gets_an_exact_second_opinion) {
  const auto templated_loss = [this](const auto& w) {
    using T = typename std::remove_cvref_t<decltype(w)>::Scalar;
    const Eigen::Matrix<T, Eigen::Dynamic, 1> r = A.cast<T>() * w - b.cast<T>();
    return T(0.5 * r.dot(r));
  };
  const gradcheck::CheckResult r = gradcheck::check_gradient_templated(
      templated_loss, [this](const Eigen::VectorXd& w) { return gradient(w); }, point());
  BOOST_TEST(r.passed, r.message);
  BOOST_TEST(r.exact.cols() == 3);
  BOOST_TEST(r.exact_vs_numeric <= 1.0);
  BOOST_TEST(r.exact_vs_analytic <= 1e-12);
}

BOOST_AUTO_TEST_SUITE_END()
