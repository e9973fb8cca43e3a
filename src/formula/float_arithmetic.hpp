// formula/float_arithmetic.hpp: the many-step operations of `--float32` in
// float arithmetic (Evaluator::round_to_float).
//
// Values are doubles that hold floats. The sum, difference, product or
// quotient of two floats computed in double and rounded to float is exactly
// the float operation's result (a double has more than twice a float's
// precision), so each step below is done in double and rounded at once: every
// partial sum of a reduction or a matrix product is a float, added left to
// right (storage order, i.e. down each column; a product's terms by ascending
// inner index). A function of one value (exp, log) gives the float nearest its
// double value.
#pragma once

#include <Eigen/Core>

namespace gradcheck::formula::in_float {

/// `x` rounded to the nearest float.
inline double round(double x) { return static_cast<double>(static_cast<float>(x)); }
/// Entry by entry.
Eigen::MatrixXd round(const Eigen::MatrixXd& m);

/// The matrix product a * b (a.cols() == b.rows()).
Eigen::MatrixXd product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);
/// The sum of every entry.
double sum(const Eigen::MatrixXd& m);
/// Σ a_k b_k over the entries in storage order (a.size() == b.size()).
double dot(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);
/// The Euclidean norm of the entries, √Σ m_k².
double norm(const Eigen::MatrixXd& m);
/// max + log Σ exp(m_k − max), as word2vec::logsumexp (a non-empty m).
double logsumexp(const Eigen::MatrixXd& m);
/// exp(m_k − max) / Σ exp(m_j − max), as word2vec::softmax, in m's shape (a non-empty m).
Eigen::MatrixXd softmax(const Eigen::MatrixXd& m);
/// x − y ⌊x / y⌋, the floor modulo.
double mod(double x, double y);

}  // namespace gradcheck::formula::in_float
