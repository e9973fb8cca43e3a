// word2vec.cpp: the closed forms of gradcheck/word2vec.hpp, in the row
// convention (row w of U is u_w, scores s = U v_c).
//
// Public functions validate their operands first and then call unchecked
// helpers, so a bad index or size is a gradcheck::Error naming the public
// function, never an Eigen assertion or out-of-bounds access.
#include "gradcheck/word2vec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <string_view>

#include "gradcheck/error.hpp"

namespace gradcheck::word2vec {
namespace detail {
namespace {
bool in_range(Eigen::Index i, Eigen::Index size) { return 0 <= i && i < size; }
}  // namespace

void check_alpha(std::string_view fn, double alpha) {
  // Written as !(inside) so that a NaN alpha is rejected too.
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw Error(fmt::format("{}: alpha {} is outside the open interval (0, 1)", fn, alpha));
  }
}

void check_not_empty(std::string_view fn, Eigen::Index size) {
  if (size == 0) throw Error(fmt::format("{}: scores is empty; expected at least one score", fn));
}

void check_same_size(std::string_view fn, Eigen::Index y_size, Eigen::Index scores_size) {
  if (y_size != scores_size) {
    throw Error(fmt::format("{}: y has {} entries but scores has {}", fn, y_size, scores_size));
  }
}

void check_center(std::string_view fn, Eigen::Index center_size, Eigen::Index outside_cols) {
  if (center_size != outside_cols) {
    throw Error(
        fmt::format("{}: center has {} entries but outside_vectors has {} columns", fn, center_size, outside_cols));
  }
}

void check_outside(std::string_view fn, Eigen::Index outside, Eigen::Index vocab_size) {
  if (!in_range(outside, vocab_size)) {
    throw Error(fmt::format("{}: outside index {} is out of range [0, {})", fn, outside, vocab_size));
  }
}

void check_negatives(std::string_view fn, const std::vector<Eigen::Index>& negatives, Eigen::Index vocab_size) {
  for (std::size_t k = 0; k < negatives.size(); ++k) {
    if (!in_range(negatives[k], vocab_size)) {
      throw Error(fmt::format("{}: negative index {} (negatives[{}]) is out of range [0, {})", fn, negatives[k], k,
                              vocab_size));
    }
  }
}

// The checks shared by both skip-gram losses.
void check_window(std::string_view fn, Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                  Eigen::Index center_rows, Eigen::Index center_cols, Eigen::Index outside_rows,
                  Eigen::Index outside_cols) {
  if (center_rows != outside_rows || center_cols != outside_cols) {
    throw Error(fmt::format("{}: center_vectors is {}x{} but outside_vectors is {}x{}; both must be V x d", fn,
                            center_rows, center_cols, outside_rows, outside_cols));
  }
  const Eigen::Index vocab_size = outside_rows;
  if (!in_range(center_word, vocab_size)) {
    throw Error(fmt::format("{}: center word {} is out of range [0, {})", fn, center_word, vocab_size));
  }
  for (std::size_t j = 0; j < outside_words.size(); ++j) {
    if (!in_range(outside_words[j], vocab_size)) {
      throw Error(fmt::format("{}: outside word {} (outside_words[{}]) is out of range [0, {})", fn, outside_words[j],
                              j, vocab_size));
    }
  }
}

void check_window_negatives(std::string_view fn, const std::vector<std::vector<Eigen::Index>>& negatives,
                            std::size_t outside_words, Eigen::Index vocab_size) {
  if (negatives.size() != outside_words) {
    throw Error(fmt::format("{}: negatives has {} lists but outside_words has {} words; expected one list per word", fn,
                            negatives.size(), outside_words));
  }
  for (std::size_t j = 0; j < negatives.size(); ++j) {
    for (std::size_t k = 0; k < negatives[j].size(); ++k) {
      if (!in_range(negatives[j][k], vocab_size)) {
        throw Error(fmt::format("{}: negative index {} (negatives[{}][{}]) is out of range [0, {})", fn,
                                negatives[j][k], j, k, vocab_size));
      }
    }
  }
}

}  // namespace detail

