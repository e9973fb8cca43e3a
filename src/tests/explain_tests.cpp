// Tests of a CheckResult's explanation (operator<<, entry_name, counts), of
// `passed` never disagreeing with `verdict`, and of the Boost.Test adapter
// (gradcheck/boost_test.hpp).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gradcheck/boost_test.hpp"
#include "gradcheck/check.hpp"
#include "gradcheck/parameters.hpp"
#include "gradcheck/redraw.hpp"
#include "mlp.hpp"

using namespace gradcheck;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string text_of(const CheckResult& r) {
  std::ostringstream out;
  out << r;
  return out.str();
}

// The MLP checked with named blocks, right or with its planted bug.
CheckResult mlp_check(mlp::Bug bug) {
  mlp::Model m;
  const Parameters params{{"W1", m.W1}, {"b1", m.b1}, {"W2", m.W2}, {"b2", m.b2}};
  return check_gradient([&] { return mlp::loss(m.batch, m.W1, m.b1, m.W2, m.b2); },
                        [&] {
                          const mlp::Gradient g = mlp::gradient(m.batch, m.W1, m.b1, m.W2, m.b2, bug);
                          return blocks(g.W1, g.b1, g.W2, g.b2);
                        },
                        params);
}

double cube(const VectorXd& x) { return x.array().cube().sum(); }
VectorXd cube_grad(const VectorXd& x) { return 3.0 * x.array().square(); }

// `passed` agrees with `verdict`: what the library promises of every result.
bool consistent(const CheckResult& r) { return r.passed == (r.verdict == Verdict::pass); }

}  // namespace

BOOST_AUTO_TEST_SUITE(explain)

BOOST_AUTO_TEST_CASE(a_failure_explains_itself_by_name) {
  const CheckResult r = mlp_check(mlp::Bug::last_input_skipped);
  const std::string text = text_of(r);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(text.rfind("FAIL (wrong_value): gradient entry W1[", 0) == 0, text);
  BOOST_TEST(contains(text, "8 of 67 entries fail, 0 inconclusive"), text);
  BOOST_TEST(std::regex_search(text, std::regex(R"(\n  W1 +8x4 +32 +8 +0\n)")), text);
  BOOST_TEST(std::regex_search(text, std::regex(R"(\n  b2 +3x1 +3 +0 +0\n)")), text);
  BOOST_TEST(contains(text, "worst entries (largest error / allowance first):"), text);
  // Five entries listed, each a failing one of W1's column 3, with its numbers.
  const std::regex row(R"(\n  W1\[[0-7],3\] +fail +0 +-?[0-9.e+-]+ +[0-9.]+e[+-][0-9]+ +[0-9.]+e[+-][0-9]+)");
  const auto rows = std::distance(std::sregex_iterator(text.begin(), text.end(), row), std::sregex_iterator());
  BOOST_TEST(rows == 5);
}

BOOST_AUTO_TEST_CASE(a_pass_is_one_short_summary) {
  const CheckResult r = mlp_check(mlp::Bug::none);  // the control of the test above
  const std::string text = text_of(r);
  BOOST_TEST(text.rfind("PASS\n  0 of 67 entries fail, 0 inconclusive; worst error / allowance ", 0) == 0, text);
  BOOST_TEST(!contains(text, "worst entries"));
  BOOST_TEST(!contains(text, "block"));
}

BOOST_AUTO_TEST_CASE(flat_checks_name_x_and_jacobian_entries) {
  VectorXd x(3);
  x << 0.5, -1.0, 2.0;
  const CheckResult g = check_gradient(
      cube, [](const VectorXd& p) -> VectorXd { return 3.0 * p; }, x);
  BOOST_TEST(g.verdict == Verdict::fail);
  BOOST_TEST(g.failing_entries == 3);  // 3p is not 3p² at any of 0.5, −1, 2 ...
  BOOST_TEST(g.verdicts.size() == 3U);
  BOOST_TEST(contains(text_of(g), "3 of 3 entries fail"), text_of(g));
  BOOST_TEST(contains(text_of(g), "\n  x[2] "), text_of(g));
  BOOST_TEST(g.blocks.empty());
  BOOST_TEST(check_gradient(cube, cube_grad, x).failing_entries == 0);  // ... and 3p² is

  const auto f = [](const VectorXd& p) -> VectorXd { return p.array().sin(); };
  MatrixXd wrong = MatrixXd(x.array().cos().matrix().asDiagonal());
  wrong(1, 2) = 0.5;
  const CheckResult j = check_jacobian(
      f, [&](const VectorXd&) { return wrong; }, x);
  BOOST_TEST(j.kind == CheckKind::jacobian);
  BOOST_TEST(j.failing_entries == 1);
  BOOST_TEST(entry_name(j, 1, 2) == "(1, 2)");
  BOOST_TEST(contains(text_of(j), "1 of 9 entries fail"), text_of(j));

  const CheckResult v = compare_values(x, VectorXd(x + VectorXd::Unit(3, 1)));
  BOOST_TEST(v.kind == CheckKind::values);
  BOOST_TEST(v.failing_entries == 1);
  BOOST_TEST(entry_name(v, 0, 1) == "[1]");
  BOOST_TEST(compare_values(x, x).failing_entries == 0);
}

