// The checker's calls: which builtin a call names, its arity, and its result's
// shape by the builtin's ShapeRule (builtins.hpp).
#include <fmt/format.h>

#include "formula/checker.hpp"
#include "formula/shapes.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {

Type Checker::call(int id) {
  const BuiltinInfo& info = callee(id);
  Node& n = node(id);
  n.builtin = info.builtin;
  const int count = static_cast<int>(n.args.size());
  if (count < info.min_args || count > info.max_args) {
    const std::string expected = info.min_args == info.max_args
                                     ? fmt::format("{} argument{}", info.min_args, info.min_args == 1 ? "" : "s")
                                     : fmt::format("{} or {} arguments", info.min_args, info.max_args);
    fail(n.position, fmt::format("{} takes {}, got {}", n.name, expected, count));
  }
  switch (info.shape) {
    case ShapeRule::onehot:
      return onehot_call(id);
    case ShapeRule::filled:
      return filled_call(id);
    case ShapeRule::extremum:
      if (count == 2) return elementwise(id, n.args[0], n.args[1], fmt::format("{}(...)", n.name));
      break;
    default:
      break;
  }
  return with_arguments(id, info.shape);
}

// The builtin a call names; a declared name is no function, even a builtin's.
const BuiltinInfo& Checker::callee(int id) const {
  const Node& n = node(id);
  if (const auto it = globals_.find(n.name); it != globals_.end()) {
    const std::string what = it->second.ref == Ref::param ? "a parameter"
                             : it->second.ref == Ref::dim ? "a dimension"
                                                          : "a name";
    const std::string args = n.args.empty() ? std::string() : bare(n.args.front());
    fail(n.position,
         n.name == sigmoid_alias
             ? fmt::format("'σ(...)' is ambiguous: σ is declared at {}:{}; write sigmoid({}) for the "
                           "function or σ * ({}) for a product",
                           it->second.position.line, it->second.position.column, args, args)
             : fmt::format("'{}' is {}, not a function: write {} * ({}) for a product", n.name, what, n.name, args));
  }
  const BuiltinInfo* info = find_builtin(n.name == sigmoid_alias ? "sigmoid" : n.name);
  if (info == nullptr) {
    fail(n.position, fmt::format("unknown function '{}'{}", n.name, did_you_mean(n.name, builtin_names())));
  }
  return *info;
}

Type Checker::onehot_call(int id) {
  const std::vector<int> args = node(id).args;
  const Type i = check_expression(args[0]);
  require_scalar(args[0], i, "onehot's index");
  return real(size_argument(args[1], "onehot"), {-1, 1});
}

// zeros(m), ones(m, n)
Type Checker::filled_call(int id) {
  const Node& n = node(id);
  const Dim rows = size_argument(n.args[0], n.name);
  const Dim cols = n.args.size() > 1 ? size_argument(n.args[1], n.name) : Dim{-1, 1};
  if (static_cast<double>(interval(p_, rows).hi) * static_cast<double>(interval(p_, cols).hi) >
      static_cast<double>(max_entries)) {
    fail(n.position, fmt::format("{} can have more than {} entries", quote(id), max_entries));
  }
  return real(rows, cols);
}

// The size argument of onehot/zeros/ones: a dimension's name or a whole number.
Dim Checker::size_argument(int id, std::string_view function) {
  const Node& n = node(id);
  if (n.op == Op::name) {
    const auto it = globals_.find(n.name);
    if (it != globals_.end() && it->second.ref == Ref::dim) {
      check_expression(id);
      return Dim{it->second.slot, 0};
    }
  }
  if (n.op == Op::number && n.number >= 1 && n.number <= static_cast<double>(max_dimension) &&
      n.number == static_cast<double>(static_cast<long>(n.number))) {
    check_expression(id);
    return Dim{-1, static_cast<long>(n.number)};
  }
  fail(n.position, fmt::format("{}'s size must be a dimension (a name declared as 'V in LO..HI') or a whole number, "
                               "not {}",
                               function, quote(id)));
}

// The calls whose arguments are all numbers: the shape by `rule` from theirs.
Type Checker::with_arguments(int id, ShapeRule rule) {
  const Node& n = node(id);
  const std::vector<int> args = n.args;
  std::vector<Type> types;
  for (const int a : args) {
    types.push_back(check_expression(a));
    require_numbers(a, types.back());
  }
  const Type& t = types[0];
  switch (rule) {
    case ShapeRule::same:
      return real(t.rows, t.cols);
    case ShapeRule::softmax:
      vector_or_fail(args[0], t, n.name);
      return real(t.rows, t.cols);
    case ShapeRule::transposed:
      return real(t.cols, t.rows);
    case ShapeRule::scalar:
    case ShapeRule::extremum:
      return scalar_type();
    case ShapeRule::dot: {
      const Dim a = vector_or_fail(args[0], t, n.name);
      const Dim b = vector_or_fail(args[1], types[1], n.name);
      if (!can_agree(p_, {{a, b}})) {
        fail(n.position, fmt::format("dot needs vectors of one length, but {} has {} and {} has {}{}", quote(args[0]),
                                     dim_text(p_, a), quote(args[1]), dim_text(p_, b), for_every(p_, {a, b})));
      }
      return scalar_type();
    }
    case ShapeRule::outer: {
      const Dim a = vector_or_fail(args[0], t, n.name);
      const Dim b = vector_or_fail(args[1], types[1], n.name);
      return real(a, b);
    }
    case ShapeRule::onehot:
    case ShapeRule::filled:
      break;
  }
  fail(n.position, fmt::format("cannot call {} here", n.name));
}

}  // namespace gradcheck::formula
