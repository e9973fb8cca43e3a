// The checker's expressions: each node's type from its operands', names
// resolved to declarations and summation variables.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "formula/checker.hpp"
#include "formula/shapes.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {

Type Checker::check_expression(int id) {
  Type t = infer(id);
  Node& n = node(id);
  n.type = t;
  int depth = 1;
  for (const int a : n.args) depth = std::max(depth, node(a).effective_depth + 1);
  if (n.op == Op::name && n.ref == Ref::let) {
    depth = node(p_.lets[static_cast<std::size_t>(n.slot)].expr).effective_depth + 1;
  }
  n.effective_depth = depth;
  if (depth > max_effective_depth) {
    fail(n.position, fmt::format("definitions nested too deeply (more than {} levels)", max_effective_depth));
  }
  return t;
}

Type Checker::infer(int id) {
  Node& n = node(id);
  if (is_elementwise(n.op)) return elementwise(id, n.args[0], n.args[1], fmt::format("'{}'", n.name));
  switch (n.op) {
    case Op::number:
      return scalar_type();
    case Op::name:
      return name(id);
    case Op::colon:
      fail(n.position, "':' selects a whole row or column: use it in U[i, :] or U[:, j]");
    case Op::neg: {
      Type t = check_expression(n.args[0]);
      require_numbers(n.args[0], t);
      t.kind = Kind::real;
      return t;
    }
    case Op::transpose:
      return transposition(id);
    case Op::mul:
      return product(id);
    case Op::call:
      return call(id);
    case Op::index:
      return indexing(id);
    case Op::sum_range:
    case Op::sum_list:
      return summation(id);
    case Op::cond:
      return conditional(id);
    default:
      break;
  }
  fail(n.position, "unknown expression");
}

Type Checker::name(int id) {
  Node& n = node(id);
  // The innermost loop variable of that name.
  const auto loop = std::find_if(loops_.rbegin(), loops_.rend(), [&n](const auto& l) { return l.name == n.name; });
  if (loop != loops_.rend()) {
    n.ref = Ref::loop;
    n.slot = loop->slot;
    return loop->type;
  }
  if (n.name == "trial") {
    n.ref = Ref::trial;
    return scalar_type(Kind::index);
  }
  const auto it = globals_.find(n.name);
  if (it == globals_.end()) {
    if (find_builtin(n.name) != nullptr) {
      fail(n.position, fmt::format("'{}' is a function: call it as {}(...)", n.name, n.name));
    }
    std::vector<std::string> names;
    for (const auto& [k, v] : globals_) names.push_back(k);
    for (const auto& l : loops_) names.push_back(l.name);
    fail(n.position, fmt::format("undefined name '{}'{}", n.name, did_you_mean(n.name, names)));
  }
  n.ref = it->second.ref;
  n.slot = it->second.slot;
  switch (n.ref) {
    case Ref::dim:
      return scalar_type(Kind::index);
    case Ref::let:
      return node(p_.lets[static_cast<std::size_t>(n.slot)].expr).type;
    case Ref::param: {
      const ParamDecl& q = p_.params[static_cast<std::size_t>(n.slot)];
      const Kind kind = q.kind == ParamKind::real    ? Kind::real
                        : q.kind == ParamKind::index ? Kind::index
                                                     : Kind::index_list;
      return Type{kind, q.rows.dim, q.cols.dim, q.kind == ParamKind::real ? Dim{-1, 0} : q.bound.dim};
    }
    default:
      break;
  }
  fail(n.position, fmt::format("'{}' cannot be used here", n.name));
}

Type Checker::transposition(int id) {
  const Node& n = node(id);
  if (n.name == "^T" && globals_.count("T") != 0U) {
    const Symbol& t = globals_.at("T");
    fail(n.position,
         fmt::format("'{}^T' is ambiguous: T is declared at {}:{}; write {}' for the transpose or "
                     "{}^(T) for the power",
                     bare(n.args[0]), t.position.line, t.position.column, bare(n.args[0]), bare(n.args[0])));
  }
  Type t = check_expression(n.args[0]);
  if (t.kind == Kind::index) t.kind = Kind::real;
  std::swap(t.rows, t.cols);
  return t;
}

