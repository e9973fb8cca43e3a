// formula/builtins.hpp: the functions a formula may call. One table gives each
// its name, how many arguments it takes and how its result's shape follows
// from theirs; the parser reserves the names, the shape checker applies the
// rules, the evaluator computes by Builtin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gradcheck::formula {

enum class Builtin {
  none,
  exp,
  log,
  sigmoid,
  tanh,
  abs,
  sqrt,
  softmax,
  logsumexp,
  sum,
  max,
  min,
  any,
  all,
  norm,
  dot,
  outer,
  onehot,
  zeros,
  ones,
  transpose,
  relu,  // max(x, 0) entry by entry
};

/// How a call's shape follows from its arguments'.
enum class ShapeRule {
  same,        // exp(x): x's shape
  softmax,     // softmax(v): v's shape, v a vector
  transposed,  // transpose(x): x's columns by its rows
  scalar,      // sum(x), norm(x), ...: 1 x 1
  extremum,    // max(x): 1 x 1; max(a, b): entry by entry, as a + b
  dot,         // dot(u, v): 1 x 1, u and v vectors that can be of one length
  outer,       // outer(u, v): length of u x length of v
  onehot,      // onehot(i, n): n x 1, i a scalar, n a size
  filled,      // zeros(m), ones(m, n): m x 1, m x n, m and n sizes
};

struct BuiltinInfo {
  std::string_view name;
  Builtin builtin = Builtin::none;
  int min_args = 1;
  int max_args = 1;
  ShapeRule shape = ShapeRule::same;
};

/// The function called `name`, or null.
const BuiltinInfo* find_builtin(std::string_view name);

/// Every function's name, in the table's order (for did-you-mean).
std::vector<std::string> builtin_names();

/// σ(...) is the sigmoid, as machine-learning notes write it, unless the file
/// declares σ as a name (a standard deviation, say): then it is ambiguous.
inline constexpr std::string_view sigmoid_alias = "σ";

}  // namespace gradcheck::formula
