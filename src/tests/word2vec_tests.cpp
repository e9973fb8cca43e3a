// word2vec_tests.cpp: the closed forms of gradcheck/word2vec.hpp on inputs whose
// answers can be worked out by hand (not by re-implementing the formulas).
#include <Eigen/Core>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "gradcheck/error.hpp"
#include "gradcheck/word2vec.hpp"

namespace w2v = gradcheck::word2vec;
namespace tt = boost::test_tools;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

const double ln2 = std::log(2.0);
const double ln3 = std::log(3.0);

// Entrywise |actual − expected| ≤ tol · (1 + |expected|), with both matrices in the message on failure.
template <typename A, typename B>
tt::predicate_result all_close(const Eigen::MatrixBase<A>& actual, const Eigen::MatrixBase<B>& expected,
                               double tol = 1e-12) {
  tt::predicate_result result = actual.rows() == expected.rows() && actual.cols() == expected.cols() &&
                                ((actual - expected).array().abs() <= tol * (1.0 + expected.array().abs())).all();
  if (!result) result.message() << "\nactual:\n" << actual << "\nexpected:\n" << expected;
  return result;
}

// For BOOST_CHECK_EXCEPTION: BOOST_TEST shows both strings when they differ.
auto message_is(std::string expected) {
  return [expected = std::move(expected)](const gradcheck::Error& e) {
    BOOST_TEST(std::string(e.what()) == expected);
    return std::string(e.what()) == expected;
  };
}

VectorXd vec(std::initializer_list<double> values) {
  VectorXd v(static_cast<Index>(values.size()));
  Index i = 0;
  for (const double x : values) v(i++) = x;
  return v;
}

// The three-word, two-dimensional vocabulary used by the negative-sampling cases: v_c = e_0 and
// every u_w lies along e_1, so every score u_wᵀv_c is 0 and every σ is 1/2.
const VectorXd orthogonal_center = vec({1.0, 0.0});
MatrixXd orthogonal_outside() { return (MatrixXd(3, 2) << 0.0, 1.0, 0.0, 2.0, 0.0, -3.0).finished(); }

