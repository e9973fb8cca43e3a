// A user's float32 network: a 2-layer MLP (6 → 12 → 4, batch of 8, softmax
// cross-entropy) with hand-written float backprop, checked with
// check_gradient and default options at random points. No correct gradient
// FAILs; a 1% error in W1's gradient FAILs at nearly every point; tanh and
// ReLU networks PASS at 90% of points or more. A ReLU network's kinks often
// lie within the float step: an entry no smaller step resolves is decided by
// one-sided differences on the side away from the kink (check.hpp, KINKS).
#include <Eigen/Dense>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>
#include <string>

#include "gradcheck/check.hpp"

using namespace gradcheck;
using Eigen::MatrixXf;
using Eigen::VectorXf;

namespace {

constexpr int points = 500;

class Mlp {
 public:
  Mlp(bool tanh_units, std::mt19937& rng) : tanh_(tanh_units), x_(in, batch), y_(batch) {
    std::normal_distribution<float> normal(0.0F, 1.0F);
    for (Eigen::Index i = 0; i < x_.size(); ++i) x_.data()[i] = normal(rng);
    for (int b = 0; b < batch; ++b) y_(b) = b % out;
  }
  static constexpr int in = 6, hidden = 12, out = 4, batch = 8;
  static constexpr int size = hidden * in + hidden + out * hidden + out;

  float loss(const VectorXf& p) const {
    const Forward f = forward(p);
    float total = 0.0F;
    for (int b = 0; b < batch; ++b) {
      const float top = f.scores.col(b).maxCoeff();
      total += top + std::log((f.scores.col(b).array() - top).exp().sum()) - f.scores(y_(b), b);
    }
    return total / batch;
  }

  // Backprop by hand; `planted` scales W1's gradient (a bug to catch).
  VectorXf gradient(const VectorXf& p, float planted = 1.0F) const {
    const Forward f = forward(p);
    MatrixXf d_scores(out, batch);
    for (int b = 0; b < batch; ++b) {
      const Eigen::ArrayXf e = (f.scores.col(b).array() - f.scores.col(b).maxCoeff()).exp();
      d_scores.col(b) = (e / e.sum()).matrix();
      d_scores(y_(b), b) -= 1.0F;
    }
    d_scores /= static_cast<float>(batch);
    const Eigen::Map<const MatrixXf> w2(p.data() + hidden * in + hidden, out, hidden);
    const MatrixXf d_hidden = w2.transpose() * d_scores;
    const MatrixXf d_pre = d_hidden.cwiseProduct(f.pre.unaryExpr([this](float z) { return slope(z); }));
    VectorXf g(size);
    g << planted * (d_pre * x_.transpose()).reshaped(), d_pre.rowwise().sum(),
        (d_scores * f.hidden.transpose()).reshaped(), d_scores.rowwise().sum();
    return g;
  }

 private:
  struct Forward {
    MatrixXf pre, hidden, scores;
  };
  float unit(float z) const { return tanh_ ? std::tanh(z) : std::max(0.0F, z); }
  float slope(float z) const { return tanh_ ? 1.0F - std::tanh(z) * std::tanh(z) : (z > 0.0F ? 1.0F : 0.0F); }
  Forward forward(const VectorXf& p) const {
    const Eigen::Map<const MatrixXf> w1(p.data(), hidden, in);
    const Eigen::Map<const VectorXf> b1(p.data() + hidden * in, hidden);
    const Eigen::Map<const MatrixXf> w2(p.data() + hidden * in + hidden, out, hidden);
    const Eigen::Map<const VectorXf> b2(p.data() + hidden * in + hidden + out * hidden, out);
    Forward f;
    f.pre = (w1 * x_).colwise() + b1;
    f.hidden = f.pre.unaryExpr([this](float z) { return unit(z); });
    f.scores = (w2 * f.hidden).colwise() + b2;
    return f;
  }
  bool tanh_;
  MatrixXf x_;
  Eigen::VectorXi y_;
};

void expect_network_checked(bool tanh_units, int min_pass_percent) {
  const char* name = tanh_units ? "tanh" : "relu";
  for (const unsigned seed : {1U, 2U}) {
    std::mt19937 rng(seed);
    const Mlp net(tanh_units, rng);
    std::normal_distribution<float> normal(0.0F, 0.5F);
    int pass = 0, fail = 0, caught = 0;
    std::string first_failure;
    for (int k = 0; k < points; ++k) {
      VectorXf p(Mlp::size);
      for (Eigen::Index i = 0; i < p.size(); ++i) p(i) = normal(rng);
      const auto loss = [&net](const VectorXf& q) { return net.loss(q); };
      const CheckResult right = check_gradient(
          loss, [&net](const VectorXf& q) { return net.gradient(q); }, p);
      pass += right.verdict == Verdict::pass ? 1 : 0;
      fail += right.verdict == Verdict::fail ? 1 : 0;
      if (right.verdict == Verdict::fail && first_failure.empty()) first_failure = right.message;
      const CheckResult wrong = check_gradient(
          loss, [&net](const VectorXf& q) { return net.gradient(q, 1.01F); }, p);
      caught += wrong.verdict == Verdict::fail ? 1 : 0;
    }
    BOOST_TEST_MESSAGE(name << " seed " << seed << ": " << pass << " of " << points << " pass, " << fail
                            << " fail; a 1% error in W1 failed at " << caught);
    BOOST_TEST(fail == 0, name << ": " << first_failure);
    BOOST_TEST(100 * pass >= min_pass_percent * points, name << ": " << pass << " of " << points << " pass");
    BOOST_TEST(100 * caught >= 95 * points, name << ": the 1% error failed at " << caught << " of " << points);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(float32_networks)

BOOST_AUTO_TEST_CASE(tanh_mlp_with_hand_written_backprop) { expect_network_checked(true, 90); }
BOOST_AUTO_TEST_CASE(relu_mlp_with_hand_written_backprop) { expect_network_checked(false, 90); }

BOOST_AUTO_TEST_SUITE_END()
