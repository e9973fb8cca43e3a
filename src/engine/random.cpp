#include "gradcheck/random.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "splitmix64.hpp"

namespace gradcheck {
namespace {

// FNV-1a: a stable hash of the check's name (std::hash is not stable).
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

Rng trial_rng(std::uint64_t seed, std::string_view name, std::uint64_t trial) {
  // splitmix64 decorrelates consecutive seeds and trial numbers.
  using detail::splitmix64;
  return Rng{splitmix64(splitmix64(seed) ^ fnv1a(name)) ^ splitmix64(trial)};
}

Eigen::VectorXd random_normal(Rng& rng, Eigen::Index n) { return random_normal(rng, n, 1); }

Eigen::MatrixXd random_normal(Rng& rng, Eigen::Index rows, Eigen::Index cols) {
  boost::random::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index k = 0; k < m.size(); ++k) {
    m.data()[k] = normal(rng);
  }
  return m;
}

Eigen::Index random_index(Rng& rng, Eigen::Index lo, Eigen::Index hi) {
  return boost::random::uniform_int_distribution<Eigen::Index>{lo, hi}(rng);
}

double random_uniform(Rng& rng, double lo, double hi) {
  return boost::random::uniform_real_distribution<double>{lo, hi}(rng);
}

}  // namespace gradcheck