// A small fixed vocabulary (V = 4, d = 3) for the skip-gram sums.
MatrixXd sg_center_vectors() {
  return (MatrixXd(4, 3) << 0.1, -0.2, 0.3, 0.5, 0.4, -0.1, -0.3, 0.2, 0.2, 0.0, 0.7, -0.6).finished();
}
MatrixXd sg_outside_vectors() {
  return (MatrixXd(4, 3) << 0.2, 0.1, -0.4, -0.5, 0.3, 0.6, 0.9, -0.2, 0.1, 0.3, 0.3, 0.3).finished();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(word2vec)

// ---- sigmoid ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sigmoid_at_zero_and_log3) {
  BOOST_TEST(w2v::sigmoid(0.0) == 0.5);
  BOOST_TEST(w2v::sigmoid_derivative(0.0) == 0.25);
  // σ(log 3) = 3 / (3 + 1), σ′ = (3/4)(1/4).
  BOOST_TEST(w2v::sigmoid(ln3) == 0.75, tt::tolerance(1e-15));
  BOOST_TEST(w2v::sigmoid_derivative(ln3) == 3.0 / 16.0, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(sigmoid_saturates_without_overflow) {
  for (const double x : {800.0, 1e308, std::numeric_limits<double>::infinity()}) {
    BOOST_TEST_CONTEXT("x = " << x) {
      BOOST_TEST(w2v::sigmoid(x) == 1.0);
      BOOST_TEST(w2v::sigmoid(-x) == 0.0);
      BOOST_TEST(w2v::sigmoid_derivative(x) == 0.0);
      BOOST_TEST(w2v::sigmoid_derivative(-x) == 0.0);
    }
  }
  // Far tail that is still representable: σ(−700) = e^{−700} / (1 + e^{−700}) ≈ e^{−700}, not 0.
  BOOST_TEST(w2v::sigmoid(-700.0) == std::exp(-700.0), tt::tolerance(1e-14));
  BOOST_TEST(w2v::sigmoid_derivative(700.0) == std::exp(-700.0), tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(sigmoid_is_antisymmetric_about_one_half) {
  for (const double x : {-30.0, -5.0, -1.0, -0.3, 0.7, 2.0, 30.0}) {
    BOOST_TEST_CONTEXT("x = " << x) {
      BOOST_TEST(std::abs(w2v::sigmoid(-x) - (1.0 - w2v::sigmoid(x))) <= 1e-15);
      BOOST_TEST(w2v::sigmoid_derivative(-x) == w2v::sigmoid_derivative(x), tt::tolerance(1e-15));
    }
  }
}

BOOST_AUTO_TEST_CASE(sigmoid_vector_forms_are_elementwise) {
  const VectorXd x = vec({-800.0, 0.0, ln3});
  BOOST_TEST(all_close(w2v::sigmoid(x), vec({0.0, 0.5, 0.75})));
  BOOST_TEST(all_close(w2v::sigmoid_derivative(x), vec({0.0, 0.25, 3.0 / 16.0})));
  BOOST_TEST(w2v::sigmoid(VectorXd()).size() == 0);
}

// ---- leaky ReLU ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(leaky_relu_values_and_derivative) {
  BOOST_TEST(w2v::leaky_relu(-2.0, 0.1) == -0.2, tt::tolerance(1e-15));
  BOOST_TEST(w2v::leaky_relu(3.0, 0.1) == 3.0);
  BOOST_TEST(w2v::leaky_relu(0.0, 0.1) == 0.0);
  BOOST_TEST(w2v::leaky_relu_derivative(-2.0, 0.1) == 0.1);
  BOOST_TEST(w2v::leaky_relu_derivative(3.0, 0.1) == 1.0);
  BOOST_TEST(w2v::leaky_relu_derivative(0.0, 0.1) == 0.1);  // the header's convention at the kink
  BOOST_TEST(w2v::leaky_relu_derivative(-0.0, 0.1) == 0.1);
}

BOOST_AUTO_TEST_CASE(leaky_relu_vector_forms_are_elementwise) {
  const VectorXd x = vec({-2.0, 0.0, 3.0});
  BOOST_TEST(all_close(w2v::leaky_relu(x, 0.1), vec({-0.2, 0.0, 3.0}), 1e-15));
  BOOST_TEST(all_close(w2v::leaky_relu_derivative(x, 0.1), vec({0.1, 0.1, 1.0}), 0.0));
}

// ---- logsumexp, softmax, onehot, cross-entropy --------------------------------

BOOST_AUTO_TEST_CASE(logsumexp_is_shifted_by_the_max) {
  BOOST_TEST(w2v::logsumexp(vec({1000.0, 1000.0})) == 1000.0 + ln2, tt::tolerance(1e-15));
  BOOST_TEST(w2v::logsumexp(vec({-1000.0, -1000.0})) == -1000.0 + ln2, tt::tolerance(1e-15));
  BOOST_TEST(w2v::logsumexp(vec({0.0, ln3})) == std::log(4.0), tt::tolerance(1e-15));
  BOOST_TEST(w2v::logsumexp(vec({5.0})) == 5.0);
  // A score far below the max contributes e^{−2000} = 0: no −inf, no NaN.
  BOOST_TEST(w2v::logsumexp(vec({0.0, -2000.0})) == 0.0);
}

BOOST_AUTO_TEST_CASE(softmax_is_stable_for_large_scores) {
  // softmax([0, log 3]) = [1/4, 3/4], and shifting every score by 1000 must not change it.
  BOOST_TEST(all_close(w2v::softmax(vec({0.0, ln3})), vec({0.25, 0.75})));
  const VectorXd large = w2v::softmax(vec({1000.0, 1000.0 + ln3}));
  BOOST_TEST(large.allFinite());
  BOOST_TEST(all_close(large, vec({0.25, 0.75})));
  const VectorXd wide = w2v::softmax(vec({1000.0, 1001.0, 999.0, -1000.0}));
  BOOST_TEST(wide.allFinite());
  BOOST_TEST(wide.sum() == 1.0, tt::tolerance(1e-15));
  BOOST_TEST(w2v::softmax(vec({7.0})).isApproxToConstant(1.0));
}

BOOST_AUTO_TEST_CASE(onehot_values) {
  BOOST_TEST(all_close(w2v::onehot(2, 4), vec({0.0, 0.0, 1.0, 0.0}), 0.0));
  BOOST_TEST(all_close(w2v::onehot(0, 1), vec({1.0}), 0.0));
}

BOOST_AUTO_TEST_CASE(cross_entropy_of_onehot_is_minus_log_softmax) {
  const VectorXd s = vec({0.0, ln3});  // ŷ = [1/4, 3/4]
  BOOST_TEST(w2v::cross_entropy(w2v::onehot(0, 2), s) == std::log(4.0), tt::tolerance(1e-15));
  BOOST_TEST(w2v::cross_entropy(w2v::onehot(1, 2), s) == std::log(4.0 / 3.0), tt::tolerance(1e-14));
  BOOST_TEST(w2v::cross_entropy(w2v::onehot(1, 2), s) == -std::log(w2v::softmax(s)(1)), tt::tolerance(1e-14));
  // Large scores: ŷ_1 underflows to 0, but log ŷ_1 = −2000 exactly, and the zero weight on it gives 0, not NaN.
  const VectorXd far = vec({0.0, -2000.0});
  BOOST_TEST(w2v::cross_entropy(w2v::onehot(0, 2), far) == 0.0);
  BOOST_TEST(w2v::cross_entropy(w2v::onehot(1, 2), far) == 2000.0);
  // A soft target: −(½ log ¼ + ½ log ¾).
  BOOST_TEST(w2v::cross_entropy(vec({0.5, 0.5}), s) == -0.5 * (std::log(0.25) + std::log(0.75)), tt::tolerance(1e-14));
}

// ---- naive softmax ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(naive_softmax_with_zero_outside_vectors_is_uniform) {
  const Index V = 4;
  const VectorXd v_c = vec({1.0, 2.0, -1.0});
  const MatrixXd U = MatrixXd::Zero(V, 3);
  const Index o = 2;
  const w2v::LossAndGradients r = w2v::naive_softmax_loss_and_gradient(v_c, o, U);
  BOOST_TEST(r.loss == std::log(4.0), tt::tolerance(1e-15));
  // Uᵀ(ŷ − y) = 0 because U = 0.
  BOOST_TEST(all_close(r.grad_center, VectorXd::Zero(3), 0.0));
  // (ŷ − y) v_cᵀ: row o is (1/V − 1) v_c, every other row v_c / V.
  MatrixXd expected(V, 3);
  for (Index w = 0; w < V; ++w) expected.row(w) = (w == o ? 0.25 - 1.0 : 0.25) * v_c.transpose();
  BOOST_TEST(all_close(r.grad_outside, expected));
}

BOOST_AUTO_TEST_CASE(naive_softmax_two_by_one_by_hand) {
  // U = [[1], [0]], v_c = [1]: s = [1, 0], ŷ = [e, 1] / (1 + e).
  const MatrixXd U = (MatrixXd(2, 1) << 1.0, 0.0).finished();
  const VectorXd v_c = vec({1.0});
  const double e = std::exp(1.0);
  const double p = 1.0 / (1.0 + e);  // ŷ_1 = 1 − ŷ_0

  // o = 0: J = −log(e / (1 + e)) = log(1 + e^{−1}); ŷ − y = [−p, p].
  const w2v::LossAndGradients r0 = w2v::naive_softmax_loss_and_gradient(v_c, 0, U);
  BOOST_TEST(r0.loss == std::log1p(1.0 / e), tt::tolerance(1e-15));
  BOOST_TEST(all_close(r0.grad_center, vec({-p})));  // 1·(−p) + 0·p
  BOOST_TEST(all_close(r0.grad_outside, (MatrixXd(2, 1) << -p, p).finished()));

  // o = 1: J = −log(1 / (1 + e)) = log(1 + e); ŷ − y = [1 − p, −(1 − p)].
  const w2v::LossAndGradients r1 = w2v::naive_softmax_loss_and_gradient(v_c, 1, U);
  BOOST_TEST(r1.loss == std::log1p(e), tt::tolerance(1e-15));
  BOOST_TEST(all_close(r1.grad_center, vec({1.0 - p})));
  BOOST_TEST(all_close(r1.grad_outside, (MatrixXd(2, 1) << 1.0 - p, p - 1.0).finished()));
}

BOOST_AUTO_TEST_CASE(naive_softmax_is_stable_for_large_scores) {
  // s = [1000, 0], o = 1: J = 1000 + log(1 + e^{−1000}) = 1000, ŷ − y = [1, −1] to double precision.
  const MatrixXd U = (MatrixXd(2, 1) << 1000.0, 0.0).finished();
  const w2v::LossAndGradients r = w2v::naive_softmax_loss_and_gradient(vec({1.0}), 1, U);
  BOOST_TEST(r.loss == 1000.0);
  BOOST_TEST(all_close(r.grad_center, vec({1000.0})));
  BOOST_TEST(all_close(r.grad_outside, (MatrixXd(2, 1) << 1.0, -1.0).finished()));
}

// ---- negative sampling --------------------------------------------------------

BOOST_AUTO_TEST_CASE(neg_sampling_with_zero_scores) {
  // Every σ is 1/2: J = (K + 1) log 2,
  // ∂J/∂v_c = −½ u_0 + ½ u_1 + ½ u_2 = [0, −½ + 1 − 3/2], ∂J/∂u_0 = −½ v_c, ∂J/∂u_k = ½ v_c.
  const MatrixXd U = orthogonal_outside();
  const w2v::LossAndGradients r = w2v::neg_sampling_loss_and_gradient(orthogonal_center, 0, U, {1, 2});
  BOOST_TEST(r.loss == 3.0 * ln2, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center, vec({0.0, -1.0})));
  BOOST_TEST(all_close(r.grad_outside, (MatrixXd(3, 2) << -0.5, 0.0, 0.5, 0.0, 0.5, 0.0).finished()));
}

BOOST_AUTO_TEST_CASE(neg_sampling_repeated_negatives_accumulate) {
  // Negatives [1, 1]: row 1 gets ½ v_c twice = v_c, row 2 stays 0; ∂J/∂v_c = −½ u_0 + 2 · ½ u_1 = [0, 3/2].
  const MatrixXd U = orthogonal_outside();
  const w2v::LossAndGradients r = w2v::neg_sampling_loss_and_gradient(orthogonal_center, 0, U, {1, 1});
  BOOST_TEST(r.loss == 3.0 * ln2, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center, vec({0.0, 1.5})));
  BOOST_TEST(all_close(r.grad_outside, (MatrixXd(3, 2) << -0.5, 0.0, 1.0, 0.0, 0.0, 0.0).finished()));
}