// + - .* ./ % ^ and comparisons: equal shapes, or a scalar on one side.
Type Checker::elementwise(int id, int lhs, int rhs, const std::string& op) {
  const Type a = check_expression(lhs);
  const Type b = check_expression(rhs);
  require_numbers(lhs, a);
  require_numbers(rhs, b);
  Node& n = node(id);
  if (is_scalar(a) && !is_scalar(b)) {
    n.broadcast = Broadcast::left_scalar;
    return real(b.rows, b.cols);
  }
  if (is_scalar(b) && !is_scalar(a)) {
    n.broadcast = Broadcast::right_scalar;
    return real(a.rows, a.cols);
  }
  if (!can_agree(p_, {{a.rows, b.rows}, {a.cols, b.cols}})) {
    fail(n.position, fmt::format("shape mismatch in {}: {} is {} but {} is {}{}", op, quote(lhs), shape_text(p_, a),
                                 quote(rhs), shape_text(p_, b), for_every(p_, {a.rows, a.cols, b.rows, b.cols})));
  }
  return real(pick(a.rows, b.rows), pick(a.cols, b.cols));
}

Type Checker::product(int id) {
  const Node& n = node(id);
  const int lhs = n.args[0];
  const int rhs = n.args[1];
  const Type a = check_expression(lhs);
  const Type b = check_expression(rhs);
  require_numbers(lhs, a);
  require_numbers(rhs, b);
  if (is_scalar(a) || is_scalar(b)) {
    node(id).broadcast = is_scalar(a) ? Broadcast::left_scalar : Broadcast::right_scalar;
    const Type& other = is_scalar(a) ? b : a;
    return real(other.rows, other.cols);
  }
  if (!can_agree(p_, {{a.cols, b.rows}})) {
    // Two column vectors: u·v in notes is their dot product.
    const std::string dot = a.cols == Dim{-1, 1} && b.cols == Dim{-1, 1} && can_agree(p_, {{a.rows, b.rows}})
                                ? fmt::format("; for the dot product write dot({}, {}) or {}' * {}", bare(lhs),
                                              bare(rhs), bare(lhs), bare(rhs))
                                : std::string();
    fail(n.position,
         fmt::format("shape mismatch in '{}': {} is {} but {} is {}; a matrix product needs the left's columns "
                     "({}) to equal the right's rows ({}){}{}",
                     n.name, quote(lhs), shape_text(p_, a), quote(rhs), shape_text(p_, b), dim_text(p_, a.cols),
                     dim_text(p_, b.rows), for_every(p_, {a.cols, b.rows}), dot));
  }
  return real(a.rows, b.cols);
}

// How one index argument selects: the size it selects along its axis.
Dim Checker::selection(int arg, Dim whole) {
  const Node& a = node(arg);
  if (a.op == Op::colon) return whole;
  const Type t = check_expression(arg);
  if (t.kind == Kind::index_list) {
    const auto n = vector_length(t);
    if (!n)
      fail(a.position,
           fmt::format("a list used as an index must be a vector, but {} is {}", quote(arg), shape_text(p_, t)));
    return *n;
  }
  if (!is_scalar(t)) {
    fail(a.position,
         fmt::format("an index must be a scalar or a list of indices, but {} is {}", quote(arg), shape_text(p_, t)));
  }
  return Dim{-1, 1};
}

Type Checker::indexing(int id) {
  const std::vector<int> args = node(id).args;
  const Type target = check_expression(args[0]);
  if (target.kind == Kind::index)
    fail(node(id).position, fmt::format("{} is a single index and cannot be indexed", quote(args[0])));
  const Kind kind = target.kind == Kind::index_list ? Kind::index_list : Kind::real;
  Type result;
  if (args.size() == 2) {
    const Node& a = node(args[1]);
    if (a.op == Op::colon) fail(a.position, "':' selects a whole row or column: use it in U[i, :] or U[:, j]");
    if (!vector_length(target)) {
      fail(node(id).position, fmt::format("{} is {}: index a matrix with [i, j], [i, :] or [:, j]", quote(args[0]),
                                          shape_text(p_, target)));
    }
    const Type t = check_expression(args[1]);
    if (t.kind == Kind::index_list) {
      result = Type{kind, t.rows, t.cols, target.bound};  // a gather keeps the list's shape
    } else {
      if (!is_scalar(t)) {
        fail(a.position, fmt::format("an index must be a scalar or a list of indices, but {} is {}", quote(args[1]),
                                     shape_text(p_, t)));
      }
      result = Type{kind, {-1, 1}, {-1, 1}, target.bound};
    }
  } else {
    result = Type{kind, selection(args[1], target.rows), selection(args[2], target.cols), target.bound};
  }
  if (kind == Kind::index_list && is_scalar(result)) result.kind = Kind::index;
  if (kind == Kind::real) result.bound = Dim{-1, 0};
  return result;
}

