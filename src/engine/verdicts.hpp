// engine/verdicts.hpp (internal): how a check sets its verdict and ranks its
// entries.
#pragma once

#include <cmath>
#include <string>
#include <utility>

#include "gradcheck/result.hpp"

namespace gradcheck::detail {

/// r with its verdict, failure and message set, moved out. Takes r by
/// reference so that the caller can build the message from r's fields first.
inline CheckResult conclude(CheckResult& r, Verdict verdict, Failure why, std::string message) {
  r.set_verdict(verdict);
  r.failure = why;
  r.message = std::move(message);
  return std::move(r);
}

/// An entry's error as a share of its allowance: the worst entry has the
/// largest. Any error beyond a zero allowance is infinitely far off.
inline double error_ratio(double error, double allowance) {
  return allowance > 0.0 ? error / allowance : (error > 0.0 ? HUGE_VAL : 0.0);
}

}  // namespace gradcheck::detail
