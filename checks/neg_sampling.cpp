// The negative-sampling derivations, notes (g)(i) and (h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cases.hpp"
#include "gradcheck/word2vec.hpp"
#include "sampling.hpp"

namespace gradcheck::checks {
namespace {

using w2v::sigmoid;

const char* const row_convention =
    "row convention: U is V x d, row w is u_w; J = -log sigma(u_o^T v_c) - sum_k log sigma(-u_{w_k}^T v_c)";

// A drawn point: sizes, the true outside word o, the samples, v_c and U.
struct Point {
  Index V = 0;
  Index d = 0;
  Index o = 0;
  std::vector<Index> negatives;
  VectorXd vc;
  MatrixXd U;

  std::string describe() const { return fmt::format("V={} d={} o={} negatives={}", V, d, o, to_string(negatives)); }
};

Point draw_sizes(Rng& rng, const CaseSettings& s) {
  Point pt;
  pt.V = draw(rng, s.sizes.V);
  pt.d = draw(rng, s.sizes.d);
  pt.o = random_index(rng, 0, pt.V - 1);
  return pt;
}

// v_c is drawn N(0, I/d) so that the scores u_wᵀv_c are O(1) whatever d is: every
// σ term then stays far above the tolerance, and a control that drops or
// mis-weights one term (a single repeated sample, say) is rejected at every point
// rather than passing where σ(u_wᵀv_c) happens to underflow.
void draw_vectors(Rng& rng, const CaseSettings& s, Point& pt) {
  pt.vc = normal(rng, s, pt.d) / std::sqrt(static_cast<double>(pt.d));
  pt.U = normal(rng, s, pt.V, pt.d);
}

// `count` distinct words of [0, vocab) other than `excluded` (a partial
// Fisher–Yates shuffle; random_index keeps it reproducible across platforms,
// which std::shuffle is not). Needs count ≤ vocab − 1.
std::vector<Index> draw_distinct(Rng& rng, Index count, Index vocab, Index excluded) {
  std::vector<Index> pool;
  for (Index w = 0; w < vocab; ++w) {
    if (w != excluded) pool.push_back(w);
  }
  const auto last = static_cast<Index>(pool.size()) - 1;
  for (Index k = 0; k < count; ++k) std::swap(pool[k], pool[random_index(rng, k, last)]);
  pool.resize(static_cast<std::size_t>(count));
  return pool;
}

// Distinct samples, o not among them: the setting of (g)(i) in which each row of
// ∂J/∂U holds exactly one term. K is clamped to V − 1 (V ≥ 2) so that the draw exists.
Point draw_distinct_point(Rng& rng, const CaseSettings& s) {
  Point pt = draw_sizes(rng, s);
  const Index K = std::min(draw(rng, s.sizes.K), pt.V - 1);
  pt.negatives = draw_distinct(rng, K, pt.V, pt.o);
  // σ(x) = 1 − σ(x) = 1/2 at x = 0, so the controls that put σ where 1 − σ belongs would be right on a row
  // whose score is 0 (with V = 2 there is one sample row only). Keep the scores of o and the samples off 0.
  // Scores scale with the square of the points' scale.
  const double min_abs_score = 1e-2 * s.scale * s.scale;
  const auto near_zero = [&pt, min_abs_score] {
    const VectorXd scores = pt.U * pt.vc;
    if (std::abs(scores(pt.o)) < min_abs_score) return true;
    return std::ranges::any_of(pt.negatives, [&](Index w) { return std::abs(scores(w)) < min_abs_score; });
  };
  do {
    draw_vectors(rng, s, pt);
  } while (near_zero());
  return pt;
}

// x is all of U, the claim the library's ∂J/∂U (every row, not only those the
// case is about: checking all of them is stronger), with the given controls.
Problem outside_problem(const Point& pt, std::vector<runner::Control> controls) {
  Problem p;
  p.point = pt.describe();
  p.layout = {{"U", pt.V, pt.d}};
  p.x = pack({&pt.U});
  const auto layout = p.layout;
  const VectorXd vc = pt.vc;
  const Index o = pt.o;
  const auto negatives = pt.negatives;
  set_loss(p, [vc, o, negatives, layout](const auto& x) {
    using T = scalar_of<decltype(x)>;
    return w2v::neg_sampling_loss<T>(vc.template cast<T>(), o, unpack(x, layout, 0), negatives);
  });
  p.claim = [=](const VectorXd& x) {
    return std::vector<MatrixXd>{
        w2v::neg_sampling_loss_and_gradient(vc, o, unpack(x, layout, 0), negatives).grad_outside};
  };
  p.controls = std::move(controls);
  return p;
}

// A claim equal to the library's ∂J/∂U except on `rows`, where row w is weight(u_wᵀv_c) v_cᵀ.
runner::Claim with_rows(const Point& pt, const std::vector<Index>& rows, double (*weight)(double)) {
  const std::vector<Block> layout = {{"U", pt.V, pt.d}};
  const VectorXd vc = pt.vc;
  const Index o = pt.o;
  const auto negatives = pt.negatives;
  return [=](const VectorXd& x) {
    const MatrixXd U = unpack(x, layout, 0);
    const VectorXd scores = U * vc;
    MatrixXd grad = w2v::neg_sampling_loss_and_gradient(vc, o, U, negatives).grad_outside;
    for (const Index w : rows) grad.row(w) = weight(scores(w)) * vc.transpose();
    return std::vector<MatrixXd>{grad};
  };
}

CheckCase neg_sampling_grad_center() {
  return {
      .id = "neg_sampling_grad_center",
      .notes = "(g)(i)",
      .description = "negative-sampling loss: gradient w.r.t. the centre vector v_c",
      .formula = "dJ/dv_c = -(1 - sigma(u_o^T v_c)) u_o + sum_k (1 - sigma(-u_{w_k}^T v_c)) u_{w_k}",
      .convention = std::string(row_convention) + "; K samples drawn uniformly, repeats and o allowed",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            Point pt = draw_sizes(rng, s);
            pt.negatives = draw_indices(rng, draw(rng, s.sizes.K), pt.V);
            draw_vectors(rng, s, pt);
            const Index o = pt.o;
            const MatrixXd U = pt.U;
            const auto negatives = pt.negatives;
            Problem p;
            p.point = pt.describe();
            p.layout = {{"v_c", pt.d, 1}};
            p.x = pt.vc;
            set_loss(p, [U, o, negatives](const auto& vc) {
              using T = scalar_of<decltype(vc)>;
              return w2v::neg_sampling_loss<T>(vc, o, U.template cast<T>(), negatives);
            });
            p.claim = [=](const VectorXd& vc) {
              return std::vector<MatrixXd>{w2v::neg_sampling_loss_and_gradient(vc, o, U, negatives).grad_center};
            };
            // outside_weight(u_oᵀv_c) u_o + Σ_k sample_weight(u_{w_k}ᵀv_c) u_{w_k}.
            const auto weighted = [=](auto outside_weight, auto sample_weight) {
              return [=](const VectorXd& vc) {
                const VectorXd scores = U * vc;
                VectorXd grad = outside_weight(scores(o)) * U.row(o).transpose();
                for (const Index w : negatives) grad += sample_weight(scores(w)) * U.row(w).transpose();
                return std::vector<MatrixXd>{grad};
              };
            };
            p.controls = {
                {"dropped_minus",
                 "-(1 - sigma(u_o^T v_c)) u_o - sum_k (1 - sigma(-u_{w_k}^T v_c)) u_{w_k}: "
                 "the chain rule's minus on the u_{w_k} terms dropped",
                 weighted([](double so) { return -(1.0 - sigmoid(so)); },
                          [](double sw) { return -(1.0 - sigmoid(-sw)); })},
                {"sign_flipped", "(1 - sigma(u_o^T v_c)) u_o - sum_k (1 - sigma(-u_{w_k}^T v_c)) u_{w_k}",
                 [=](const VectorXd& vc) {
                   return std::vector<MatrixXd>{-w2v::neg_sampling_loss_and_gradient(vc, o, U, negatives).grad_center};
                 }},
                {"sigma_for_one_minus_sigma",
                 "-sigma(u_o^T v_c) u_o + sum_k sigma(-u_{w_k}^T v_c) u_{w_k}: sigma where 1 - sigma belongs",
                 weighted([](double so) { return -sigmoid(so); }, [](double sw) { return sigmoid(-sw); })},
            };
            return p;
          },
  };
}

CheckCase neg_sampling_grad_outside_true() {
  return {
      .id = "neg_sampling_grad_outside_true",
      .notes = "(g)(i)",
      .description = "negative-sampling loss: gradient w.r.t. the true outside vector u_o (all of U checked)",
      .formula = "dJ/du_o = -(1 - sigma(u_o^T v_c)) v_c; each sample row (1 - sigma(-u_w^T v_c)) v_c; other rows 0",
      .convention = std::string(row_convention) + "; K distinct samples, o not among them",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Point pt = draw_distinct_point(rng, s);
            return outside_problem(pt,
                                   {
                                       {"sign_flipped", "row o: (1 - sigma(u_o^T v_c)) v_c; other rows correct",
                                        with_rows(pt, {pt.o}, [](double so) { return 1.0 - sigmoid(so); })},
                                       {"sigma_for_one_minus_sigma", "row o: -sigma(u_o^T v_c) v_c; other rows correct",
                                        with_rows(pt, {pt.o}, [](double so) { return -sigmoid(so); })},
                                   });
          },
  };
}

