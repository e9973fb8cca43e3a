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

// The whole check: four statements beyond the user's own loss and gradient
// (the gradient lambda unpacks the user's struct of gradients into blocks).
BOOST_AUTO_TEST_CASE(every_parameter_by_name) {
  gradcheck::Parameters params{{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
  const auto loss = [&] { return mlp::loss(batch, W1, b1, W2, b2); };
  const auto grad = [&] {
    const auto g = mlp::gradient(batch, W1, b1, W2, b2);
    return gradcheck::blocks(g.W1, g.b1, g.W2, g.b2);
  };
  GRADCHECK_TEST_GRADIENT(loss, grad, params);
  GRADCHECK_TEST_GRADIENT(loss, grad, params.only("W1"));  // one parameter alone, the others held fixed
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
