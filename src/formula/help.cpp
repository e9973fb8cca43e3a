#include "formula/help.hpp"

namespace gradcheck::formula {

const std::string& syntax_summary() {
  static const std::string text =
      R"(Usage: gradcheck formula FILE.gcf ... [--seed N] [--trials N] [--report_dir DIR] ...
  (the options are those of 'gradcheck run': see 'gradcheck --help')

Formula file syntax
  One statement per line; '\' at the end of a line continues it; '#' starts a comment.
  Names are declared before use; they may be Greek or accented (σ, τ, ŷ). Indices are 0-based.

Statements
  V in 2..50                        a dimension, drawn in every trial (or 'V in 7')
  x: scalar | vector[d] | matrix[V, d]   a real parameter, standard normal
     ... ~ normal(0, 0.1)  (or N(0, 0.1)),  ... ~ uniform(-8, 8)  (or U(-8, 8))
  o: index[V]                       an index in 0..V-1
  w: indices[K] of V [distinct] [excluding o]   a list of indices
  name = expr                       a constant or a definition
  assume expr                       a condition on the drawn point (redrawn until it holds)
  loss = expr                       the scalar loss (or 'elementwise = expr')
  grad P = expr                     claim: the gradient with respect to parameter P
  derivative x = expr               claim: the elementwise function's derivative
  value = expr                      claim: equal to the loss
  control ID ["why"]: claim [; claim]   a known-wrong claim that must be rejected
  notes "...", description "...", formula "...", convention "..."   optional header

Operators, one precedence level a line, lowest first (other spellings accepted in brackets)
  < <= > >= == !=                   elementwise comparisons, giving 0/1 masks
  + -   [− for -]                   elementwise
  * .* ./ / %   [@ · ⋅ × for *; ⊙ ∘ for .*]
                                    * is the matrix product (scaling when a side is a scalar);
                                    .* ./ / % are elementwise (% is floor modulo)
  -x                                negation
  ^ .^  [** for ^]                  elementwise power: U^2 squares each entry
  x'  u[i]  U[i, j]  U[i, :]  U[:, j]  U[w, :]   [xᵀ x⊤ x^T x.T for x']
                                    transpose, entries, rows, columns, gathered rows
  sum k in w: expr   sum j in 0..K-1: expr   if c then a else b   trial
  A transposed operand followed by '(' multiplies it: Uᵀ(ŷ − y) is U' * (ŷ − y).
  Other operands side by side (U v_c) are refused: write U * v_c.

Functions
  exp log sigmoid (also σ) tanh abs sqrt relu    entry by entry
  softmax(v) logsumexp(x)   sum norm any all max min (to a scalar)   max(a, b) min(a, b)
  dot(a, b) outer(a, b) transpose(A) onehot(o, V) zeros(V, d) ones(n)

Example
  V in 2..50
  d in 1..20
  v_c: vector[d]
  U: matrix[V, d]
  o: index[V]
  ŷ = softmax(U @ v_c)
  y = onehot(o, V)
  loss = −log(y.T @ ŷ)
  grad v_c = Uᵀ(ŷ − y)
  control sign_flipped: grad v_c = Uᵀ(y − ŷ)

Reference: docs/formula-language.md (the language), docs/notation.md (the spellings accepted
and refused). Exit codes: 0 passed, 1 a check failed, 2 the file is malformed.
)";
  return text;
}

}  // namespace gradcheck::formula
