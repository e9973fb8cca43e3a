// The skip-gram derivations, notes (i): the window's loss is the sum of the
// per-word losses, so its gradients are sums too, and only the centre word's
// own vector gets a centre-vector gradient.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cases.hpp"
#include "gradcheck/word2vec.hpp"
#include "sampling.hpp"

namespace gradcheck::checks {
namespace {

const char* const window_convention =
    "row convention: center_vectors and U are V x d, rows v_w and u_w; window of 2m outside words drawn uniformly "
    "(repeats allowed, c allowed); even trials: naive-softmax loss, odd trials: negative sampling with K samples "
    "per outside word";

// One drawn window and its loss: even trials use the naive-softmax loss, odd
// trials negative sampling, so every case checks the sum rule for both.
struct Window {
  Index V = 0;
  Index d = 0;
  Index c = 0;
  Index m = 0;
  std::vector<Index> outside;                 // 2m words
  bool neg_sampling = false;                  // which loss
  std::vector<std::vector<Index>> negatives;  // one list per outside word (negative sampling only)
  MatrixXd center_vectors;                    // V x d
  MatrixXd outside_vectors;                   // V x d

  std::string describe() const {
    std::string text = fmt::format("{} V={} d={} c={} m={} outside={}", neg_sampling ? "neg-sampling" : "naive-softmax",
                                   V, d, c, m, to_string(outside));
    if (neg_sampling) {
      text += " negatives=[";
      for (std::size_t j = 0; j < negatives.size(); ++j) text += (j == 0 ? "" : ", ") + to_string(negatives[j]);
      text += "]";
    }
    return text;
  }

  w2v::SkipGramResult loss(const MatrixXd& centers, const MatrixXd& outsides) const {
    return neg_sampling ? w2v::skipgram_neg_sampling(c, outside, centers, outsides, negatives)
                        : w2v::skipgram_naive_softmax(c, outside, centers, outsides);
  }

  // The loss alone, in any scalar type T (double for the finite differences,
  // AutoDiff for the exact derivative): the function `loss` differentiates.
  template <class T>
  T loss_value(const w2v::Matrix<T>& centers, const w2v::Matrix<T>& outsides) const {
    return neg_sampling ? w2v::skipgram_neg_sampling_loss<T>(c, outside, centers, outsides, negatives)
                        : w2v::skipgram_naive_softmax_loss<T>(c, outside, centers, outsides);
  }