BOOST_AUTO_TEST_CASE(neg_sampling_outside_drawn_as_negative) {
  // o = 0 drawn as its own negative: −½ v_c + ½ v_c = 0 on row 0, −½ u_0 + ½ u_0 = 0 for v_c.
  const MatrixXd U = orthogonal_outside();
  const w2v::LossAndGradients r = w2v::neg_sampling_loss_and_gradient(orthogonal_center, 0, U, {0});
  BOOST_TEST(r.loss == 2.0 * ln2, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center, VectorXd::Zero(2), 0.0));
  BOOST_TEST(all_close(r.grad_outside, MatrixXd::Zero(3, 2), 0.0));
}

BOOST_AUTO_TEST_CASE(neg_sampling_without_negatives) {
  const MatrixXd U = orthogonal_outside();
  const w2v::LossAndGradients r = w2v::neg_sampling_loss_and_gradient(orthogonal_center, 1, U, {});
  BOOST_TEST(r.loss == ln2, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center, vec({0.0, -1.0})));  // −½ u_1
  BOOST_TEST(all_close(r.grad_outside, (MatrixXd(3, 2) << 0.0, 0.0, -0.5, 0.0, 0.0, 0.0).finished()));
}

BOOST_AUTO_TEST_CASE(neg_sampling_nonzero_scores_by_hand) {
  // d = 1, v_c = [1], u_0 = log 3, u_1 = −log 3, o = 0, negatives [1]:
  // σ(u_0 v_c) = σ(−u_1 v_c) = σ(log 3) = 3/4, so J = 2 log(4/3),
  // ∂J/∂v_c = −¼ u_0 + ¼ u_1 = −½ log 3, ∂J/∂u_0 = −¼ v_c, ∂J/∂u_1 = ¼ v_c.
  const MatrixXd U = (MatrixXd(2, 1) << ln3, -ln3).finished();
  const w2v::LossAndGradients r = w2v::neg_sampling_loss_and_gradient(vec({1.0}), 0, U, {1});
  BOOST_TEST(r.loss == 2.0 * std::log(4.0 / 3.0), tt::tolerance(1e-14));
  BOOST_TEST(all_close(r.grad_center, vec({-0.5 * ln3})));
  BOOST_TEST(all_close(r.grad_outside, (MatrixXd(2, 1) << -0.25, 0.25).finished()));
}