CheckCase neg_sampling_grad_outside_negatives() {
  return {
      .id = "neg_sampling_grad_outside_negatives",
      .notes = "(g)(i)",
      .description = "negative-sampling loss: gradient w.r.t. the sampled vectors u_{w_s} (all of U checked)",
      .formula = "dJ/du_{w_s} = (1 - sigma(-u_{w_s}^T v_c)) v_c for each distinct sample w_s != o",
      .convention = std::string(row_convention) + "; K distinct samples, o not among them",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Point pt = draw_distinct_point(rng, s);
            return outside_problem(
                pt, {
                        {"dropped_minus", "sample rows: -(1 - sigma(-u_w^T v_c)) v_c; other rows correct",
                         with_rows(pt, pt.negatives, [](double sw) { return -(1.0 - sigmoid(-sw)); })},
                        {"missing_one_minus", "sample rows: sigma(-u_w^T v_c) v_c; other rows correct",
                         with_rows(pt, pt.negatives, [](double sw) { return sigmoid(-sw); })},
                    });
          },
  };
}

// In-place Fisher–Yates shuffle drawn with random_index (reproducible, unlike std::shuffle).
void shuffle(Rng& rng, std::vector<Index>& v) {
  for (auto i = static_cast<Index>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[random_index(rng, 0, i)]);
}

