// formula/evaluate.hpp: evaluating a checked formula at one trial's point, on Eigen.
//
// Every value is an Eigen::MatrixXd (a scalar is 1 x 1; indices are whole
// numbers stored as doubles). Shapes are checked again here with the actual
// sizes, and a mismatch, an index out of range or a runaway loop throws a
// FormulaError at the node's position: inside a claim the runner reports it as
// that claim's failure, never a crash.
#pragma once

#include <Eigen/Core>
#include <optional>
#include <vector>

#include "formula/ast.hpp"

namespace gradcheck::formula {

/// One trial's point: the dimensions and every parameter, in declaration order.
struct Point {
  std::vector<long> dims;
  std::vector<Eigen::MatrixXd> params;
  int trial = 0;
};

/// Evaluation steps (nodes visited) allowed for one expression; a file cannot hang the run.
inline constexpr long default_max_steps = 100'000'000;
/// Entries allowed in one intermediate result.
inline constexpr long max_result_entries = 100'000'000;

class Evaluator {
 public:
  Evaluator(const Program& program, const Point& point, long max_steps = default_max_steps);

  /// Evaluates parameter `param` as `value` instead of the point's (the checked x).
  /// `value` must outlive the evaluator.
  void override_param(int param, const Eigen::MatrixXd& value);

  /// Float arithmetic (gradcheck formula --float32): every node's value is
  /// rounded to float as it is computed (parameters and numbers included), and
  /// what takes many steps (a matrix product, sum, dot, norm, logsumexp,
  /// softmax, a summation, %) rounds each step: each partial sum is a float,
  /// added left to right (float_arithmetic.hpp).
  void round_to_float() { single_ = true; }

  /// The value of node `node`. Throws FormulaError.
  Eigen::MatrixXd evaluate(int node);

 private:
  Eigen::MatrixXd eval(int id);
  Eigen::MatrixXd eval_op(int id);
  // The stored matrix a name refers to (a parameter or a definition), or null.
  const Eigen::MatrixXd* stored(const Node& n);
  Eigen::MatrixXd name(const Node& n);
  Eigen::MatrixXd product(const Node& n);
  Eigen::MatrixXd binary(const Node& n, int lhs, int rhs);
  Eigen::MatrixXd call(const Node& n);
  Eigen::MatrixXd entry_sum(const Node& n);
  Eigen::MatrixXd index(const Node& n);
  Eigen::MatrixXd summation(const Node& n);
  [[noreturn]] void fail(const Node& n, const std::string& message) const;

  const Program& program_;
  const Point& point_;
  long max_steps_;
  long steps_ = 0;
  std::vector<const Eigen::MatrixXd*> overrides_;
  std::vector<std::optional<Eigen::MatrixXd>> lets_;
  std::vector<double> loops_;
  bool single_ = false;
};

}  // namespace gradcheck::formula
