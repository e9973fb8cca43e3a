// gradcheck/word2vec_losses.hpp: the losses of the word2vec notes (the
// functions f, not their claimed gradients), templated on the scalar type T,
// so that one definition runs in double (the finite differences), in float
// and in Eigen's AutoDiffScalar (the exact derivative of gradcheck/autodiff.hpp).
// The double API of gradcheck/word2vec.hpp computes its losses with these
// templates (T = double): what the finite difference differentiates and what
// forward-mode AD differentiates is one piece of code.
//
// Row convention, as in word2vec.hpp: row w of `outside_vectors` (U, V × d) is
// u_w, scores s = U v_c, ŷ = softmax(s).
//
//   logsumexp(s)   = c + log Σ_w exp(s_w − c),  c = max_w s_w (a constant: the shift is not differentiated)
//   J_naive        = −s_o + logsumexp(s)
//   J_neg          = −log σ(u_oᵀv_c) − Σ_k log σ(−u_{w_k}ᵀv_c)
//   J_sg           = Σ_j J(v_c, w_j, U) over the window (summed, not averaged)
//
// Every loss is stable for large scores: the logsumexp shift, the two-branch σ
// and log σ exponentiate only non-positive numbers. Operands are validated as
// in word2vec.hpp (gradcheck::Error naming the function).
//
// What T must provide: arithmetic with T and with double constants converted
// by T(c), comparisons, and exp / log found by argument-dependent lookup after
// `using std::exp; using std::log;` (Eigen's AutoDiffScalar defines them in
// namespace Eigen). Branches test the plain value (value_of), so a derivative
// follows the branch taken, like the double code. log1p is taken from std for
// floating-point T and applied by the chain rule through T::value() and
// T::derivatives() otherwise (AutoDiffScalar has no log1p).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <concepts>
#include <string_view>
#include <type_traits>
#include <vector>