CheckCase neg_sampling_repeated_negatives() {
  return {
      .id = "neg_sampling_repeated_negatives",
      .notes = "(h)",
      .description = "negative-sampling loss: gradient w.r.t. U when a word is sampled several times, or o is sampled",
      .formula =
          "dJ/du_w = sum_{k: w_k = w} (1 - sigma(-u_w^T v_c)) v_c = n_w (1 - sigma(-u_w^T v_c)) v_c, "
          "plus -(1 - sigma(u_o^T v_c)) v_c on row o",
      .convention =
          std::string(row_convention) +
          "; K >= 2 samples with a word w != o drawn at least twice; o among the samples in trials 0, 3, 6, ...",
      .sample =
          [](Rng& rng, const CaseSettings& s, int trial) {
            const bool o_sampled = trial % 3 == 0;
            Point pt = draw_sizes(rng, s);
            const Index K = std::max<Index>(draw(rng, s.sizes.K), o_sampled ? 3 : 2);
            pt.negatives = draw_indices(rng, K, pt.V);
            // A word other than o drawn twice: its row must read 2(1 − σ(−u_wᵀv_c)) v_c (or more), and assigning
            // instead of accumulating leaves out a term that never vanishes. Were the repeated word o, the
            // difference would be (2σ(u_oᵀv_c) − 1) v_c, zero at u_oᵀv_c = 0.
            Index w = random_index(rng, 0, pt.V - 2);
            if (w >= pt.o) ++w;
            pt.negatives[0] = pt.negatives[1] = w;
            if (o_sampled) pt.negatives[2] = pt.o;
            shuffle(rng, pt.negatives);
            draw_vectors(rng, s, pt);
            const std::vector<Block> layout = {{"U", pt.V, pt.d}};
            const VectorXd vc = pt.vc;
            const Index o = pt.o;
            const auto negatives = pt.negatives;
            // Row o gets -(1 - σ(u_oᵀv_c)) v_c; then each draw either assigns or adds sample_weight(u_wᵀv_c) v_c.
            const auto rows = [=](bool accumulate, double (*sample_weight)(double)) -> runner::Claim {
              return [=](const VectorXd& x) {
                const MatrixXd U = unpack(x, layout, 0);
                const VectorXd scores = U * vc;
                MatrixXd grad = MatrixXd::Zero(U.rows(), U.cols());
                grad.row(o) = -(1.0 - sigmoid(scores(o))) * vc.transpose();
                for (const Index k : negatives) {
                  const Eigen::RowVectorXd term = sample_weight(scores(k)) * vc.transpose();
                  if (accumulate) {
                    grad.row(k) += term;
                  } else {
                    grad.row(k) = term;
                  }
                }
                return std::vector<MatrixXd>{grad};
              };
            };
            return outside_problem(
                pt, {
                        {"assigned_not_accumulated",
                         "row w_k = (1 - sigma(-u_w^T v_c)) v_c assigned per draw (also over row o): one term, not n_w",
                         rows(false, [](double sk) { return 1.0 - sigmoid(-sk); })},
                        {"dropped_minus", "sample terms accumulated as -(1 - sigma(-u_w^T v_c)) v_c",
                         rows(true, [](double sk) { return -(1.0 - sigmoid(-sk)); })},
                    });
          },
  };
}

}  // namespace

std::vector<CheckCase> neg_sampling_cases() {
  return {neg_sampling_grad_center(), neg_sampling_grad_outside_true(), neg_sampling_grad_outside_negatives(),
          neg_sampling_repeated_negatives()};
}

}  // namespace gradcheck::checks
