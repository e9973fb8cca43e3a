// Tests of gradcheck/gtest.hpp (built when GoogleTest is found): a failing
// check fails the GoogleTest assertion with the full explanation; a passing
// one passes.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

#include "gradcheck/gtest.hpp"
#include "gradcheck/parameters.hpp"
#include "mlp.hpp"

namespace {

class GtestAdapter : public ::testing::Test, protected mlp::Model {
 protected:
  gradcheck::Parameters params{{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
  gradcheck::CheckResult check(mlp::Bug bug) {
    return gradcheck::check_gradient([this] { return mlp::loss(batch, W1, b1, W2, b2); },
                                     [this, bug] {
                                       const auto g = mlp::gradient(batch, W1, b1, W2, b2, bug);
                                       return gradcheck::blocks(g.W1, g.b1, g.W2, g.b2);
                                     },
                                     params);
  }
};

TEST_F(GtestAdapter, PassIsSuccess) {
  const gradcheck::CheckResult r = check(mlp::Bug::none);
  EXPECT_TRUE(gradcheck::gtest::passed(r));
  GRADCHECK_EXPECT_PASSED(r);
  GRADCHECK_ASSERT_PASSED(r);
}

TEST_F(GtestAdapter, FailureCarriesTheExplanation) {
  const gradcheck::CheckResult r = check(mlp::Bug::last_input_skipped);
  const ::testing::AssertionResult a = gradcheck::gtest::passed(r);
  EXPECT_FALSE(a);
  const std::string message = a.message();
  EXPECT_EQ(message.rfind("gradcheck result:\nFAIL (wrong_value): gradient entry W1[7,3]: analytic 0 vs numeric", 0),
            0U)
      << message;
  EXPECT_NE(message.find("8 of 67 entries fail, 0 inconclusive"), std::string::npos) << message;
  EXPECT_NE(message.find("worst entries"), std::string::npos) << message;
}

TEST_F(GtestAdapter, TheMacrosFailWithTheText) {
  const gradcheck::CheckResult r = check(mlp::Bug::last_input_skipped);
  EXPECT_NONFATAL_FAILURE(GRADCHECK_EXPECT_PASSED(r), "8 of 67 entries fail");
  EXPECT_NONFATAL_FAILURE(GRADCHECK_EXPECT_GRADIENT([this] { return mlp::loss(batch, W1, b1, W2, b2); },
                                                    [this] {
                                                      const auto g = mlp::gradient(batch, W1, b1, W2, b2,
                                                                                   mlp::Bug::last_input_skipped);
                                                      return gradcheck::blocks(g.W1, g.b1, g.W2, g.b2);
                                                    },
                                                    params.only("W1")),
                          "W1[7,3]");
}

}  // namespace
