// Random directions of a directional check, drawn in parallel spans.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "gradcheck/random.hpp"
#include "splitmix64.hpp"
#include "worker.hpp"

namespace gradcheck::detail {

namespace {

// A direction is drawn in spans of 2^16 entries (the unit of work shared out
// and of summation), in blocks of 2048 pairs, into a drawing thread's scratch.
constexpr Eigen::Index direction_span = Eigen::Index{1} << 16U;
constexpr Eigen::Index direction_block = 2048;
static_assert(direction_span % (2 * direction_block) == 0, "a block never crosses a span's end");
struct DrawScratch {
  Eigen::ArrayXf radius = Eigen::ArrayXf(direction_block);
  Eigen::ArrayXf angle = Eigen::ArrayXf(direction_block);
  Eigen::VectorXd v = Eigen::VectorXd(2 * direction_block);
};

}  // namespace

// Box–Muller over blocks of pairs:
// one 64-bit draw gives a pair's two uniforms (24 bits each; the radius's is
// in (0, 1], so the normals reach 5.8 standard deviations), and Eigen's
// vectorised log, sin and cos turn a block of them into normals (a scalar
// ziggurat made drawing dominate a large directional check).
// Pair q's draw is output q of SplitMix64 seeded with the direction's key (a
// counter-based generator, far cheaper than a mt19937_64 per span), so any span
// can be drawn on any thread; each block's a·v is taken while the block is
// in cache, and the spans' sums are added in span order.
Eigen::VectorXd draw_direction(std::uint64_t seed, long k, const Eigen::Map<const Eigen::MatrixXd>& a,
                               const Eigen::VectorXd& x, int threads, Eigen::VectorXf& g, Eigen::VectorXd* spread) {
  constexpr Eigen::Index span = direction_span;
  constexpr Eigen::Index block = direction_block;
  constexpr float two_pi = 6.2831853F;
  const Eigen::Index n = x.size();
  if (g.size() != n) {
    g.resize(n);
    populate_buffer(g.data(), static_cast<std::size_t>(n) * sizeof(float));
  }
  if (spread != nullptr) spread->setZero(a.rows());
  if (n == 0) return Eigen::VectorXd::Zero(a.rows());
  const Eigen::Index spans = (n + span - 1) / span;
  Rng keys = trial_rng(seed, "direction", static_cast<std::uint64_t>(k));
  const std::uint64_t key = keys();
  Eigen::MatrixXd sums(a.rows(), spans);
  Eigen::MatrixXd squares(spread != nullptr ? a.rows() : 0, spans);  // Σ_j (a_ij·s_j)² per span
  std::atomic<Eigen::Index> next{0};
  run_on_threads(static_cast<int>(std::clamp<Eigen::Index>(threads, 1, spans)), [&] {
    DrawScratch s;
    for (Eigen::Index c = next++; c < spans; c = next++) {
      auto sum = sums.col(c);
      sum.setZero();
      auto square = squares.col(c);
      square.setZero();
      const Eigen::Index end = std::min(n, (c + 1) * span);
      for (Eigen::Index start = c * span; start < end; start += 2 * block) {
        const Eigen::Index count = std::min(2 * block, end - start);
        const Eigen::Index pairs = (count + 1) / 2;
        // start is even (spans and blocks hold whole pairs): the block's pairs are q = start/2 + p.
        const auto first = static_cast<std::uint64_t>(start / 2);
        for (Eigen::Index p = 0; p < pairs; ++p) {
          const std::uint64_t bits = splitmix64(key + splitmix64_gamma * (first + static_cast<std::uint64_t>(p)));
          s.radius(p) = static_cast<float>((bits >> 40U) + 1U) * 0x1p-24F;
          s.angle(p) = static_cast<float>((bits >> 16U) & 0xFFFFFFU) * 0x1p-24F;
        }
        s.radius.head(pairs) = (-2.0F * s.radius.head(pairs).log()).sqrt();
        s.angle.head(pairs) *= two_pi;
        g.segment(start, pairs) = (s.radius.head(pairs) * s.angle.head(pairs).cos()).matrix();
        g.segment(start + pairs, count - pairs) =
            (s.radius.head(count - pairs) * s.angle.head(count - pairs).sin()).matrix();
        s.v.head(count) = scaled_direction(g, x, start, count);
        if (a.rows() == 1) {
          const Eigen::Map<const Eigen::VectorXd> a0(a.data() + start, count);
          sum(0) += a0.dot(s.v.head(count));
          if (spread != nullptr) square(0) += a0.cwiseProduct(coordinate_scales(x, start, count)).squaredNorm();
        } else {
          sum.noalias() += a.middleCols(start, count) * s.v.head(count);
          if (spread != nullptr) {
            square.noalias() += a.middleCols(start, count).cwiseAbs2() * coordinate_scales(x, start, count).cwiseAbs2();
          }
        }
      }
    }
  });
  Eigen::VectorXd total = Eigen::VectorXd::Zero(a.rows());
  for (Eigen::Index c = 0; c < spans; ++c) {  // in span order
    total += sums.col(c);
    if (spread != nullptr) *spread += squares.col(c);
  }
  if (spread != nullptr) {  // 0 where the squares overflow: resolved to its own |a_i·v| then
    *spread = spread->unaryExpr([](double sq) { return std::isfinite(sq) ? std::sqrt(sq) : 0.0; });
  }
  return total;
}

}  // namespace gradcheck::detail