namespace gradcheck::word2vec {

/// A scalar the losses can run in: not an integer and not an Eigen matrix
/// (double, float, Eigen::AutoDiffScalar, ...).
template <class T>
concept ScalarLike = !std::integral<T> && !std::is_base_of_v<Eigen::EigenBase<T>, T>;

template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

namespace detail {

// Operand checks (word2vec.cpp): each throws gradcheck::Error naming `fn`.
void check_alpha(std::string_view fn, double alpha);
void check_not_empty(std::string_view fn, Eigen::Index size);
void check_same_size(std::string_view fn, Eigen::Index y_size, Eigen::Index scores_size);
void check_center(std::string_view fn, Eigen::Index center_size, Eigen::Index outside_cols);
void check_outside(std::string_view fn, Eigen::Index outside, Eigen::Index vocab_size);
void check_negatives(std::string_view fn, const std::vector<Eigen::Index>& negatives, Eigen::Index vocab_size);
void check_window(std::string_view fn, Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                  Eigen::Index center_rows, Eigen::Index center_cols, Eigen::Index outside_rows,
                  Eigen::Index outside_cols);
void check_window_negatives(std::string_view fn, const std::vector<std::vector<Eigen::Index>>& negatives,
                            std::size_t outside_words, Eigen::Index vocab_size);

/// The plain number inside x (x itself for floating point, x.value() for AD).
template <class T>
auto value_of(const T& x) {
  if constexpr (std::is_floating_point_v<T>) {
    return x;
  } else {
    return value_of(x.value());
  }
}

/// log(1 + x): std::log1p, or its chain rule d/dx = 1 / (1 + x) for AD types.
template <class T>
T log1p_of(const T& x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::log1p(x);
  } else {
    T r = x;
    r.value() = log1p_of(x.value());
    r.derivatives() = x.derivatives() / (1 + x.value());
    return r;
  }
}

// Two branches so that exp() only ever sees a non-positive argument.
template <class T>
T sigmoid_unchecked(const T& x) {
  using std::exp;
  if (value_of(x) >= 0) return T(1) / (T(1) + exp(-x));
  const T e = exp(x);
  return e / (T(1) + e);
}

// log σ(x) = −log(1 + e^{−x}); each branch exponentiates a non-positive number.
template <class T>
T log_sigmoid_unchecked(const T& x) {
  using std::exp;
  if (value_of(x) >= 0) return -log1p_of(T(exp(-x)));
  return x - log1p_of(T(exp(x)));
}

template <class T>
T leaky_relu_unchecked(const T& x, double alpha) {
  if (value_of(x) > 0) return x;
  return T(alpha) * x;
}

template <class T>
T logsumexp_unchecked(const Vector<T>& scores) {
  using std::log;
  const T max = scores.maxCoeff();
  const auto shift = value_of(max);
  // ±inf (or NaN) is already the answer; subtracting it would give inf − inf = NaN.
  if (!std::isfinite(shift)) return max;
  return T(shift) + log(T((scores.array() - T(shift)).exp().sum()));
}

// exp(s − max) / Σ rather than exp(s − logsumexp(s)): the same value, but s − max is exact where
// s − logsumexp(s) carries the rounding of a large logsumexp (1e-13 relative at scores ~1000).
template <class T>
Vector<T> softmax_unchecked(const Vector<T>& scores) {
  const auto shift = value_of(T(scores.maxCoeff()));
  const Eigen::Array<T, Eigen::Dynamic, 1> shifted = (scores.array() - T(shift)).exp();
  return (shifted / T(shifted.sum())).matrix();
}

template <class T>
T naive_softmax_loss_unchecked(const Vector<T>& center, Eigen::Index outside, const Matrix<T>& outside_vectors) {
  const Vector<T> scores = outside_vectors * center;
  return logsumexp_unchecked(scores) - scores(outside);
}

template <class T>
T neg_sampling_loss_unchecked(const Vector<T>& center, Eigen::Index outside, const Matrix<T>& outside_vectors,
                              const std::vector<Eigen::Index>& negatives) {
  T loss(0);
  loss -= log_sigmoid_unchecked(T(outside_vectors.row(outside).dot(center.transpose())));
  for (const Eigen::Index k : negatives)
    loss -= log_sigmoid_unchecked(T(-outside_vectors.row(k).dot(center.transpose())));
  return loss;
}

// J_sg = Σ_j word_loss(v_c, j): summed, not averaged, over the window.
template <class T, class WordLoss>
T skipgram_loss_unchecked(Eigen::Index center_word, std::size_t window, const Matrix<T>& center_vectors,
                          WordLoss word_loss) {
  const Vector<T> center = center_vectors.row(center_word).transpose();
  T loss(0);
  for (std::size_t j = 0; j < window; ++j) loss += word_loss(center, j);
  return loss;
}

}  // namespace detail

/// σ(x) = 1 / (1 + e^{−x}), for any scalar type (word2vec.hpp has the double overloads).
template <ScalarLike T>
T sigmoid(const T& x) {
  return detail::sigmoid_unchecked(x);
}
template <ScalarLike T>
Vector<T> sigmoid(const Vector<T>& x) {
  return x.unaryExpr([](const T& v) { return detail::sigmoid_unchecked(v); });
}

/// log σ(x), without overflow or cancellation for any x.
template <ScalarLike T>
T log_sigmoid(const T& x) {
  return detail::log_sigmoid_unchecked(x);
}

/// f(x) = max(αx, x) for 0 < α < 1 (throws gradcheck::Error otherwise). At
/// x = 0 the derivative of this code is α (the x > 0 test); no derivative exists there.
template <ScalarLike T>
T leaky_relu(const T& x, double alpha) {
  detail::check_alpha("leaky_relu", alpha);
  return detail::leaky_relu_unchecked(x, alpha);
}
template <ScalarLike T>
Vector<T> leaky_relu(const Vector<T>& x, double alpha) {
  detail::check_alpha("leaky_relu", alpha);
  return x.unaryExpr([alpha](const T& v) { return detail::leaky_relu_unchecked(v, alpha); });
}

/// log Σ exp(s), shifted by max(s). Throws on an empty vector.
template <ScalarLike T>
T logsumexp(const Vector<T>& scores) {
  detail::check_not_empty("logsumexp", scores.size());
  return detail::logsumexp_unchecked(scores);
}

