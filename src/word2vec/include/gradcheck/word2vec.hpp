// gradcheck/word2vec.hpp: the closed forms of the word2vec notes
// (docs/derivations.md), in the ROW convention: row w of
// `outside_vectors` (U, V × d) is u_w, and scores are s = U v_c.
//
//   ŷ = softmax(U v_c),  y = onehot(o)
//   J_naive(v_c, o, U) = −log ŷ_o = −s_o + logsumexp(s)
//       ∂J/∂v_c = Uᵀ(ŷ − y)          ∂J/∂U = (ŷ − y) v_cᵀ
//   J_neg(v_c, o, U) = −log σ(u_oᵀv_c) − Σ_k log σ(−u_{w_k}ᵀv_c)
//       ∂J/∂v_c = −(1 − σ(u_oᵀv_c)) u_o + Σ_k (1 − σ(−u_{w_k}ᵀv_c)) u_{w_k}
//       ∂J/∂u_o = −(1 − σ(u_oᵀv_c)) v_c  (+ the terms of any k with w_k = o)
//       ∂J/∂u_w = Σ_{k: w_k = w} (1 − σ(−u_wᵀv_c)) v_c   (repeats accumulate)
//   J_sg = Σ_{j} J(v_c, w_{t+j}, U), gradients summed likewise; ∂J_sg/∂v_w = 0, w ≠ c.
//
// Every function is stable for large scores (logsumexp and σ never overflow).
// An index out of range or operands of mismatched sizes throw gradcheck::Error.
//
// The losses themselves (J, σ, leaky ReLU, logsumexp, softmax, cross-entropy)
// are templates on the scalar type in gradcheck/word2vec_losses.hpp, included
// here; the double functions below compute their values with those templates,
// so the function a check differentiates by finite differences is the one
// gradcheck/autodiff.hpp differentiates exactly.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "gradcheck/word2vec_losses.hpp"  // IWYU pragma: export

namespace gradcheck::word2vec {

/// σ(x) = 1 / (1 + e^{−x}), evaluated without overflow for any x.
double sigmoid(double x);
Eigen::VectorXd sigmoid(const Eigen::VectorXd& x);
/// σ′(x) = σ(x)(1 − σ(x)).
double sigmoid_derivative(double x);
Eigen::VectorXd sigmoid_derivative(const Eigen::VectorXd& x);

/// f(x) = max(αx, x) for 0 < α < 1 (throws gradcheck::Error otherwise).
double leaky_relu(double x, double alpha);
Eigen::VectorXd leaky_relu(const Eigen::VectorXd& x, double alpha);
/// f′(x) = 1 for x > 0, α for x < 0. Undefined at 0; this returns α there
/// (the x > 0 test that autodiff frameworks use), and a check must not judge
/// a point whose step straddles 0.
double leaky_relu_derivative(double x, double alpha);
Eigen::VectorXd leaky_relu_derivative(const Eigen::VectorXd& x, double alpha);

/// log Σ exp(s), shifted by max(s). Throws on an empty vector.
double logsumexp(const Eigen::VectorXd& scores);
/// softmax(s) = exp(s − logsumexp(s)). Throws on an empty vector.
Eigen::VectorXd softmax(const Eigen::VectorXd& scores);
/// onehot(o) in R^size. Throws unless 0 ≤ o < size.
Eigen::VectorXd onehot(Eigen::Index o, Eigen::Index size);
/// −Σ_w y_w log ŷ_w, computed from the scores (log ŷ = s − logsumexp(s)) so it
/// is finite for large scores. Throws unless y and scores have one size.
double cross_entropy(const Eigen::VectorXd& y, const Eigen::VectorXd& scores);

struct LossAndGradients {
  double loss;
  Eigen::VectorXd grad_center;   ///< ∂J/∂v_c, size d
  Eigen::MatrixXd grad_outside;  ///< ∂J/∂U, V × d (row w is ∂J/∂u_w)
};

/// J_naive and its gradients. Throws unless center.size() == outside_vectors.cols()
/// and 0 ≤ outside < outside_vectors.rows().
LossAndGradients naive_softmax_loss_and_gradient(const Eigen::VectorXd& center, Eigen::Index outside,
                                                 const Eigen::MatrixXd& outside_vectors);

/// J_neg and its gradients, for the sampled `negatives` (K ≥ 0 word indices,
/// repeats allowed, `outside` itself allowed: each draw contributes its term).
LossAndGradients neg_sampling_loss_and_gradient(const Eigen::VectorXd& center, Eigen::Index outside,
                                                const Eigen::MatrixXd& outside_vectors,
                                                const std::vector<Eigen::Index>& negatives);

struct SkipGramResult {
  double loss;
  Eigen::MatrixXd grad_center_vectors;   ///< V × d; only row center_word is non-zero
  Eigen::MatrixXd grad_outside_vectors;  ///< V × d
};

/// J_sg over the window `outside_words` with the naive-softmax loss.
/// center_vectors and outside_vectors are both V × d.
SkipGramResult skipgram_naive_softmax(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                                      const Eigen::MatrixXd& center_vectors, const Eigen::MatrixXd& outside_vectors);

/// J_sg with the negative-sampling loss; negatives[j] are the samples drawn
/// for outside_words[j] (one list per outside word; sizes must agree).
SkipGramResult skipgram_neg_sampling(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                                     const Eigen::MatrixXd& center_vectors, const Eigen::MatrixXd& outside_vectors,
                                     const std::vector<std::vector<Eigen::Index>>& negatives);

/// u ↦ u / ‖u‖ and its Jacobian (I − û ûᵀ) / ‖u‖ (the notes' (c): normalising
/// loses the magnitude). Throws for u = 0.
Eigen::VectorXd normalize(const Eigen::VectorXd& u);
Eigen::MatrixXd normalize_jacobian(const Eigen::VectorXd& u);

}  // namespace gradcheck::word2vec
