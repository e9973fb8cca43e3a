#include "sampling.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace gradcheck::checks {

Eigen::Index draw(Rng& rng, const runner::Range& range) { return random_index(rng, range.lo, range.hi); }

Eigen::MatrixXd normal(Rng& rng, const runner::CaseSettings& settings, Eigen::Index rows, Eigen::Index cols) {
  return random_normal(rng, rows, cols) * settings.scale;
}

std::vector<Eigen::Index> draw_indices(Rng& rng, Eigen::Index count, Eigen::Index vocab) {
  std::vector<Eigen::Index> indices(static_cast<std::size_t>(count));
  for (auto& i : indices) i = random_index(rng, 0, vocab - 1);
  return indices;
}

Eigen::VectorXd pack(std::initializer_list<const Eigen::MatrixXd*> blocks) {
  Eigen::Index size = 0;
  for (const auto* b : blocks) size += b->size();
  Eigen::VectorXd x(size);
  Eigen::Index offset = 0;
  for (const auto* b : blocks) {
    x.segment(offset, b->size()) = b->reshaped();
    offset += b->size();
  }
  return x;
}

std::string to_string(const std::vector<Eigen::Index>& indices) {
  return fmt::format("[{}]", fmt::join(indices, ", "));
}

}  // namespace gradcheck::checks
