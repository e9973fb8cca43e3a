// gradcheck/gtest.hpp: gradient checks in a GoogleTest suite, which print the
// whole explanation of a result (operator<< of CheckResult) on failure.
//
//     GRADCHECK_EXPECT_GRADIENT(loss, grad, params);         // check and EXPECT in one
//     GRADCHECK_EXPECT_PASSED(r);                            // EXPECT a result already made
//     EXPECT_TRUE(gradcheck::gtest::passed(r));              // the same, spelled out
//
// On failure GoogleTest prints the verdict and message, the count of failing
// entries out of those judged, the per-block table and the worst entries by
// name with analytic, numeric, error and allowance. A PASS is the only
// success: INCONCLUSIVE fails too (see gradcheck/redraw.hpp).
#pragma once

#include <gtest/gtest.h>

#include "gradcheck/check.hpp"       // IWYU pragma: keep (GRADCHECK_EXPECT_GRADIENT)
#include "gradcheck/parameters.hpp"  // IWYU pragma: keep (GRADCHECK_EXPECT_GRADIENT)
#include "gradcheck/result.hpp"

namespace gradcheck::gtest {

/// Success iff r.verdict is PASS; a failure carries the full explanation.
inline ::testing::AssertionResult passed(const CheckResult& r) {
  if (r.verdict == Verdict::pass) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "gradcheck result:\n" << r;
}

}  // namespace gradcheck::gtest

/// EXPECT_TRUE / ASSERT_TRUE that the result `r` PASSED.
#define GRADCHECK_EXPECT_PASSED(r) EXPECT_TRUE(::gradcheck::gtest::passed(r))
#define GRADCHECK_ASSERT_PASSED(r) ASSERT_TRUE(::gradcheck::gtest::passed(r))
/// EXPECT_TRUE(check_gradient(...) passed): the arguments are check_gradient's
/// (loss, grad, x or Parameters, optional options).
#define GRADCHECK_EXPECT_GRADIENT(...) EXPECT_TRUE(::gradcheck::gtest::passed(::gradcheck::check_gradient(__VA_ARGS__)))