BOOST_AUTO_TEST_CASE(neg_sampling_is_stable_for_large_scores) {
  // u_0 v_c = −1000 (true word scored very low), u_1 v_c = 1000 (negative scored very high):
  // J = 2 (1000 + log(1 + e^{−1000})) = 2000, and each 1 − σ weight is 1.
  const MatrixXd U = (MatrixXd(2, 1) << -1000.0, 1000.0).finished();
  const w2v::LossAndGradients r = w2v::neg_sampling_loss_and_gradient(vec({1.0}), 0, U, {1});
  BOOST_TEST(r.loss == 2000.0);
  BOOST_TEST(all_close(r.grad_center, vec({2000.0})));
  BOOST_TEST(all_close(r.grad_outside, (MatrixXd(2, 1) << -1.0, 1.0).finished()));
}

// ---- skip-gram ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(skipgram_naive_softmax_sums_over_the_window) {
  const MatrixXd C = sg_center_vectors();
  const MatrixXd U = sg_outside_vectors();
  const Index c = 1;
  const VectorXd v_c = C.row(c).transpose();
  const w2v::LossAndGradients a = w2v::naive_softmax_loss_and_gradient(v_c, 0, U);
  const w2v::LossAndGradients b = w2v::naive_softmax_loss_and_gradient(v_c, 3, U);

  const w2v::SkipGramResult r = w2v::skipgram_naive_softmax(c, {0, 3}, C, U);
  BOOST_TEST(r.loss == a.loss + b.loss, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center_vectors.row(c).transpose(), a.grad_center + b.grad_center));
  BOOST_TEST(all_close(r.grad_outside_vectors, a.grad_outside + b.grad_outside));
  for (Index w = 0; w < C.rows(); ++w) {
    if (w != c) BOOST_TEST(r.grad_center_vectors.row(w).isZero(0.0), "row " << w << " of grad_center_vectors");
  }
}

