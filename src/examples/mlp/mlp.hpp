// The user's own code in the MLP example: a two-layer perceptron with a
// hand-written backward pass, as an engineer would have it before any
// gradient checking. gradcheck is not included here.
//
//   h = tanh(W1 x + b1),  y = W2 h + b2,  loss = (1 / 2B) Σ_samples ‖y − t‖²
//
// over a batch of B samples (x in R^4, t in R^3, 8 hidden units).
#pragma once

#include <Eigen/Core>
#include <cmath>

namespace mlp {

struct Batch {
  Eigen::MatrixXd inputs;   ///< 4 × B, one sample a column
  Eigen::MatrixXd targets;  ///< 3 × B
};

/// ∂loss/∂ each parameter, each of the parameter's shape.
struct Gradient {
  Eigen::MatrixXd W1;  ///< 8 × 4
  Eigen::VectorXd b1;  ///< 8
  Eigen::MatrixXd W2;  ///< 3 × 8
  Eigen::VectorXd b2;  ///< 3
};

/// A bug to plant in the backward pass (the example's negative control).
enum class Bug {
  none,
  /// The loop over inputs in ∂loss/∂W1 stops one short: the last input's
  /// column of W1 gets no gradient (an off-by-one of the kind hand loops have).
  last_input_skipped,
};

inline double loss(const Batch& batch, const Eigen::MatrixXd& W1, const Eigen::VectorXd& b1, const Eigen::MatrixXd& W2,
                   const Eigen::VectorXd& b2) {
  const Eigen::Index samples = batch.inputs.cols();
  double sum = 0.0;
  for (Eigen::Index s = 0; s < samples; ++s) {
    const Eigen::VectorXd h = (W1 * batch.inputs.col(s) + b1).array().tanh().matrix();
    sum += (W2 * h + b2 - batch.targets.col(s)).squaredNorm();
  }
  return sum / (2.0 * static_cast<double>(samples));
}

inline Gradient gradient(const Batch& batch, const Eigen::MatrixXd& W1, const Eigen::VectorXd& b1,
                         const Eigen::MatrixXd& W2, const Eigen::VectorXd& b2, Bug bug = Bug::none) {
  Gradient g{Eigen::MatrixXd::Zero(W1.rows(), W1.cols()), Eigen::VectorXd::Zero(b1.size()),
             Eigen::MatrixXd::Zero(W2.rows(), W2.cols()), Eigen::VectorXd::Zero(b2.size())};
  const Eigen::Index samples = batch.inputs.cols();
  const Eigen::Index inputs = bug == Bug::last_input_skipped ? W1.cols() - 1 : W1.cols();
  for (Eigen::Index s = 0; s < samples; ++s) {
    const Eigen::VectorXd x = batch.inputs.col(s);
    const Eigen::VectorXd h = (W1 * x + b1).array().tanh().matrix();
    const Eigen::VectorXd dy = (W2 * h + b2 - batch.targets.col(s)) / static_cast<double>(samples);
    const Eigen::VectorXd dz = ((W2.transpose() * dy).array() * (1.0 - h.array().square())).matrix();
    g.W2 += dy * h.transpose();
    g.b2 += dy;
    for (Eigen::Index i = 0; i < W1.rows(); ++i) {
      for (Eigen::Index j = 0; j < inputs; ++j) g.W1(i, j) += dz(i) * x(j);
    }
    g.b1 += dz;
  }
  return g;
}

/// A fixed batch of 5 samples and a starting point (deterministic: no RNG).
struct Model {
  Batch batch;
  Eigen::MatrixXd W1 = Eigen::MatrixXd(8, 4);
  Eigen::VectorXd b1 = Eigen::VectorXd(8);
  Eigen::MatrixXd W2 = Eigen::MatrixXd(3, 8);
  Eigen::VectorXd b2 = Eigen::VectorXd(3);

  Model() {
    const auto fill = [](Eigen::MatrixXd& m, double phase) {
      for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = 0.8 * std::sin(1.7 * static_cast<double>(k) + phase);
    };
    batch.inputs.resize(4, 5);
    batch.targets.resize(3, 5);
    fill(batch.inputs, 0.3);
    fill(batch.targets, 1.1);
    fill(W1, 0.7);
    fill(W2, 2.3);
    for (Eigen::Index k = 0; k < b1.size(); ++k) b1(k) = 0.1 * static_cast<double>(k) - 0.3;
    for (Eigen::Index k = 0; k < b2.size(); ++k) b2(k) = 0.2 - 0.15 * static_cast<double>(k);
  }
};

}  // namespace mlp
