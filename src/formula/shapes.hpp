// formula/shapes.hpp: name resolution and shape checking, before any evaluation.
//
// Shapes are symbolic: a parameter declared vector[d] is d x 1 for whatever d
// a trial draws. An operation is rejected only when its operands' shapes differ
// for EVERY value the dimensions can take (adding vector[d] to matrix[V, d] with
// V >= 2); when they agree for some values (V x 1 against d x 1, with V and d
// ranges overlapping) it is accepted here and checked again at evaluation, so
// that a claim of the wrong shape reaches the engine as a wrong_shape result.
// A scalar is a shape whose sizes are both the literal 1; only scalars broadcast.
//
// The checker (checker.hpp) is in check_*.cpp; this file's functions are the
// symbolic sizes it reasons with and the texts its messages (and the
// evaluator's) show.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "formula/ast.hpp"

namespace gradcheck::formula {

/// Resolves every name of `program` and fills in each node's type, or throws a
/// FormulaError naming both shapes and the position.
void check(Program& program);

/// "V x d", "d x 1", "1 x 1".
std::string shape_text(const Program& program, const Type& type);
/// "V", "3": one size as messages write it.
std::string dim_text(const Program& program, const Dim& dim);
/// The size `dim` takes when the dimensions are `dims` (in declaration order).
long resolve(const Dim& dim, const std::vector<long>& dims);
/// 'softmax(U * v_c)': the source text of a node, quoted and shortened, for messages.
std::string quoted(const Program& program, int node);
/// The same without the quotes, for a fix written out in a message.
std::string bare(const Program& program, int node);
/// A shape known to be 1 x 1 whatever the dimensions: the only broadcast shape.
bool is_scalar(const Type& type);

/// The sizes a dimension can take (a literal: itself).
struct Interval {
  long lo;
  long hi;
};
Interval interval(const Program& program, const Dim& dim);

/// Whether some values of the dimensions make every pair of sizes equal.
bool can_agree(const Program& program, std::initializer_list<std::pair<Dim, Dim>> equal);

/// ", and no V in 2..50, d in 1..20 makes them agree" over the symbolic
/// dimensions among `dims`, or "" when they are all literals.
std::string for_every(const Program& program, std::initializer_list<Dim> dims);

}  // namespace gradcheck::formula