namespace {

using detail::check_alpha;
using detail::check_center;
using detail::check_negatives;
using detail::check_not_empty;
using detail::check_outside;
using detail::check_window;
using detail::logsumexp_unchecked;
using detail::softmax_unchecked;

double leaky_relu_derivative_unchecked(double x, double alpha) { return x > 0.0 ? 1.0 : alpha; }

// The losses are the templates of word2vec_losses.hpp at T = double, the code
// that forward-mode AD differentiates; the gradients are the notes' closed forms.
LossAndGradients naive_softmax_unchecked(const Eigen::VectorXd& center, Eigen::Index outside,
                                         const Eigen::MatrixXd& outside_vectors) {
  const Eigen::VectorXd scores = outside_vectors * center;
  Eigen::VectorXd delta = softmax_unchecked(scores);  // ŷ
  delta(outside) -= 1.0;                              // ŷ − y
  return {detail::naive_softmax_loss_unchecked(center, outside, outside_vectors), outside_vectors.transpose() * delta,
          delta * center.transpose()};
}

LossAndGradients neg_sampling_unchecked(const Eigen::VectorXd& center, Eigen::Index outside,
                                        const Eigen::MatrixXd& outside_vectors,
                                        const std::vector<Eigen::Index>& negatives) {
  LossAndGradients result{detail::neg_sampling_loss_unchecked(center, outside, outside_vectors, negatives),
                          Eigen::VectorXd::Zero(center.size()),
                          Eigen::MatrixXd::Zero(outside_vectors.rows(), outside_vectors.cols())};
  // 1 − σ(x) is computed as σ(−x): same value, no cancellation when σ(x) ≈ 1.
  const double score_outside = outside_vectors.row(outside).dot(center.transpose());
  const double weight_outside = sigmoid(-score_outside);
  result.grad_center -= weight_outside * outside_vectors.row(outside).transpose();
  result.grad_outside.row(outside) -= weight_outside * center.transpose();
  for (const Eigen::Index k : negatives) {
    const double score = outside_vectors.row(k).dot(center.transpose());
    const double weight = sigmoid(score);  // 1 − σ(−score)
    result.grad_center += weight * outside_vectors.row(k).transpose();
    // += rather than =: every draw adds its own term, including repeats and draws of `outside`.
    result.grad_outside.row(k) += weight * center.transpose();
  }
  return result;
}

// ∂J_sg = Σ_j ∂J(v_c, w_j, U): gradients are summed (not averaged) over the window, and only the
// centre word's row of ∂J_sg/∂(center_vectors) is touched. The loss is set by the caller.
template <typename WordLoss>
SkipGramResult skipgram_gradients(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                                  const Eigen::MatrixXd& center_vectors, const Eigen::MatrixXd& outside_vectors,
                                  WordLoss word_loss) {
  const Eigen::VectorXd center = center_vectors.row(center_word).transpose();
  SkipGramResult result{0.0, Eigen::MatrixXd::Zero(center_vectors.rows(), center_vectors.cols()),
                        Eigen::MatrixXd::Zero(outside_vectors.rows(), outside_vectors.cols())};
  for (std::size_t j = 0; j < outside_words.size(); ++j) {
    const LossAndGradients term = word_loss(center, j);
    result.grad_center_vectors.row(center_word) += term.grad_center.transpose();
    result.grad_outside_vectors += term.grad_outside;
  }
  return result;
}

}  // namespace

double sigmoid(double x) { return detail::sigmoid_unchecked(x); }

Eigen::VectorXd sigmoid(const Eigen::VectorXd& x) {
  return x.unaryExpr([](double v) { return detail::sigmoid_unchecked(v); });
}

// σ(x)(1 − σ(x)) written as σ(x)σ(−x): equal, and accurate in both tails.
double sigmoid_derivative(double x) { return sigmoid(x) * sigmoid(-x); }

Eigen::VectorXd sigmoid_derivative(const Eigen::VectorXd& x) {
  return x.unaryExpr([](double v) { return sigmoid_derivative(v); });
}

double leaky_relu(double x, double alpha) {
  check_alpha("leaky_relu", alpha);
  return detail::leaky_relu_unchecked(x, alpha);
}

Eigen::VectorXd leaky_relu(const Eigen::VectorXd& x, double alpha) {
  check_alpha("leaky_relu", alpha);
  return x.unaryExpr([alpha](double v) { return detail::leaky_relu_unchecked(v, alpha); });
}

double leaky_relu_derivative(double x, double alpha) {
  check_alpha("leaky_relu_derivative", alpha);
  return leaky_relu_derivative_unchecked(x, alpha);
}

Eigen::VectorXd leaky_relu_derivative(const Eigen::VectorXd& x, double alpha) {
  check_alpha("leaky_relu_derivative", alpha);
  return x.unaryExpr([alpha](double v) { return leaky_relu_derivative_unchecked(v, alpha); });
}

double logsumexp(const Eigen::VectorXd& scores) {
  check_not_empty("logsumexp", scores.size());
  return logsumexp_unchecked(scores);
}

Eigen::VectorXd softmax(const Eigen::VectorXd& scores) {
  check_not_empty("softmax", scores.size());
  return softmax_unchecked(scores);
}