BOOST_AUTO_TEST_CASE(skipgram_naive_softmax_repeated_word_counts_twice) {
  // Summed, not averaged: the window [o, o] is exactly twice the single term.
  const MatrixXd C = sg_center_vectors();
  const MatrixXd U = sg_outside_vectors();
  const w2v::LossAndGradients one = w2v::naive_softmax_loss_and_gradient(C.row(2).transpose(), 1, U);
  const w2v::SkipGramResult r = w2v::skipgram_naive_softmax(2, {1, 1}, C, U);
  BOOST_TEST(r.loss == 2.0 * one.loss, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center_vectors.row(2).transpose(), 2.0 * one.grad_center));
  BOOST_TEST(all_close(r.grad_outside_vectors, 2.0 * one.grad_outside));
}

BOOST_AUTO_TEST_CASE(skipgram_neg_sampling_sums_over_the_window) {
  const MatrixXd C = sg_center_vectors();
  const MatrixXd U = sg_outside_vectors();
  const Index c = 0;
  const VectorXd v_c = C.row(c).transpose();
  const w2v::LossAndGradients a = w2v::neg_sampling_loss_and_gradient(v_c, 1, U, {2, 2, 3});
  const w2v::LossAndGradients b = w2v::neg_sampling_loss_and_gradient(v_c, 2, U, {0, 2});

  const w2v::SkipGramResult r = w2v::skipgram_neg_sampling(c, {1, 2}, C, U, {{2, 2, 3}, {0, 2}});
  BOOST_TEST(r.loss == a.loss + b.loss, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center_vectors.row(c).transpose(), a.grad_center + b.grad_center));
  BOOST_TEST(all_close(r.grad_outside_vectors, a.grad_outside + b.grad_outside));
  for (Index w = 0; w < C.rows(); ++w) {
    if (w != c) BOOST_TEST(r.grad_center_vectors.row(w).isZero(0.0), "row " << w << " of grad_center_vectors");
  }
}

