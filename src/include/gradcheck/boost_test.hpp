// gradcheck/boost_test.hpp: gradient checks in a Boost.Test suite, which print
// the whole explanation of a result (operator<< of CheckResult) on failure.
//
//     GRADCHECK_TEST_GRADIENT(loss, grad, params);             // check and assert in one
//     GRADCHECK_TEST_PASSED(r);                                // assert a result already made
//     BOOST_TEST(gradcheck::boost_test::passed(r));           // the same, spelled out
//
// On failure Boost.Test prints, after the assertion, the verdict and message,
// the count of failing entries out of those judged, the per-block table and
// the worst entries by name with analytic, numeric, error and allowance. A
// PASS is the only success: INCONCLUSIVE fails the assertion too (use
// check_redrawing, gradcheck/redraw.hpp, to try another point).
//
// Include after <boost/test/unit_test.hpp> (or any Boost.Test header that
// defines BOOST_TEST); this header needs only Boost.Test's assertion_result.
#pragma once

#include <boost/test/tools/assertion_result.hpp>

#include "gradcheck/check.hpp"       // IWYU pragma: keep (GRADCHECK_TEST_GRADIENT)
#include "gradcheck/parameters.hpp"  // IWYU pragma: keep (GRADCHECK_TEST_GRADIENT)
#include "gradcheck/result.hpp"

namespace gradcheck::boost_test {

/// True iff r.verdict is PASS; otherwise carries the full explanation, which
/// BOOST_TEST prints.
inline boost::test_tools::assertion_result passed(const CheckResult& r) {
  boost::test_tools::assertion_result out(r.verdict == Verdict::pass);
  if (!out) out.message() << "gradcheck result:\n" << r;
  return out;
}

}  // namespace gradcheck::boost_test

/// BOOST_TEST / BOOST_TEST_REQUIRE that the result `r` PASSED.
#define GRADCHECK_TEST_PASSED(r) BOOST_TEST(::gradcheck::boost_test::passed(r))
#define GRADCHECK_REQUIRE_PASSED(r) BOOST_TEST_REQUIRE(::gradcheck::boost_test::passed(r))
/// BOOST_TEST(check_gradient(...) passed): the arguments are check_gradient's
/// (loss, grad, x or Parameters, optional options).
#define GRADCHECK_TEST_GRADIENT(...) \
  BOOST_TEST(::gradcheck::boost_test::passed(::gradcheck::check_gradient(__VA_ARGS__)))