Eigen::VectorXd onehot(Eigen::Index o, Eigen::Index size) {
  if (size <= 0) throw Error(fmt::format("onehot: size {} is not positive", size));
  if (o < 0 || o >= size) throw Error(fmt::format("onehot: index {} is out of range [0, {})", o, size));
  Eigen::VectorXd y = Eigen::VectorXd::Zero(size);
  y(o) = 1.0;
  return y;
}

// log ŷ from the scores stays finite where softmax(s) underflows to 0 (and 0 · log 0 would be NaN).
double cross_entropy(const Eigen::VectorXd& y, const Eigen::VectorXd& scores) {
  return word2vec::cross_entropy<double>(y, scores);
}

LossAndGradients naive_softmax_loss_and_gradient(const Eigen::VectorXd& center, Eigen::Index outside,
                                                 const Eigen::MatrixXd& outside_vectors) {
  constexpr std::string_view fn = "naive_softmax_loss_and_gradient";
  check_center(fn, center.size(), outside_vectors.cols());
  check_outside(fn, outside, outside_vectors.rows());
  return naive_softmax_unchecked(center, outside, outside_vectors);
}

LossAndGradients neg_sampling_loss_and_gradient(const Eigen::VectorXd& center, Eigen::Index outside,
                                                const Eigen::MatrixXd& outside_vectors,
                                                const std::vector<Eigen::Index>& negatives) {
  constexpr std::string_view fn = "neg_sampling_loss_and_gradient";
  check_center(fn, center.size(), outside_vectors.cols());
  check_outside(fn, outside, outside_vectors.rows());
  check_negatives(fn, negatives, outside_vectors.rows());
  return neg_sampling_unchecked(center, outside, outside_vectors, negatives);
}

SkipGramResult skipgram_naive_softmax(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                                      const Eigen::MatrixXd& center_vectors, const Eigen::MatrixXd& outside_vectors) {
  check_window("skipgram_naive_softmax", center_word, outside_words, center_vectors.rows(), center_vectors.cols(),
               outside_vectors.rows(), outside_vectors.cols());
  SkipGramResult result = skipgram_gradients(
      center_word, outside_words, center_vectors, outside_vectors, [&](const Eigen::VectorXd& center, std::size_t j) {
        return naive_softmax_unchecked(center, outside_words[j], outside_vectors);
      });
  result.loss = detail::skipgram_loss_unchecked(
      center_word, outside_words.size(), center_vectors, [&](const Eigen::VectorXd& center, std::size_t j) {
        return detail::naive_softmax_loss_unchecked(center, outside_words[j], outside_vectors);
      });
  return result;
}

SkipGramResult skipgram_neg_sampling(Eigen::Index center_word, const std::vector<Eigen::Index>& outside_words,
                                     const Eigen::MatrixXd& center_vectors, const Eigen::MatrixXd& outside_vectors,
                                     const std::vector<std::vector<Eigen::Index>>& negatives) {
  constexpr std::string_view fn = "skipgram_neg_sampling";
  check_window(fn, center_word, outside_words, center_vectors.rows(), center_vectors.cols(), outside_vectors.rows(),
               outside_vectors.cols());
  detail::check_window_negatives(fn, negatives, outside_words.size(), outside_vectors.rows());
  SkipGramResult result = skipgram_gradients(
      center_word, outside_words, center_vectors, outside_vectors, [&](const Eigen::VectorXd& center, std::size_t j) {
        return neg_sampling_unchecked(center, outside_words[j], outside_vectors, negatives[j]);
      });
  result.loss = detail::skipgram_loss_unchecked(
      center_word, outside_words.size(), center_vectors, [&](const Eigen::VectorXd& center, std::size_t j) {
        return detail::neg_sampling_loss_unchecked(center, outside_words[j], outside_vectors, negatives[j]);
      });
  return result;
}

Eigen::VectorXd normalize(const Eigen::VectorXd& u) {
  // stableNorm rescales internally, so ‖u‖ neither overflows for entries ~1e200 nor underflows for tiny ones.
  const double norm = u.stableNorm();
  if (norm == 0.0) throw Error("normalize: u has norm 0; a zero (or empty) vector has no direction");
  return u / norm;
}

Eigen::MatrixXd normalize_jacobian(const Eigen::VectorXd& u) {
  const double norm = u.stableNorm();
  if (norm == 0.0) throw Error("normalize_jacobian: u has norm 0; a zero (or empty) vector has no direction");
  const Eigen::VectorXd u_hat = u / norm;
  return (Eigen::MatrixXd::Identity(u.size(), u.size()) - u_hat * u_hat.transpose()) / norm;
}

}  // namespace gradcheck::word2vec
