// formula/shapes.hpp: name resolution and shape checking, before any evaluation.
//
// Shapes are symbolic: a parameter declared vector[d] is d x 1 for whatever d
// a trial draws. An operation is rejected only when its operands' shapes differ
// for EVERY value the dimensions can take (adding vector[d] to matrix[V, d] with
// V >= 2); when they agree for some values (V x 1 against d x 1, with V and d
// ranges overlapping) it is accepted here and checked again at evaluation, so
// that a claim of the wrong shape reaches the engine as a wrong_shape result.
// A scalar is a shape whose sizes are both the literal 1; only scalars broadcast.
#pragma once

#include <string>
#include <vector>

#include "formula/ast.hpp"

namespace gradcheck::formula {

/// Resolves every name of `program` and fills in each node's type, or throws a
/// FormulaError naming both shapes and the position.
void check(Program& program);

/// "V x d", "d x 1", "1 x 1".
std::string shape_text(const Program& program, const Type& type);
/// The size `dim` takes when the dimensions are `dims` (in declaration order).
long resolve(const Dim& dim, const std::vector<long>& dims);
/// 'softmax(U * v_c)': the source text of a node, quoted and shortened, for messages.
std::string quoted(const Program& program, int node);
/// A shape known to be 1 x 1 whatever the dimensions: the only broadcast shape.
bool is_scalar(const Type& type);

}  // namespace gradcheck::formula