BOOST_AUTO_TEST_CASE(skipgram_neg_sampling_with_zero_scores_by_hand) {
  // Centre vectors along e_0, outside vectors along e_1: every σ is 1/2. Window [0, 0], one negative [1] each:
  // J = 2 · 2 log 2; ∂J/∂v_c = 2 (−½ u_0 + ½ u_1) = [0, 1]; ∂J/∂u_0 = −v_c, ∂J/∂u_1 = v_c.
  const MatrixXd C = (MatrixXd(3, 2) << 5.0, 0.0, 1.0, 0.0, -2.0, 0.0).finished();
  const MatrixXd U = orthogonal_outside();
  const w2v::SkipGramResult r = w2v::skipgram_neg_sampling(1, {0, 0}, C, U, {{1}, {1}});
  BOOST_TEST(r.loss == 4.0 * ln2, tt::tolerance(1e-15));
  BOOST_TEST(all_close(r.grad_center_vectors, (MatrixXd(3, 2) << 0.0, 0.0, 0.0, 1.0, 0.0, 0.0).finished()));
  BOOST_TEST(all_close(r.grad_outside_vectors, (MatrixXd(3, 2) << -1.0, 0.0, 1.0, 0.0, 0.0, 0.0).finished()));
}

BOOST_AUTO_TEST_CASE(skipgram_with_an_empty_window_is_zero) {
  const MatrixXd C = sg_center_vectors();
  const MatrixXd U = sg_outside_vectors();
  const w2v::SkipGramResult naive = w2v::skipgram_naive_softmax(0, {}, C, U);
  BOOST_TEST(naive.loss == 0.0);
  BOOST_TEST(naive.grad_center_vectors.isZero(0.0));
  BOOST_TEST(naive.grad_outside_vectors.isZero(0.0));
  const w2v::SkipGramResult neg = w2v::skipgram_neg_sampling(0, {}, C, U, {});
  BOOST_TEST(neg.loss == 0.0);
  BOOST_TEST(neg.grad_center_vectors.rows() == 4);
  BOOST_TEST(neg.grad_center_vectors.cols() == 3);
  BOOST_TEST(neg.grad_outside_vectors.isZero(0.0));
}

