// float32: closed forms computed in single precision are checked with steps
// exact in float and allowances that follow ε = 2^-23
// (CheckOptions::single_precision()): no false failure, every control caught.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradcheck/autodiff.hpp"
#include "gradcheck/check.hpp"
#include "gradcheck/random.hpp"
#include "gradcheck/word2vec.hpp"
#include "tally.hpp"

using namespace gradcheck;
using Eigen::MatrixXf;
using Eigen::VectorXf;

namespace {

constexpr int trials = 300;

float logsumexp(const VectorXf& s) { return s.maxCoeff() + std::log((s.array() - s.maxCoeff()).exp().sum()); }
VectorXf softmax(const VectorXf& s) {
  const Eigen::ArrayXf e = (s.array() - s.maxCoeff()).exp();
  return (e / e.sum()).matrix();
}
Eigen::ArrayXf sigmoid(const VectorXf& x) { return 1.0f / (1.0f + (-x.array()).exp()); }

using tests::Tally;

// Runs `trials` random points; `check(rng, claim_kind)` returns the result of
// claim 0 (the correct form) or a control (1, 2, ...).
template <class Check>
void expect_float_verdicts(const std::string& name, int controls, Check check) {
  Tally correct;
  std::vector<Tally> wrong(static_cast<std::size_t>(controls));
  for (int t = 0; t < trials; ++t) {
    for (int k = 0; k <= controls; ++k) {
      Rng rng = trial_rng(7, name, static_cast<std::uint64_t>(t));  // the same point for formula and controls
      const CheckResult r = check(rng, k);
      (k == 0 ? correct : wrong[static_cast<std::size_t>(k - 1)]).add(r);
    }
  }
  BOOST_TEST_MESSAGE(name << ": correct " << correct.pass << " pass, " << correct.fail << " fail, "
                          << correct.inconclusive << " inconclusive of " << trials);
  BOOST_TEST(correct.fail == 0, name << ": false failures in float32");
  BOOST_TEST(correct.pass > trials / 2, name << ": too few conclusive points");
  for (int k = 0; k < controls; ++k) {
    BOOST_TEST(wrong[static_cast<std::size_t>(k)].pass == 0,
               name << ": control " << k + 1 << " accepted " << wrong[static_cast<std::size_t>(k)].pass << " times");
    BOOST_TEST(wrong[static_cast<std::size_t>(k)].fail > 0, name << ": control " << k + 1 << " never rejected");
  }
}

// The float32 forms, drawn once per point and shared by both suites: the
// point and claim k (0 the closed form, 1, 2, ... its negative controls).

// ∂J/∂v_c of J = −log softmax(U v_c)_o: Uᵀ(ŷ − y). Control 3 is the
// sensitivity target: g(1 + δ) + δ‖g‖e with δ = 1e-3 and e a random unit vector.
struct SoftmaxCenter {
  Eigen::Index o = 0;
  MatrixXf U;
  VectorXf vc, e;
  explicit SoftmaxCenter(Rng& rng) {
    const auto V = random_index(rng, 2, 50);
    const auto d = random_index(rng, 2, 20);
    o = random_index(rng, 0, V - 1);
    U = random_normal(rng, V, d).cast<float>();
    vc = random_normal(rng, d).cast<float>();
    e = random_normal(rng, d).normalized().cast<float>();
  }
  VectorXf claim(const VectorXf& v, int k) const {
    VectorXf delta = softmax(U * v);
    delta(o) -= 1.0f;
    if (k == 1) delta = -delta;    // sign flipped: Uᵀ(y − ŷ)
    if (k == 2) delta(o) += 1.0f;  // forgot y: Uᵀŷ
    const VectorXf g = U.transpose() * delta;
    // e is taken on g's side: at e ≈ −g/‖g‖ the perturbation cancels for any checker.
    const VectorXf side = e.dot(g) < 0.0f ? VectorXf(-e) : e;
    return k == 3 ? VectorXf(g * (1.0f + 1e-3f) + 1e-3f * g.norm() * side) : g;
  }
};

// L(x) = Σ_i w_i σ(x_i), so ∂L/∂x_i = w_i σ′(x_i): the diagonal of the Jacobian.
// Controls: σ² and σ(1 + σ) in place of σ(1 − σ).
struct SigmoidPoint {
  VectorXf x, w;
  explicit SigmoidPoint(Rng& rng) {
    const auto n = random_index(rng, 2, 20);
    x = (random_normal(rng, n) * 3.0).cast<float>();
    x(0) = std::abs(x(0)) + 0.1f;  // σ² = σ(1 − σ) only at 0; keep one entry clear of it
    w = random_normal(rng, n).cast<float>();
  }
  VectorXf claim(const VectorXf& p, int k) const {
    const Eigen::ArrayXf s = sigmoid(p);
    const Eigen::ArrayXf d = k == 0   ? Eigen::ArrayXf(s * (1.0f - s))
                             : k == 1 ? Eigen::ArrayXf(s * s)
                                      : Eigen::ArrayXf(s * (1.0f + s));
    return (d * w.array()).matrix();
  }
};

// ∂J/∂v_c of the negative-sampling loss, negatives drawn with repeats.
// Controls: the minus on u_{w_s} dropped; the sign flipped.
struct NegSamplingCenter {
  Eigen::Index o = 0;
  std::vector<Eigen::Index> negatives;
  MatrixXf U;
  VectorXf vc;
  explicit NegSamplingCenter(Rng& rng) {
    const auto V = random_index(rng, 2, 30);
    const auto d = random_index(rng, 2, 20);
    o = random_index(rng, 0, V - 1);
    negatives.resize(static_cast<std::size_t>(random_index(rng, 1, 10)));
    for (auto& w : negatives) w = random_index(rng, 0, V - 1);
    U = random_normal(rng, V, d).cast<float>();
    vc = (random_normal(rng, d) / std::sqrt(static_cast<double>(d))).cast<float>();
  }
  VectorXf claim(const VectorXf& v, int k) const {
    const auto sig = [](float z) { return 1.0f / (1.0f + std::exp(-z)); };
    VectorXf g = -(1.0f - sig(U.row(o).dot(v))) * U.row(o).transpose();
    const float sign = k == 1 ? -1.0f : 1.0f;
    for (const auto w : negatives) g += sign * (1.0f - sig(-U.row(w).dot(v))) * U.row(w).transpose();
    return k == 2 ? VectorXf(-g) : g;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(float32)

BOOST_AUTO_TEST_CASE(naive_softmax_grad_center) {
  expect_float_verdicts("f32_naive_softmax_grad_center", 3, [](Rng& rng, int k) {
    const SoftmaxCenter p(rng);
    const auto loss = [&](const VectorXf& v) {
      const VectorXf s = p.U * v;
      return logsumexp(s) - s(p.o);
    };
    return check_gradient(
        loss, [&](const VectorXf& v) { return p.claim(v, k); }, p.vc);
  });
}

BOOST_AUTO_TEST_CASE(sigmoid_derivative) {
  expect_float_verdicts("f32_sigmoid_derivative", 2, [](Rng& rng, int k) {
    const SigmoidPoint p(rng);
    const auto loss = [&](const VectorXf& x) { return (sigmoid(x) * p.w.array()).sum(); };
    return check_gradient(
        loss, [&](const VectorXf& x) { return p.claim(x, k); }, p.x);
  });
}

BOOST_AUTO_TEST_CASE(neg_sampling_grad_center) {
  expect_float_verdicts("f32_neg_sampling_grad_center", 2, [](Rng& rng, int k) {
    const NegSamplingCenter p(rng);
    const auto log_sigmoid = [](float z) { return z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z)); };
    const auto loss = [&](const VectorXf& v) {
      float j = -log_sigmoid(p.U.row(p.o).dot(v));
      for (const auto w : p.negatives) j -= log_sigmoid(-p.U.row(w).dot(v));
      return j;
    };
    return check_gradient(
        loss, [&](const VectorXf& v) { return p.claim(v, k); }, p.vc);
  });
}

BOOST_AUTO_TEST_CASE(check_nested_in_a_single_precision_f_leaves_its_point_intact) {
  // f runs a single-precision check of its own on the same thread (the
  // harness reuses one float buffer per thread): the outer f's argument must
  // still be its point afterwards, so the outer check sees f = |p|².
  const auto inner = [](const VectorXf& q) { return q.prod(); };
  const auto inner_grad = [](const VectorXf& q) {
    return VectorXf(VectorXf::Constant(q.size(), q.prod()).cwiseQuotient(q));
  };
  const auto outer = [&](const VectorXf& p) {
    const CheckResult nested = check_gradient(inner, inner_grad, VectorXf::LinSpaced(3, 1.0F, 2.0F));
    if (!nested.passed) throw std::runtime_error("nested check: " + nested.message);
    return p.squaredNorm();
  };
  const VectorXf x = VectorXf::LinSpaced(4, 0.5F, 2.0F);
  CheckOptions o = CheckOptions::single_precision();
  o.threads = 1;
  const CheckResult right = check_gradient(
      outer, [](const VectorXf& p) { return VectorXf(2.0F * p); }, x, o);
  BOOST_TEST(right.passed, right.message);
  const CheckResult wrong = check_gradient(
      outer, [](const VectorXf& p) { return VectorXf(p); }, x, o);
  BOOST_TEST(!wrong.passed, wrong.message);
}

BOOST_AUTO_TEST_SUITE_END()

// The same float32 closed forms and controls, judged against a reference
// computed in double (check_gradient_templated): f is one templated loss,
// f<double> at x.cast<double>() gives the finite differences, f<AutoDiff> the
// exact column; only the claim is float. No false failure, every control
// rejected, and the exact derivative agrees with the double differences.
BOOST_AUTO_TEST_SUITE(float32_reference)

namespace {

template <class V>
using scalar_of = typename std::remove_cvref_t<V>::Scalar;

// The two references agree with each other at every point; the correct claim
// (k = 0) is the exact gradient to float's rtol relative to the gradient's
// size (entry by entry a float σ(1 − σ) near σ = 1 is far less accurate:
// 1 − σ cancels; Uᵀ(ŷ − y) sums terms larger than itself).
CheckResult with_exact_checked(const CheckResult& r, int k) {
  BOOST_TEST_REQUIRE(r.exact.cols() == r.analytic.cols());
  BOOST_TEST(r.exact_vs_numeric <= 1.0, "the double finite difference and the exact derivative disagree");
  if (k == 0) {
    const double size = r.exact.cwiseAbs().maxCoeff();
    const double off = (r.analytic - r.exact).cwiseAbs().maxCoeff() / size;
    BOOST_TEST(off <= CheckOptions::single_precision().rtol, "a float claim off the exact gradient by " << off);
  }
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(naive_softmax_grad_center) {
  expect_float_verdicts("f32ref_naive_softmax_grad_center", 3, [](Rng& rng, int k) {
    const SoftmaxCenter p(rng);
    const auto loss = [&](const auto& v) {
      using T = scalar_of<decltype(v)>;
      return gradcheck::word2vec::naive_softmax_loss<T>(v, p.o, p.U.cast<T>());
    };
    const auto claim = [&](const VectorXf& v) { return p.claim(v, k); };
    return with_exact_checked(check_gradient_templated(loss, claim, p.vc), k);
  });
}

BOOST_AUTO_TEST_CASE(sigmoid_derivative) {
  expect_float_verdicts("f32ref_sigmoid_derivative", 2, [](Rng& rng, int k) {
    const SigmoidPoint p(rng);
    const auto loss = [&](const auto& x) {
      using T = scalar_of<decltype(x)>;
      const gradcheck::word2vec::Vector<T> s = gradcheck::word2vec::sigmoid(gradcheck::word2vec::Vector<T>(x));
      return T((s.array() * p.w.cast<T>().array()).sum());
    };
    const auto claim = [&](const VectorXf& x) { return p.claim(x, k); };
    return with_exact_checked(check_gradient_templated(loss, claim, p.x), k);
  });
}

BOOST_AUTO_TEST_CASE(neg_sampling_grad_center) {
  expect_float_verdicts("f32ref_neg_sampling_grad_center", 2, [](Rng& rng, int k) {
    const NegSamplingCenter p(rng);
    const auto loss = [&](const auto& v) {
      using T = scalar_of<decltype(v)>;
      return gradcheck::word2vec::neg_sampling_loss<T>(v, p.o, p.U.cast<T>(), p.negatives);
    };
    const auto claim = [&](const VectorXf& v) { return p.claim(v, k); };
    return with_exact_checked(check_gradient_templated(loss, claim, p.vc), k);
  });
}

BOOST_AUTO_TEST_SUITE_END()
