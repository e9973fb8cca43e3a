// lib/splitmix64.hpp (internal): SplitMix64 (Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014), the generator
// behind the seeding of trials and the drawing of directions.
#pragma once

#include <cstdint>

namespace gradcheck::detail {

/// SplitMix64's increment, the golden ratio in 64 bits.
inline constexpr std::uint64_t splitmix64_gamma = 0x9e3779b97f4a7c15ULL;

/// SplitMix64's output from state z: z + γ, finalised. As a counter-based
/// generator, splitmix64(key + γ·q) is output q (from 0) of SplitMix64 seeded
/// with key: any q can be drawn directly, on any thread.
inline std::uint64_t splitmix64(std::uint64_t z) {
  z += splitmix64_gamma;
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

}  // namespace gradcheck::detail