// ---- normalisation ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(normalize_three_four_five) {
  BOOST_TEST(all_close(w2v::normalize(vec({3.0, 4.0})), vec({0.6, 0.8}), 1e-15));
  // The magnitude is lost: any positive multiple gives the same direction, even where ‖u‖² would overflow.
  BOOST_TEST(all_close(w2v::normalize(vec({3e200, 4e200})), vec({0.6, 0.8}), 1e-15));
  BOOST_TEST(all_close(w2v::normalize(vec({3e-200, 4e-200})), vec({0.6, 0.8}), 1e-15));
}

BOOST_AUTO_TEST_CASE(normalize_jacobian_annihilates_u_and_is_symmetric) {
  const VectorXd u = vec({3.0, 4.0});
  const MatrixXd J = w2v::normalize_jacobian(u);
  // (I − û ûᵀ) / 5 with û = [0.6, 0.8].
  BOOST_TEST(all_close(J, (MatrixXd(2, 2) << 0.64 / 5, -0.48 / 5, -0.48 / 5, 0.36 / 5).finished()));
  BOOST_TEST(all_close(J * u, VectorXd::Zero(2), 1e-15));
  BOOST_TEST(all_close(J, J.transpose(), 0.0));

  const VectorXd w = vec({1.0, -2.0, 2.0});  // ‖w‖ = 3
  const MatrixXd Jw = w2v::normalize_jacobian(w);
  BOOST_TEST(all_close(Jw * w, VectorXd::Zero(3), 1e-15));
  BOOST_TEST(all_close(Jw, Jw.transpose(), 0.0));
  // A direction orthogonal to w is scaled by 1/‖w‖.
  BOOST_TEST(all_close(Jw * vec({2.0, 1.0, 0.0}), vec({2.0, 1.0, 0.0}) / 3.0));
}