  // The loss of the last outside word alone: what assigning instead of
  // accumulating over the window leaves behind.
  w2v::LossAndGradients last_word(const VectorXd& vc, const MatrixXd& outsides) const {
    return neg_sampling ? w2v::neg_sampling_loss_and_gradient(vc, outside.back(), outsides, negatives.back())
                        : w2v::naive_softmax_loss_and_gradient(vc, outside.back(), outsides);
  }
};

Window draw_window(Rng& rng, const CaseSettings& s, int trial) {
  Window w;
  // V ≥ 2 so that some centre vector other than v_c exists (the settings already demand it).
  w.V = std::max<Index>(draw(rng, s.sizes.V), 2);
  w.d = draw(rng, s.sizes.d);
  w.c = random_index(rng, 0, w.V - 1);
  // m ≥ 1: 2m ≥ 2 outside words, so that averaging and keeping the last word only both differ from the sum.
  w.m = std::max<Index>(draw(rng, s.sizes.m), 1);
  w.outside = draw_indices(rng, 2 * w.m, w.V);
  w.neg_sampling = trial % 2 == 1;
  if (w.neg_sampling) {
    for (std::size_t j = 0; j < w.outside.size(); ++j)
      w.negatives.push_back(draw_indices(rng, draw(rng, s.sizes.K), w.V));
  }
  // Centre vectors N(0, I/d): scores u_wᵀv_c stay O(1) whatever d is, so no term
  // of the sum underflows below the tolerance and every control stays visible.
  w.center_vectors = normal(rng, s, w.V, w.d) / std::sqrt(static_cast<double>(w.d));
  w.outside_vectors = normal(rng, s, w.V, w.d);
  return w;
}

CheckCase skipgram_grad_outside() {
  return {
      .id = "skipgram_grad_outside",
      .notes = "(i)",
      .description = "skip-gram loss (naive softmax and negative sampling): gradient w.r.t. all outside vectors U",
      .formula = "dJ_sg/dU = sum_{-m<=j<=m, j!=0} dJ(v_c, w_{t+j}, U)/dU",
      .convention = window_convention,
      .sample =
          [](Rng& rng, const CaseSettings& s, int trial) {
            const Window w = draw_window(rng, s, trial);
            Problem p;
            p.point = w.describe();
            p.layout = {{"U", w.V, w.d}};
            p.x = pack({&w.outside_vectors});
            const auto layout = p.layout;
            set_loss(p, [w, layout](const auto& x) {
              using T = scalar_of<decltype(x)>;
              return w.loss_value<T>(w.center_vectors.template cast<T>(), unpack(x, layout, 0));
            });
            p.claim = [=](const VectorXd& x) {
              return std::vector<MatrixXd>{w.loss(w.center_vectors, unpack(x, layout, 0)).grad_outside_vectors};
            };
            const VectorXd vc = w.center_vectors.row(w.c).transpose();
            const auto window_size = static_cast<double>(w.outside.size());
            p.controls = {
                {"averaged_not_summed", "(1/2m) sum_j dJ(v_c, w_{t+j}, U)/dU",
                 [=](const VectorXd& x) {
                   return std::vector<MatrixXd>{w.loss(w.center_vectors, unpack(x, layout, 0)).grad_outside_vectors /
                                                window_size};
                 }},
                {"last_word_only", "dJ(v_c, w_{t+m}, U)/dU: each word's gradient assigned, not accumulated",
                 [=](const VectorXd& x) {
                   return std::vector<MatrixXd>{w.last_word(vc, unpack(x, layout, 0)).grad_outside};
                 }},
            };
            return p;
          },
  };
}

CheckCase skipgram_grad_center() {
  return {
      .id = "skipgram_grad_center",
      .notes = "(i)",
      .description = "skip-gram loss (naive softmax and negative sampling): gradient w.r.t. the centre vector v_c",
      .formula = "dJ_sg/dv_c = sum_{-m<=j<=m, j!=0} dJ(v_c, w_{t+j}, U)/dv_c",
      .convention = window_convention,
      .sample =
          [](Rng& rng, const CaseSettings& s, int trial) {
            const Window w = draw_window(rng, s, trial);
            Problem p;
            p.point = w.describe();
            p.layout = {{"v_c", w.d, 1}};
            p.x = w.center_vectors.row(w.c).transpose();
            // The centre-vector matrix with row c replaced by x; the other rows stay fixed.
            const auto centers = [w](const VectorXd& vc) {
              MatrixXd all = w.center_vectors;
              all.row(w.c) = vc.transpose();
              return all;
            };
            set_loss(p, [w](const auto& vc) {
              using T = scalar_of<decltype(vc)>;
              w2v::Matrix<T> all = w.center_vectors.template cast<T>();
              all.row(w.c) = vc.transpose();
              return w.loss_value<T>(all, w.outside_vectors.template cast<T>());
            });
            const auto grad_vc = [=](const VectorXd& vc) -> VectorXd {
              return w.loss(centers(vc), w.outside_vectors).grad_center_vectors.row(w.c).transpose();
            };
            p.claim = [=](const VectorXd& vc) { return std::vector<MatrixXd>{grad_vc(vc)}; };
            const auto window_size = static_cast<double>(w.outside.size());
            p.controls = {
                {"averaged_not_summed", "(1/2m) sum_j dJ(v_c, w_{t+j}, U)/dv_c",
                 [=](const VectorXd& vc) { return std::vector<MatrixXd>{grad_vc(vc) / window_size}; }},
                {"last_word_only", "dJ(v_c, w_{t+m}, U)/dv_c: each word's gradient assigned, not accumulated",
                 [=](const VectorXd& vc) {
                   return std::vector<MatrixXd>{w.last_word(vc, w.outside_vectors).grad_center};
                 }},
            };
            return p;
          },
  };
}

CheckCase skipgram_grad_other_centers_zero() {
  return {
      .id = "skipgram_grad_other_centers_zero",
      .notes = "(i)(iii)",
      .description = "skip-gram loss: gradient w.r.t. every centre vector; zero for each word w != c",
      .formula = "dJ_sg/dv_w = 0 for w != c (row c: sum_j dJ(v_c, w_{t+j}, U)/dv_c)",
      .convention = window_convention,
      .sample =
          [](Rng& rng, const CaseSettings& s, int trial) {
            const Window w = draw_window(rng, s, trial);
            Problem p;
            p.point = w.describe();
            p.layout = {{"center_vectors", w.V, w.d}};
            p.x = pack({&w.center_vectors});
            const auto layout = p.layout;
            const auto grad = [=](const VectorXd& x) -> MatrixXd {
              return w.loss(unpack(x, layout, 0), w.outside_vectors).grad_center_vectors;
            };
            set_loss(p, [w, layout](const auto& x) {
              using T = scalar_of<decltype(x)>;
              return w.loss_value<T>(unpack(x, layout, 0), w.outside_vectors.template cast<T>());
            });
            p.claim = [=](const VectorXd& x) { return std::vector<MatrixXd>{grad(x)}; };
            const auto window_size = static_cast<double>(w.outside.size());
            p.controls = {
                {"nonzero_other_centers", "every row of dJ_sg/d(center_vectors) set to row c's gradient",
                 [=](const VectorXd& x) {
                   // V ≥ 2, so at least one other row receives row c's (non-zero) gradient.
                   return std::vector<MatrixXd>{grad(x).row(w.c).replicate(w.V, 1)};
                 }},
                {"averaged_not_summed", "(1/2m) of the correct gradient",
                 [=](const VectorXd& x) { return std::vector<MatrixXd>{grad(x) / window_size}; }},
            };
            return p;
          },
  };
}

}  // namespace

std::vector<CheckCase> skipgram_cases() {
  return {skipgram_grad_outside(), skipgram_grad_center(), skipgram_grad_other_centers_zero()};
}

}  // namespace gradcheck::checks