/// softmax(s), shifted by max(s). Throws on an empty vector.
template <ScalarLike T>
Vector<T> softmax(const Vector<T>& scores) {
  detail::check_not_empty("softmax", scores.size());
  return detail::softmax_unchecked(scores);
}

/// −Σ_w y_w log ŷ_w with log ŷ = s − logsumexp(s) (finite for large scores);
/// y is a constant. Throws unless y and scores have one size.
template <ScalarLike T>
T cross_entropy(const Eigen::VectorXd& y, const Vector<T>& scores) {
  detail::check_same_size("cross_entropy", y.size(), scores.size());
  detail::check_not_empty("cross_entropy", scores.size());
  const Eigen::Array<T, Eigen::Dynamic, 1> log_y_hat = scores.array() - detail::logsumexp_unchecked(scores);
  return -T((y.array().template cast<T>() * log_y_hat).sum());
}

/// J_naive(v_c, o, U) = −s_o + logsumexp(s), s = U v_c. Both operands are of
/// one scalar type: a constant is cast (U.cast<T>()). Throws unless
/// center.size() == outside_vectors.cols() and 0 ≤ outside < outside_vectors.rows().
template <ScalarLike T>
T naive_softmax_loss(const Vector<T>& center, Eigen::Index outside, const Matrix<T>& outside_vectors) {
  constexpr std::string_view fn = "naive_softmax_loss";
  detail::check_center(fn, center.size(), outside_vectors.cols());
  detail::check_outside(fn, outside, outside_vectors.rows());
  return detail::naive_softmax_loss_unchecked(center, outside, outside_vectors);
}

/// J_neg(v_c, o, U) for the sampled `negatives` (repeats and `outside` itself
/// allowed: each draw contributes its term).
template <ScalarLike T>
T neg_sampling_loss(const Vector<T>& center, Eigen::Index outside, const Matrix<T>& outside_vectors,
                    const std::vector<Eigen::Index>& negatives) {
  constexpr std::string_view fn = "neg_sampling_loss";
  detail::check_center(fn, center.size(), outside_vectors.cols());
  detail::check_outside(fn, outside, outside_vectors.rows());
  detail::check_negatives(fn, negatives, outside_vectors.rows());
  return detail::neg_sampling_loss_unchecked(center, outside, outside_vectors, negatives);
}

/// J_sg over the window `outside_words` with the naive-softmax loss; both
/// matrices V × d, the centre vector is row center_word of center_vectors.
template <ScalarLike T>
T skipgram_naive_softmax_loss(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                              const Matrix<T>& center_vectors, const Matrix<T>& outside_vectors) {
  detail::check_window("skipgram_naive_softmax_loss", center_word, outside_words, center_vectors.rows(),
                       center_vectors.cols(), outside_vectors.rows(), outside_vectors.cols());
  return detail::skipgram_loss_unchecked(
      center_word, outside_words.size(), center_vectors, [&](const Vector<T>& center, std::size_t j) {
        return detail::naive_softmax_loss_unchecked(center, outside_words[j], outside_vectors);
      });
}

/// J_sg with the negative-sampling loss; negatives[j] are the samples of outside_words[j].
template <ScalarLike T>
T skipgram_neg_sampling_loss(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                             const Matrix<T>& center_vectors, const Matrix<T>& outside_vectors,
                             const std::vector<std::vector<Eigen::Index>>& negatives) {
  constexpr std::string_view fn = "skipgram_neg_sampling_loss";
  detail::check_window(fn, center_word, outside_words, center_vectors.rows(), center_vectors.cols(),
                       outside_vectors.rows(), outside_vectors.cols());
  detail::check_window_negatives(fn, negatives, outside_words.size(), outside_vectors.rows());
  return detail::skipgram_loss_unchecked(
      center_word, outside_words.size(), center_vectors, [&](const Vector<T>& center, std::size_t j) {
        return detail::neg_sampling_loss_unchecked(center, outside_words[j], outside_vectors, negatives[j]);
      });
}

}  // namespace gradcheck::word2vec
