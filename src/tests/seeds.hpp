// src/tests/seeds.hpp: the seeds of a statistical test (a claim over many
// random points), overridable to re-run it under other draws without a
// rebuild: GRADCHECK_TEST_SEEDS=3,4,5 gradcheck_tests --run_test=defaults
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace gradcheck::tests {

/// `usual`, or the seeds listed in GRADCHECK_TEST_SEEDS ("3,4,5") when set.
inline std::vector<std::uint64_t> seeds(std::vector<std::uint64_t> usual) {
  const char* listed = std::getenv("GRADCHECK_TEST_SEEDS");
  if (listed == nullptr || *listed == '\0') return usual;
  std::vector<std::uint64_t> chosen;
  std::istringstream in(listed);
  for (std::string seed; std::getline(in, seed, ',');) chosen.push_back(std::stoull(seed));
  return chosen;
}

}  // namespace gradcheck::tests