Type Checker::summation(int id) {
  const std::vector<int> args = node(id).args;
  const std::string var = node(id).name;
  Type variable = scalar_type(Kind::index);
  if (node(id).op == Op::sum_range) {
    for (const int a : {args[0], args[1]}) require_scalar(a, check_expression(a), "a summation's bound");
  } else {
    const Type list = check_expression(args[0]);
    if (list.kind != Kind::index_list) {
      fail(node(args[0]).position, fmt::format("'sum {} in ...:' runs over a list of indices or a range a..b, but "
                                               "{} is {}",
                                               var, quote(args[0]), shape_text(p_, list)));
    }
    variable.bound = list.bound;
  }
  if (globals_.count(var) != 0U || var == "trial" ||
      std::any_of(loops_.begin(), loops_.end(), [&](const Loop& l) { return l.name == var; })) {
    fail(node(id).position, fmt::format("the summation variable '{}' is already a name: choose another", var));
  }
  const int slot = static_cast<int>(loops_.size());
  node(id).slot = slot;
  p_.loop_slots = std::max(p_.loop_slots, slot + 1);
  loops_.push_back({var, slot, variable});
  const Type body = check_expression(args.back());
  loops_.pop_back();
  require_numbers(args.back(), body);
  return real(body.rows, body.cols);
}

Type Checker::conditional(int id) {
  const std::vector<int> args = node(id).args;
  require_scalar(args[0], check_expression(args[0]), "the condition of 'if'");
  const Type a = check_expression(args[1]);
  const Type b = check_expression(args[2]);
  require_numbers(args[1], a);
  require_numbers(args[2], b);
  if (!can_agree(p_, {{a.rows, b.rows}, {a.cols, b.cols}})) {
    fail(node(id).position,
         fmt::format("the branches of 'if' differ in shape: {} is {} but {} is {}{}", quote(args[1]), shape_text(p_, a),
                     quote(args[2]), shape_text(p_, b), for_every(p_, {a.rows, a.cols, b.rows, b.cols})));
  }
  return real(pick(a.rows, b.rows), pick(a.cols, b.cols));
}

std::string Checker::quote(int id) const { return quoted(p_, id); }
std::string Checker::bare(int id) const { return formula::bare(p_, id); }

void Checker::require_scalar(int id, const Type& t, std::string_view what) const {
  if (t.kind == Kind::index_list || !is_scalar(t)) {
    const std::string shape = shape_text(p_, t);
    fail(node(id).position, fmt::format("{} must be a scalar, but {} is {}", what, quote(id),
                                        t.kind == Kind::index_list ? "a list of indices, " + shape : shape));
  }
}

void Checker::require_numbers(int id, const Type& t) const {
  if (t.kind == Kind::index_list) {
    fail(node(id).position, fmt::format("{} is a list of indices: use it to index (U[w, :]) or to sum over "
                                        "(sum k in w: ...), not in arithmetic",
                                        quote(id)));
  }
}

std::optional<Dim> Checker::vector_length(const Type& t) {
  if (t.rows == Dim{-1, 1}) return t.cols;
  if (t.cols == Dim{-1, 1}) return t.rows;
  return std::nullopt;
}

Dim Checker::vector_or_fail(int id, const Type& t, std::string_view what) const {
  const auto n = vector_length(t);
  if (!n)
    fail(node(id).position,
         fmt::format("{} expects a vector (n x 1 or 1 x n), but {} is {}", what, quote(id), shape_text(p_, t)));
  return *n;
}

}  // namespace gradcheck::formula
