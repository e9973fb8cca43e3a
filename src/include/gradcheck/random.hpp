// gradcheck/random.hpp: reproducible random points.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <random>
#include <string_view>

namespace gradcheck {

/// The generator behind every random point. Its output is fixed by the C++
/// standard; the distributions below use Boost.Random's algorithms (not the
/// standard library's, which vary), so a seed gives the same points everywhere.
using Rng = std::mt19937_64;

/// The generator of trial `trial` of the check named `name` in a run seeded
/// with `seed`. Trials are independent of which other checks run, so one
/// trial can be re-run alone (`gradcheck run ID --seed S --trial T`).
Rng trial_rng(std::uint64_t seed, std::string_view name, std::uint64_t trial);

/// Standard normal vector of size n.
Eigen::VectorXd random_normal(Rng& rng, Eigen::Index n);
/// Standard normal matrix.
Eigen::MatrixXd random_normal(Rng& rng, Eigen::Index rows, Eigen::Index cols);
/// Uniform integer in [lo, hi] (inclusive).
Eigen::Index random_index(Rng& rng, Eigen::Index lo, Eigen::Index hi);
/// Uniform real in [lo, hi).
double random_uniform(Rng& rng, double lo, double hi);

}  // namespace gradcheck