// ---- validation ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_misuse_throws_gradcheck_error) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const double alpha : {0.0, 1.0, -0.5, 1.5, nan}) {
    BOOST_TEST_CONTEXT("alpha = " << alpha) {
      BOOST_CHECK_THROW(w2v::leaky_relu(1.0, alpha), gradcheck::Error);
      BOOST_CHECK_THROW(w2v::leaky_relu(vec({1.0}), alpha), gradcheck::Error);
      BOOST_CHECK_THROW(w2v::leaky_relu_derivative(1.0, alpha), gradcheck::Error);
      BOOST_CHECK_THROW(w2v::leaky_relu_derivative(vec({1.0}), alpha), gradcheck::Error);
    }
  }

  BOOST_CHECK_THROW(w2v::logsumexp(VectorXd()), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::softmax(VectorXd()), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::onehot(0, 0), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::onehot(0, -3), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::onehot(-1, 4), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::onehot(4, 4), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::cross_entropy(vec({1.0, 0.0}), vec({0.0, 1.0, 2.0})), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::cross_entropy(VectorXd(), VectorXd()), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::normalize(vec({0.0, 0.0})), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::normalize(VectorXd()), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::normalize_jacobian(vec({0.0, 0.0, 0.0})), gradcheck::Error);

  const MatrixXd U = orthogonal_outside();  // V = 3, d = 2
  const VectorXd v_c = orthogonal_center;
  BOOST_CHECK_THROW(w2v::naive_softmax_loss_and_gradient(v_c, 3, U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::naive_softmax_loss_and_gradient(v_c, -1, U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::naive_softmax_loss_and_gradient(vec({1.0, 0.0, 0.0}), 0, U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::naive_softmax_loss_and_gradient(VectorXd(), 0, MatrixXd()), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::neg_sampling_loss_and_gradient(v_c, 3, U, {}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::neg_sampling_loss_and_gradient(v_c, 0, U, {1, 3}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::neg_sampling_loss_and_gradient(v_c, 0, U, {-1}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::neg_sampling_loss_and_gradient(vec({1.0}), 0, U, {1}), gradcheck::Error);

  const MatrixXd C = MatrixXd::Ones(3, 2);
  BOOST_CHECK_THROW(w2v::skipgram_naive_softmax(3, {0}, C, U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_naive_softmax(-1, {0}, C, U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_naive_softmax(0, {1, 3}, C, U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_naive_softmax(0, {1}, MatrixXd::Ones(4, 2), U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_naive_softmax(0, {1}, MatrixXd::Ones(3, 3), U), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_neg_sampling(3, {0}, C, U, {{1}}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_neg_sampling(0, {5}, C, U, {{1}}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_neg_sampling(0, {1}, MatrixXd::Ones(3, 1), U, {{1}}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_neg_sampling(0, {1, 2}, C, U, {{1}}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_neg_sampling(0, {1}, C, U, {{1}, {2}}), gradcheck::Error);
  BOOST_CHECK_THROW(w2v::skipgram_neg_sampling(0, {1, 2}, C, U, {{1}, {0, 3}}), gradcheck::Error);
}

BOOST_AUTO_TEST_CASE(misuse_messages_name_the_value_and_the_expectation) {
  const MatrixXd U = MatrixXd::Ones(5, 4);
  BOOST_CHECK_EXCEPTION(w2v::naive_softmax_loss_and_gradient(VectorXd::Ones(4), 7, U), gradcheck::Error,
                        message_is("naive_softmax_loss_and_gradient: outside index 7 is out of range [0, 5)"));
  BOOST_CHECK_EXCEPTION(
      w2v::naive_softmax_loss_and_gradient(VectorXd::Ones(3), 0, U), gradcheck::Error,
      message_is("naive_softmax_loss_and_gradient: center has 3 entries but outside_vectors has 4 columns"));
  BOOST_CHECK_EXCEPTION(
      w2v::neg_sampling_loss_and_gradient(VectorXd::Ones(4), 0, U, {1, 2, 9}), gradcheck::Error,
      message_is("neg_sampling_loss_and_gradient: negative index 9 (negatives[2]) is out of range [0, 5)"));
  BOOST_CHECK_EXCEPTION(w2v::leaky_relu(1.0, 1.5), gradcheck::Error,
                        message_is("leaky_relu: alpha 1.5 is outside the open interval (0, 1)"));
  BOOST_CHECK_EXCEPTION(w2v::onehot(4, 4), gradcheck::Error, message_is("onehot: index 4 is out of range [0, 4)"));
  BOOST_CHECK_EXCEPTION(w2v::logsumexp(VectorXd()), gradcheck::Error,
                        message_is("logsumexp: scores is empty; expected at least one score"));
  BOOST_CHECK_EXCEPTION(w2v::cross_entropy(VectorXd::Ones(2), VectorXd::Ones(3)), gradcheck::Error,
                        message_is("cross_entropy: y has 2 entries but scores has 3"));
  BOOST_CHECK_EXCEPTION(w2v::skipgram_naive_softmax(0, {1}, MatrixXd::Ones(3, 4), U), gradcheck::Error,
                        message_is("skipgram_naive_softmax: center_vectors is 3x4 but outside_vectors is 5x4; "
                                   "both must be V x d"));
  BOOST_CHECK_EXCEPTION(
      w2v::skipgram_neg_sampling(0, {1, 2}, U, U, {{1}}), gradcheck::Error,
      message_is("skipgram_neg_sampling: negatives has 1 lists but outside_words has 2 words; expected one list "
                 "per word"));
  BOOST_CHECK_EXCEPTION(w2v::skipgram_neg_sampling(0, {1, 2}, U, U, {{1}, {0, 5}}), gradcheck::Error,
                        message_is("skipgram_neg_sampling: negative index 5 (negatives[1][1]) is out of range [0, 5)"));
}

BOOST_AUTO_TEST_SUITE_END()
