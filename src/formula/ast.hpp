// formula/ast.hpp: a parsed formula file. The parser fills in the syntax; the
// shape checker (shapes.hpp) resolves names and fills in every node's type.
//
// Nodes live in one arena (Program::nodes) and refer to their operands by
// index, so a deep expression is never destroyed recursively.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formula/builtins.hpp"
#include "formula/source.hpp"

namespace gradcheck::formula {

/// Limits that keep a hostile file from exhausting the stack or the memory.
inline constexpr int max_nesting = 200;                  ///< nesting of an expression
inline constexpr int max_effective_depth = 1000;         ///< nesting through chains of definitions
inline constexpr long max_dimension = 10'000'000;        ///< upper end of a dimension's range
inline constexpr long max_entries = 10'000'000;          ///< entries of one parameter at its largest
inline constexpr std::size_t max_file_size = 1U << 20U;  ///< bytes

/// Entries of an elementwise function's Jacobian, checked as a dense n x n
/// matrix (several per claim): the cap of the built-in cases' n x n too.
inline constexpr long max_jacobian_entries = 1'000'000;

enum class Op {
  number,     // 0.1
  name,       // v_c, V, alpha, k
  neg,        // -a
  add,        // a + b
  sub,        // a - b
  mul,        // a * b (also @ · × and Uᵀ(...)): matrix product, or scaling when a side is a scalar
  emul,       // a .* b
  ediv,       // a ./ b, a / b
  mod,        // a % b (floor modulo)
  pow,        // a ^ b, a .^ b
  lt,         // a < b (comparisons give 0/1 masks)
  le,         // a <= b
  gt,         // a > b
  ge,         // a >= b
  eq,         // a == b
  ne,         // a != b
  transpose,  // a' (also aᵀ, a^T, a.T; name holds the spelling)
  call,       // f(a, b)
  index,      // a[i], a[i, j]; an argument may be `:` (Op::colon)
  colon,      // the `:` of a[i, :]
  sum_range,  // sum k in a..b: body     args {a, b, body}
  sum_list,   // sum k in w: body        args {w, body}
  cond,       // if c then a else b      args {c, a, b}
};

/// + - .* ./ % ^ and the comparisons: entry by entry, a scalar side broadcast.
constexpr bool is_elementwise(Op op) {
  switch (op) {
    case Op::add:
    case Op::sub:
    case Op::emul:
    case Op::ediv:
    case Op::mod:
    case Op::pow:
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
    case Op::eq:
    case Op::ne:
      return true;
    default:
      return false;
  }
}

/// A size in a shape: a literal, or a declared dimension (dims[symbol]).
struct Dim {
  int symbol = -1;  ///< index into Program::dims, or -1 for a literal
  long value = 1;   ///< the literal size when symbol < 0
  friend bool operator==(const Dim&, const Dim&) = default;
};

/// What a value is: real numbers, one index, or a list (vector or matrix) of indices.
enum class Kind { real, index, index_list };

struct Type {
  Kind kind = Kind::real;
  Dim rows;
  Dim cols;
  /// For indices: they lie in [0, bound); a literal 0 means no known bound (a loop counter).
  Dim bound{-1, 0};
};

/// What a name refers to.
enum class Ref { none, dim, param, let, loop, trial };

/// Whether an elementwise or product operand is a scalar that is broadcast.
enum class Broadcast { none, left_scalar, right_scalar };

struct Node {
  Op op = Op::number;
  Position position;      // of the operator, the name, or the opening token
  std::size_t begin = 0;  // source bytes the node spans, for messages
  std::size_t end = 0;
  double number = 0.0;    // Op::number
  std::string name;       // Op::name, Op::call, the variable of a sum
  std::vector<int> args;  // operands
  int depth = 1;          // syntactic nesting

  // Filled in by the shape checker.
  Ref ref = Ref::none;
  int slot = -1;  // index into dims/params/lets, or the loop slot of a variable or a sum
  Builtin builtin = Builtin::none;
  Broadcast broadcast = Broadcast::none;
  Type type;
  int effective_depth = 1;  // depth counting the definitions it refers to
};

/// A size written in a declaration: a dimension's name or a literal.
struct DimRef {
  std::string name;  // empty for a literal
  long value = 1;
  Position position;
  Dim dim;  // resolved by the checker
};

struct DimDecl {
  std::string name;
  Position position;
  long lo = 1;
  long hi = 1;
};

enum class ParamKind { real, index, index_list };

struct Distribution {
  enum class Family { normal, uniform } family = Family::normal;
  int a = -1;  // mean / low
  int b = -1;  // standard deviation / high
  Position position;
};

struct ParamDecl {
  std::string name;
  Position position;
  ParamKind kind = ParamKind::real;
  DimRef rows;
  DimRef cols;
  DimRef bound;  // index kinds: the range [0, bound)
  bool distinct = false;
  std::string excluding;  // an index parameter the list must avoid
  Position excluding_position;
  int excluding_param = -1;  // resolved by the checker
  std::optional<Distribution> distribution;
  std::string type_text;  // "matrix[V, d]", for messages and the convention
};

struct LetDecl {
  std::string name;
  Position position;
  int expr = -1;
};

struct AssumeDecl {
  Position position;
  int expr = -1;
};

enum class ClaimKind { grad, derivative, value };

struct ClaimDecl {
  ClaimKind kind = ClaimKind::grad;
  std::string target;  // the parameter (grad, derivative); empty for value
  Position position;   // of the target (or of `value`)
  int expr = -1;
  std::string text;  // the source of the claim, whitespace-normalised
  int param = -1;    // resolved by the checker
};

struct ControlDecl {
  std::string id;
  std::string description;
  Position position;
  std::vector<ClaimDecl> claims;
};

/// The statements of a file in their order, for define-before-use.
struct Item {
  enum class What { dim, param, let, assume, function, claim, control } what = What::dim;
  int index = 0;
};

/// What the file defines: a scalar loss, or an elementwise function.
enum class FunctionKind { loss, elementwise };

struct Program {
  std::shared_ptr<const Source> source;
  std::vector<Node> nodes;

  std::string notes;
  std::string description;
  std::string formula;
  std::string convention;

  std::vector<DimDecl> dims;
  std::vector<ParamDecl> params;
  std::vector<LetDecl> lets;
  std::vector<AssumeDecl> assumes;
  int function = -1;  // the loss or elementwise expression
  FunctionKind function_kind = FunctionKind::loss;
  Position function_position;
  std::vector<ClaimDecl> claims;
  std::vector<ControlDecl> controls;
  std::vector<Item> order;

  // Filled in by the checker.
  ClaimKind claim_kind = ClaimKind::grad;
  int loop_slots = 0;  // deepest nesting of sums

  const Node& node(int id) const { return nodes[static_cast<std::size_t>(id)]; }
  Node& node(int id) { return nodes[static_cast<std::size_t>(id)]; }
};

}  // namespace gradcheck::formula
