#include "formula/float_arithmetic.hpp"

#include <cmath>

namespace gradcheck::formula::in_float {

using Eigen::Index;
using Eigen::MatrixXd;

MatrixXd round(const MatrixXd& m) { return m.cast<float>().cast<double>(); }

MatrixXd product(const MatrixXd& a, const MatrixXd& b) {
  MatrixXd out = MatrixXd::Zero(a.rows(), b.cols());
  // Column by column of the result, each entry's partial sums in ascending k.
  for (Index j = 0; j < b.cols(); ++j) {
    for (Index k = 0; k < a.cols(); ++k) {
      const double bkj = b(k, j);
      for (Index i = 0; i < a.rows(); ++i) out(i, j) = round(out(i, j) + round(a(i, k) * bkj));
    }
  }
  return out;
}

double sum(const MatrixXd& m) {
  double total = 0.0;
  for (Index k = 0; k < m.size(); ++k) total = round(total + m.data()[k]);
  return total;
}

double dot(const MatrixXd& a, const MatrixXd& b) {
  double total = 0.0;
  for (Index k = 0; k < a.size(); ++k) total = round(total + round(a.data()[k] * b.data()[k]));
  return total;
}

double norm(const MatrixXd& m) { return round(std::sqrt(dot(m, m))); }

namespace {

// exp(m_k − shift) entry by entry.
MatrixXd shifted_exp(const MatrixXd& m, double shift) {
  return m.unaryExpr([shift](double x) { return round(std::exp(round(x - shift))); });
}

}  // namespace

double logsumexp(const MatrixXd& m) {
  const double shift = m.maxCoeff();
  // ±inf (or NaN) is already the answer; subtracting it would give inf − inf = NaN.
  if (!std::isfinite(shift)) return shift;
  return round(shift + round(std::log(sum(shifted_exp(m, shift)))));
}

MatrixXd softmax(const MatrixXd& m) {
  const MatrixXd e = shifted_exp(m, m.maxCoeff());
  const double total = sum(e);
  return e.unaryExpr([total](double x) { return round(x / total); });
}

double mod(double x, double y) { return round(x - round(y * std::floor(round(x / y)))); }

}  // namespace gradcheck::formula::in_float
