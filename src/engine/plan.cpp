// What a check will do (gradcheck::plan): its options validated, the mode
// chosen, the coordinates a sampled check draws.
#include "plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gradcheck/check.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/random.hpp"

namespace gradcheck {
namespace detail {
namespace {

// Evaluations a check needs besides the differences: f(x) and the noise probe.
constexpr long fixed_evaluations = 7;

std::vector<Eigen::Index> block_sizes(Eigen::Index n, const CheckOptions& options) {
  if (options.blocks.empty()) return {n};
  Eigen::Index total = 0;
  for (const Eigen::Index b : options.blocks) {
    if (b < 0) throw Error(fmt::format("blocks has a negative size {}", b));
    total += b;
  }
  if (total != n) throw Error(fmt::format("blocks add up to {} coordinates, but x has {}", total, n));
  return options.blocks;
}

}  // namespace

void require_coordinates(Eigen::Index n) {
  // Refused before f or the claim is called: with no coordinate there is no
  // derivative to compare, and no verdict would mean anything.
  if (n == 0) throw Error("x is empty: nothing to check");
  if (n < 0) throw Error(fmt::format("x cannot have {} coordinates: nothing to check", n));
}

std::vector<Eigen::Index> sampled_coordinates(Eigen::Index n, const CheckOptions& options) {
  std::vector<Eigen::Index> chosen;
  Eigen::Index offset = 0;
  const std::vector<Eigen::Index> blocks = block_sizes(n, options);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const Eigen::Index size = blocks[b];
    if (size <= options.samples) {
      for (Eigen::Index k = 0; k < size; ++k) chosen.push_back(offset + k);
    } else {
      // Floyd's algorithm: `samples` distinct draws without a size-n table.
      Rng rng = trial_rng(options.seed, "sampled", b);
      std::vector<Eigen::Index> picked;
      for (Eigen::Index k = size - options.samples; k < size; ++k) {
        const Eigen::Index t = random_index(rng, 0, k);
        picked.push_back(std::find(picked.begin(), picked.end(), t) == picked.end() ? t : k);
      }
      for (const Eigen::Index k : picked) chosen.push_back(offset + k);
    }
    offset += size;
  }
  for (const Eigen::Index e : options.entries) {
    if (e < 0 || e >= n) throw Error(fmt::format("entries names coordinate {}, but x has {} (0..{})", e, n, n - 1));
    chosen.push_back(e);
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

}  // namespace detail

Plan plan(Eigen::Index n, const CheckOptions& options) {
  detail::validate(options);
  detail::require_coordinates(n);
  const long coordinates = static_cast<long>(n);
  const auto planned = [](Mode mode, long samples, long differenced) {
    return Plan{mode, samples, detail::fixed_evaluations + 2 * differenced};
  };
  switch (options.mode) {
    case Mode::full:
      return planned(Mode::full, coordinates, coordinates);
    case Mode::sampled:
      return planned(Mode::sampled, options.samples, static_cast<long>(detail::sampled_coordinates(n, options).size()));
    case Mode::directional:
      return planned(Mode::directional, options.samples, options.samples);
    case Mode::automatic:
      break;
  }
  if (detail::fixed_evaluations + 2 * coordinates <= options.budget) {
    return planned(Mode::full, coordinates, coordinates);
  }
  const long k = std::clamp((options.budget - detail::fixed_evaluations) / 2, 1L, options.samples);
  return planned(Mode::directional, k, k);
}

}  // namespace gradcheck