BOOST_AUTO_TEST_CASE(a_wrong_shape_compares_no_entries) {
  VectorXd x(2);
  x << 1.0, 2.0;
  const CheckResult r = check_gradient(
      cube, [](const VectorXd&) { return VectorXd::Zero(3).eval(); }, x);
  const std::string text = text_of(r);
  BOOST_TEST(text.rfind("FAIL (wrong_shape): gradient has shape 3x1, expected 2x1", 0) == 0, text);
  BOOST_TEST(contains(text, "no entries compared"), text);
}

BOOST_AUTO_TEST_CASE(passed_never_disagrees_with_verdict) {
  VectorXd x(2);
  x << 0.5, 1.5;
  const auto nan_loss = [](const VectorXd&) { return std::nan(""); };
  const auto throws = [](const VectorXd&) -> double { throw std::runtime_error("no"); };
  std::vector<CheckResult> results{
      check_gradient(cube, cube_grad, x),  // pass
      check_gradient(
          cube, [](const VectorXd& p) -> VectorXd { return p; }, x),  // fail
      check_gradient(nan_loss, cube_grad, x),                         // inconclusive
      check_gradient(
          cube, [](const VectorXd&) { return VectorXd::Zero(5).eval(); }, x),  // wrong shape
      check_gradient(throws, cube_grad, x),                                    // exception
      compare_values(x, x),                                                    // pass
      compare_values(x, VectorXd(2 * x)),                                      // fail
      mlp_check(mlp::Bug::none),                                               // pass
      mlp_check(mlp::Bug::last_input_skipped),                                 // fail
      check_redrawing([](Rng&) { return 0; }, [&] { return check_gradient(nan_loss, cube_grad, x); }, 1).result,
  };
  std::vector<Verdict> seen;
  for (const CheckResult& r : results) {
    BOOST_TEST(consistent(r), to_string(r.verdict));
    seen.push_back(r.verdict);
  }
  BOOST_TEST(std::count(seen.begin(), seen.end(), Verdict::inconclusive) == 2);  // every verdict was made
  BOOST_TEST(std::count(seen.begin(), seen.end(), Verdict::pass) == 3);

  // set_verdict is the one writer; the check above rejects a result edited by hand.
  CheckResult r;
  r.set_verdict(Verdict::pass);
  BOOST_TEST((r.passed && consistent(r)));
  r.set_verdict(Verdict::inconclusive);
  BOOST_TEST((!r.passed && consistent(r)));
  r.passed = true;  // by hand: what the library never does
  BOOST_TEST(!consistent(r));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(boost_adapter)

BOOST_AUTO_TEST_CASE(the_predicate_carries_the_explanation) {
  const CheckResult bad = mlp_check(mlp::Bug::last_input_skipped);
  boost::test_tools::assertion_result failed = boost_test::passed(bad);
  BOOST_TEST(!failed);
  const std::string message = failed.message().str();  // the non-const message() is the stream
  BOOST_TEST(message == "gradcheck result:\n" + text_of(bad));
  BOOST_TEST(contains(message, "8 of 67 entries fail"), message);

  const boost::test_tools::assertion_result ok = boost_test::passed(mlp_check(mlp::Bug::none));
  BOOST_TEST(static_cast<bool>(ok));
  BOOST_TEST(ok.has_empty_message());

  // INCONCLUSIVE is not a pass.
  VectorXd x(1);
  x << 1.0;
  CheckResult inconclusive = check_gradient([](const VectorXd&) { return std::nan(""); }, cube_grad, x);
  BOOST_TEST(!boost_test::passed(inconclusive));
}

BOOST_AUTO_TEST_CASE(the_macros_check_and_assert) {
  mlp::Model m;
  const Parameters params{{"W1", m.W1}, {"b1", m.b1}, {"W2", m.W2}, {"b2", m.b2}};
  const auto loss = [&] { return mlp::loss(m.batch, m.W1, m.b1, m.W2, m.b2); };
  const auto grad = [&] {
    const mlp::Gradient g = mlp::gradient(m.batch, m.W1, m.b1, m.W2, m.b2);
    return blocks(g.W1, g.b1, g.W2, g.b2);
  };
  GRADCHECK_TEST_GRADIENT(loss, grad, params);
  GRADCHECK_TEST_GRADIENT(loss, grad, params.only("W2"));
  VectorXd x(2);
  x << 0.3, -0.4;
  GRADCHECK_TEST_GRADIENT(cube, cube_grad, x);
  GRADCHECK_REQUIRE_PASSED(check_gradient(cube, cube_grad, x));
}

BOOST_AUTO_TEST_SUITE_END()
