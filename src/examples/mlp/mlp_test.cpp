// The MLP example in a Boost.Test suite: the user's loss and hand-written
// backward pass (mlp.hpp) checked with named parameter blocks, from an
// installed gradcheck (find_package(gradcheck)).
#define BOOST_TEST_MODULE mlp_example
#include "mlp.hpp"

#include <boost/test/unit_test.hpp>
#include <gradcheck/boost_test.hpp>
#include <gradcheck/parameters.hpp>
#include <sstream>
#include <string>

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

BOOST_FIXTURE_TEST_SUITE(mlp_gradients, mlp::Model)  // W1, b1, W2, b2 and a batch

// The whole check: four lines beyond the user's own loss and gradient (the
// user's struct of gradients is taken member by member, in order).
BOOST_AUTO_TEST_CASE(every_parameter_by_name) {
  gradcheck::Parameters params{{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
  const auto loss = [&] { return mlp::loss(batch, W1, b1, W2, b2); };
  const auto grad = [&] { return gradcheck::blocks(mlp::gradient(batch, W1, b1, W2, b2)); };
  GRADCHECK_TEST_GRADIENT(loss, grad, params);
  GRADCHECK_TEST_GRADIENT(loss, grad, params.only("W1"));  // one parameter alone, the others held fixed
}

// The same check with the flat-vector API: the caller packs the parameters
// into one x and unpacks it in both functions, and messages name x[31].
BOOST_AUTO_TEST_CASE(every_parameter_as_one_flat_vector) {
  Eigen::VectorXd x(W1.size() + b1.size() + W2.size() + b2.size());
  x << W1.reshaped(), b1, W2.reshaped(), b2;
  const auto loss = [&](const Eigen::VectorXd& p) {
    return mlp::loss(batch, p.head(32).reshaped(8, 4), p.segment(32, 8), p.segment(40, 24).reshaped(3, 8), p.tail(3));
  };
  const auto grad_with = [&](mlp::Bug bug) {
    return [&, bug](const Eigen::VectorXd& p) {
      const auto g = mlp::gradient(batch, p.head(32).reshaped(8, 4), p.segment(32, 8), p.segment(40, 24).reshaped(3, 8),
                                   p.tail(3), bug);
      Eigen::VectorXd flat(p.size());
      flat << g.W1.reshaped(), g.b1, g.W2.reshaped(), g.b2;
      return flat;
    };
  };
  GRADCHECK_TEST_GRADIENT(loss, grad_with(mlp::Bug::none), x);
  const gradcheck::CheckResult r = gradcheck::check_gradient(loss, grad_with(mlp::Bug::last_input_skipped), x);
  BOOST_TEST(r.message.rfind("gradient entry x[31]: analytic 0", 0) == 0, r.message);  // W1[7,3] = x[7 + 8·3]
  BOOST_TEST(r.failing_entries == 8);
}

// The negative control: the planted bug (W1's last input column gets no
// gradient) is caught, and the result names it.
BOOST_AUTO_TEST_CASE(planted_bug_is_caught_and_named) {
  gradcheck::Parameters params{{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
  const auto loss = [&] { return mlp::loss(batch, W1, b1, W2, b2); };
  const auto buggy = [&] {
    const auto g = mlp::gradient(batch, W1, b1, W2, b2, mlp::Bug::last_input_skipped);
    return gradcheck::blocks(g.W1, g.b1, g.W2, g.b2);
  };
  const gradcheck::CheckResult r = gradcheck::check_gradient(loss, buggy, params);
  BOOST_TEST(r.verdict == gradcheck::Verdict::fail);
  BOOST_TEST(r.failing_entries == 8);  // W1[0..7,3]
  BOOST_TEST(r.message.rfind("gradient entry W1[7,3]: analytic 0 vs numeric 0.428", 0) == 0, r.message);
  std::ostringstream text;
  text << r;
  BOOST_TEST(contains(text.str(), "8 of 67 entries fail"), text.str());
  BOOST_TEST(!gradcheck::boost_test::passed(r));
  // Per parameter: W1 fails, b1 (whose gradient the bug does not touch) passes.
  BOOST_TEST(gradcheck::check_gradient(loss, buggy, params.only("W1")).failing_entries == 8);
  GRADCHECK_TEST_GRADIENT(loss, buggy, params.only("b1"));
}

// What Boost.Test prints when a check fails: run on its own by ctest
// (mlp_adapter_output), which expects the failure and its text.
BOOST_AUTO_TEST_CASE(adapter_output_on_a_planted_failure, *boost::unit_test::disabled()) {
  gradcheck::Parameters params{{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
  const auto loss = [&] { return mlp::loss(batch, W1, b1, W2, b2); };
  const auto buggy = [&] {
    const auto g = mlp::gradient(batch, W1, b1, W2, b2, mlp::Bug::last_input_skipped);
    return gradcheck::blocks(g.W1, g.b1, g.W2, g.b2);
  };
  GRADCHECK_TEST_GRADIENT(loss, buggy, params);
}

BOOST_AUTO_TEST_SUITE_END()
