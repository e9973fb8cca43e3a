// src/tests/tally.hpp: verdicts counted over the points of a statistical test.
#pragma once

#include "gradcheck/result.hpp"

namespace gradcheck::tests {

struct Tally {
  int pass = 0;
  int fail = 0;
  int inconclusive = 0;
  void add(const CheckResult& r) {
    (r.verdict == Verdict::pass ? pass : r.verdict == Verdict::fail ? fail : inconclusive) += 1;
  }
};

}  // namespace gradcheck::tests
