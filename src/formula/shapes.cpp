#include "formula/shapes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "formula/parser.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {
namespace {

struct BuiltinInfo {
  std::string_view name;
  Builtin builtin;
  int min_args;
  int max_args;
};

constexpr BuiltinInfo builtins[] = {
    {"exp", Builtin::exp, 1, 1},         {"log", Builtin::log, 1, 1},
    {"sigmoid", Builtin::sigmoid, 1, 1}, {"tanh", Builtin::tanh, 1, 1},
    {"abs", Builtin::abs, 1, 1},         {"sqrt", Builtin::sqrt, 1, 1},
    {"softmax", Builtin::softmax, 1, 1}, {"logsumexp", Builtin::logsumexp, 1, 1},
    {"sum", Builtin::sum, 1, 1},         {"max", Builtin::max, 1, 2},
    {"min", Builtin::min, 1, 2},         {"any", Builtin::any, 1, 1},
    {"all", Builtin::all, 1, 1},         {"norm", Builtin::norm, 1, 1},
    {"dot", Builtin::dot, 2, 2},         {"outer", Builtin::outer, 2, 2},
    {"onehot", Builtin::onehot, 2, 2},   {"zeros", Builtin::zeros, 1, 2},
    {"ones", Builtin::ones, 1, 2},       {"transpose", Builtin::transpose, 1, 1},
    {"relu", Builtin::relu, 1, 1},
};

// σ(...) is the sigmoid, as machine-learning notes write it, unless the file
// declares σ as a name (a standard deviation, say): then it is refused as ambiguous.
constexpr std::string_view sigma = "σ";

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const auto& b : builtins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

struct Interval {
  long lo;
  long hi;
};

class Checker {
 public:
  explicit Checker(Program& program) : p_(program), source_(*program.source) {}

  void run() {
    for (const Item& item : p_.order) {
      switch (item.what) {
        case Item::What::dim:
          dimension(item.index);
          break;
        case Item::What::param:
          parameter(item.index);
          break;
        case Item::What::let:
          definition(item.index);
          break;
        case Item::What::assume:
          assumption(item.index);
          break;
        case Item::What::function:
          check_expression(p_.function);
          break;
        case Item::What::claim:
          claim(p_.claims[static_cast<std::size_t>(item.index)]);
          break;
        case Item::What::control:
          control(p_.controls[static_cast<std::size_t>(item.index)]);
          break;
      }
    }
    whole_file();
  }

 private:
  struct Symbol {
    Ref ref = Ref::none;
    int slot = -1;
    Position position;
  };

  [[noreturn]] void fail(Position p, const std::string& message) const { source_.fail(p, message); }
  const Node& node(int id) const { return p_.node(id); }
  Node& node(int id) { return p_.node(id); }

  // ---- declarations ----
  void declare(const std::string& name, Position position, Ref ref, int slot) {
    if (const auto it = globals_.find(name); it != globals_.end()) {
      fail(position, fmt::format("'{}' is already declared at {}:{}", name, it->second.position.line,
                                 it->second.position.column));
    }
    globals_[name] = {ref, slot, position};
  }

  void dimension(int index) {
    const DimDecl& d = p_.dims[static_cast<std::size_t>(index)];
    declare(d.name, d.position, Ref::dim, index);
  }

  Dim dim_of(DimRef& r) {
    if (r.name.empty()) {
      r.dim = Dim{-1, r.value};
      return r.dim;
    }
    const auto it = globals_.find(r.name);
    if (it == globals_.end()) {
      fail(r.position, fmt::format("undefined dimension '{}'{}", r.name, did_you_mean(r.name, dim_names())));
    }
    if (it->second.ref != Ref::dim) {
      fail(r.position, fmt::format("'{}' is not a dimension: a size must be a dimension (declared as '{} in LO..HI') "
                                   "or a whole number",
                                   r.name, r.name));
    }
    r.dim = Dim{it->second.slot, 0};
    return r.dim;
  }

  Interval interval(const Dim& d) const {
    if (d.symbol < 0) return {d.value, d.value};
    const DimDecl& decl = p_.dims[static_cast<std::size_t>(d.symbol)];
    return {decl.lo, decl.hi};
  }

  std::vector<std::string> dim_names() const {
    std::vector<std::string> names;
    for (const auto& d : p_.dims) names.push_back(d.name);
    return names;
  }

  void parameter(int index) {
    ParamDecl& param = p_.params[static_cast<std::size_t>(index)];
    if (param.kind == ParamKind::index) {
      param.rows.dim = param.cols.dim = Dim{-1, 1};
    } else {
      dim_of(param.rows);
      dim_of(param.cols);
    }
    if (param.kind != ParamKind::real) dim_of(param.bound);
    // At its largest, may the parameter be allocated? (A file must not ask for gigabytes.)
    const double largest =
        static_cast<double>(interval(param.rows.dim).hi) * static_cast<double>(interval(param.cols.dim).hi);
    if (largest > static_cast<double>(max_entries)) {
      fail(param.position, fmt::format("{}: {} can have up to {:.0f} entries; the limit is {}", param.name,
                                       param.type_text, largest, max_entries));
    }
    if (!param.excluding.empty()) {
      const auto it = globals_.find(param.excluding);
      if (it == globals_.end() || it->second.ref != Ref::param ||
          p_.params[static_cast<std::size_t>(it->second.slot)].kind != ParamKind::index) {
        fail(param.excluding_position,
             fmt::format("'excluding {}' needs an index parameter declared before {}", param.excluding, param.name));
      }
      param.excluding_param = it->second.slot;
    }
    if (param.distribution) {
      if (param.kind != ParamKind::real) {
        fail(param.distribution->position,
             fmt::format("{} is an index: indices are drawn uniformly, without '~'", param.name));
      }
      for (const int arg : {param.distribution->a, param.distribution->b}) {
        const Type t = check_expression(arg);
        require_scalar(arg, t, "a distribution's argument");
      }
    }
    declare(param.name, param.position, Ref::param, index);
  }

  void definition(int index) {
    const LetDecl& l = p_.lets[static_cast<std::size_t>(index)];
    check_expression(l.expr);
    declare(l.name, l.position, Ref::let, index);
  }

  void assumption(int index) {
    const AssumeDecl& a = p_.assumes[static_cast<std::size_t>(index)];
    const Type t = check_expression(a.expr);
    if (!is_scalar(t)) {
      fail(a.position, fmt::format("an assumption must be a scalar condition, but it is {}: use all(...) or any(...)",
                                   shape_text(p_, t)));
    }
  }

  void claim(ClaimDecl& c) {
    if (c.kind != ClaimKind::value) {
      const auto it = globals_.find(c.target);
      if (it == globals_.end()) {
        fail(c.position, fmt::format("undefined parameter '{}'{}", c.target, did_you_mean(c.target, param_names())));
      }
      if (it->second.ref != Ref::param) {
        fail(c.position, fmt::format("'{}' is not a parameter: a {} claim is about a declared parameter", c.target,
                                     c.kind == ClaimKind::grad ? "grad" : "derivative"));
      }
      c.param = it->second.slot;
      if (p_.params[static_cast<std::size_t>(c.param)].kind != ParamKind::real) {
        fail(c.position, fmt::format("'{}' is an index, which has no derivative", c.target));
      }
    }
    const Type t = check_expression(c.expr);
    if (t.kind == Kind::index_list) fail(node(c.expr).position, "a claim must be real numbers, not a list of indices");
  }

  void control(ControlDecl& c) {
    for (auto& k : c.claims) claim(k);
  }

  std::vector<std::string> param_names() const {
    std::vector<std::string> names;
    for (const auto& q : p_.params) names.push_back(q.name);
    return names;
  }

  // ---- the file as a whole ----
  // " ('Loss' at 5:1 defines a name; did you mean 'loss = ...'?)" when a definition's name is close to `word`.
  std::string misspelt_function(std::string_view word) const {
    std::vector<std::string> names;
    for (const auto& l : p_.lets) names.push_back(l.name);
    const auto meant = closest(word, names);
    if (!meant) return {};
    const auto& l = *std::find_if(p_.lets.begin(), p_.lets.end(), [&](const LetDecl& d) { return d.name == *meant; });
    return fmt::format(" ('{}' at {}:{} defines a name; did you mean '{} = ...'?)", l.name, l.position.line,
                       l.position.column, word);
  }

  static const char* claim_word(ClaimKind k) {
    return k == ClaimKind::grad ? "grad" : k == ClaimKind::derivative ? "derivative" : "value";
  }

  void whole_file() {
    if (p_.order.empty()) {
      fail({1, 1},
           "empty formula file: expected dimensions, parameters, a loss (or an elementwise function) and "
           "at least one claim");
    }
    if (p_.claims.empty()) {
      fail(p_.function >= 0 ? p_.function_position : Position{1, 1},
           "no claim: expected 'grad NAME = ...', 'derivative NAME = ...' or 'value = ...'");
    }
    const ClaimKind kind = p_.claims.front().kind;
    p_.claim_kind = kind;
    for (const auto& c : p_.claims) {
      if (c.kind != kind) {
        fail(c.position,
             fmt::format("cannot mix '{}' and '{}' claims in one file", claim_word(kind), claim_word(c.kind)));
      }
    }
    const bool needs_loss = kind != ClaimKind::derivative;
    if (p_.function < 0) {
      fail(p_.claims.front().position,
           (needs_loss ? fmt::format("a '{}' claim needs a loss: add 'loss = ...'", claim_word(kind))
                       : std::string("a 'derivative' claim needs a function: add 'elementwise = ...'")) +
               misspelt_function(needs_loss ? "loss" : "elementwise"));
    }
    if (needs_loss != (p_.function_kind == FunctionKind::loss)) {
      fail(p_.function_position,
           needs_loss ? fmt::format("'{}' claims need 'loss = ...', not 'elementwise = ...'", claim_word(kind))
                      : std::string("'derivative' claims need 'elementwise = ...', not 'loss = ...'"));
    }
    const Type function_type = node(p_.function).type;
    if (kind == ClaimKind::grad && !is_scalar(function_type)) {
      fail(p_.function_position, fmt::format("the loss must be a scalar (1 x 1), but it is {}: reduce it, e.g. with "
                                             "sum(...)",
                                             shape_text(p_, function_type)));
    }
    if (kind != ClaimKind::grad && p_.claims.size() > 1) {
      fail(p_.claims[1].position, fmt::format("a file makes one '{}' claim only", claim_word(kind)));
    }
    std::vector<int> claimed;
    for (const auto& c : p_.claims) {
      if (std::find(claimed.begin(), claimed.end(), c.param) != claimed.end()) {
        fail(c.position, fmt::format("grad {} is claimed twice", c.target));
      }
      claimed.push_back(c.param);
    }
    if (kind == ClaimKind::derivative) {
      const ParamDecl& x = p_.params[static_cast<std::size_t>(claimed.front())];
      if (!can_agree({{function_type.rows, x.rows.dim}, {function_type.cols, x.cols.dim}})) {
        fail(p_.function_position,
             fmt::format("the elementwise function is {} but {} is {}{}", shape_text(p_, function_type), x.name,
                         shape_text(p_, Type{Kind::real, x.rows.dim, x.cols.dim, {-1, 0}}),
                         for_every({function_type.rows, function_type.cols, x.rows.dim, x.cols.dim})));
      }
      const double entries =
          static_cast<double>(interval(x.rows.dim).hi) * static_cast<double>(interval(x.cols.dim).hi);
      if (entries * entries > static_cast<double>(max_jacobian_entries)) {
        fail(x.position, fmt::format("{}: {} can have up to {:.0f} entries, so the elementwise function's Jacobian "
                                     "up to {:.0f}; the limit is {} (x at most 1000 entries)",
                                     x.name, x.type_text, entries, entries * entries, max_jacobian_entries));
      }
    }
    std::map<std::string, Position> ids;
    for (const auto& declared : p_.controls) {
      if (const auto it = ids.find(declared.id); it != ids.end()) {
        fail(declared.position,
             fmt::format("control '{}' is already declared at {}:{}", declared.id, it->second.line, it->second.column));
      }
      ids[declared.id] = declared.position;
      std::vector<int> seen;
      for (const auto& c : declared.claims) {
        if (c.kind != kind) {
          fail(c.position, fmt::format("control '{}' makes a '{}' claim, but the file's claims are '{}'", declared.id,
                                       claim_word(c.kind), claim_word(kind)));
        }
        if (kind == ClaimKind::grad && std::find(claimed.begin(), claimed.end(), c.param) == claimed.end()) {
          fail(c.position, fmt::format("control '{}' claims grad {}, but the file claims no grad {}", declared.id,
                                       c.target, c.target));
        }
        if (kind == ClaimKind::derivative && c.param != claimed.front()) {
          fail(c.position, fmt::format("control '{}' claims the derivative in {}, but the file's claim is in {}",
                                       declared.id, c.target, p_.claims.front().target));
        }
        if (std::find(seen.begin(), seen.end(), c.param) != seen.end()) {
          fail(c.position, fmt::format("control '{}' makes two claims about {}", declared.id,
                                       c.target.empty() ? "the value" : c.target));
        }
        seen.push_back(c.param);
      }
    }
  }

  // ---- shapes ----
  // Whether some values of the dimensions make every pair equal: union-find
  // over the dimensions named, each class allowed the intersection of its
  // members' ranges (a literal's range is itself).
  bool can_agree(std::initializer_list<std::pair<Dim, Dim>> equal) const {
    std::vector<Dim> members;
    std::vector<std::size_t> parent;
    const auto id = [&](const Dim& d) {
      const auto it = std::find(members.begin(), members.end(), d);
      if (it != members.end()) return static_cast<std::size_t>(it - members.begin());
      members.push_back(d);
      parent.push_back(parent.size());
      return parent.size() - 1;
    };
    const auto find = [&](std::size_t i) {
      while (parent[i] != i) i = parent[i] = parent[parent[i]];
      return i;
    };
    for (const auto& [a, b] : equal) parent[find(id(a))] = find(id(b));
    std::vector<Interval> allowed(members.size(), Interval{1, max_dimension});
    for (std::size_t i = 0; i < members.size(); ++i) {
      Interval& c = allowed[find(i)];
      const Interval r = interval(members[i]);
      c = {std::max(c.lo, r.lo), std::min(c.hi, r.hi)};
    }
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (find(i) == i && allowed[i].lo > allowed[i].hi) return false;
    }
    return true;
  }

  // ", and no V in 2..50, d in 1..20 makes them agree" over the symbolic dimensions among `dims`, or "".
  std::string for_every(std::initializer_list<Dim> dims) const {
    std::vector<int> symbols;
    for (const Dim& d : dims) {
      if (d.symbol >= 0 && std::find(symbols.begin(), symbols.end(), d.symbol) == symbols.end())
        symbols.push_back(d.symbol);
    }
    std::sort(symbols.begin(), symbols.end());
    std::string text;
    for (const int s : symbols) {
      const DimDecl& d = p_.dims[static_cast<std::size_t>(s)];
      text += fmt::format("{}{} in {}..{}", text.empty() ? "" : ", ", d.name, d.lo, d.hi);
    }
    return text.empty() ? text : fmt::format(", and no {} makes them agree", text);
  }

  std::string quote(int id) const { return quoted(p_, id); }
  std::string bare(int id) const {
    const std::string q = quoted(p_, id);
    return q.substr(1, q.size() - 2);
  }

  void require_scalar(int id, const Type& t, std::string_view what) const {
    if (t.kind == Kind::index_list || !is_scalar(t)) {
      fail(node(id).position, fmt::format("{} must be a scalar, but {} is {}", what, quote(id), describe_type(t)));
    }
  }

  void require_numbers(int id, const Type& t) const {
    if (t.kind == Kind::index_list) {
      fail(node(id).position, fmt::format("{} is a list of indices: use it to index (U[w, :]) or to sum over "
                                          "(sum k in w: ...), not in arithmetic",
                                          quote(id)));
    }
  }

  std::string describe_type(const Type& t) const {
    const std::string shape = shape_text(p_, t);
    return t.kind == Kind::index_list ? "a list of indices, " + shape : shape;
  }

  // A vector's length (n x 1 or 1 x n), if the type is statically a vector.
  static std::optional<Dim> vector_length(const Type& t) {
    if (t.rows == Dim{-1, 1}) return t.cols;
    if (t.cols == Dim{-1, 1}) return t.rows;
    return std::nullopt;
  }

  Dim vector_or_fail(int id, const Type& t, std::string_view what) const {
    const auto n = vector_length(t);
    if (!n)
      fail(node(id).position,
           fmt::format("{} expects a vector (n x 1 or 1 x n), but {} is {}", what, quote(id), shape_text(p_, t)));
    return *n;
  }

  // For dimensions that must agree, the one to carry on: a literal if either is.
  static Dim pick(const Dim& a, const Dim& b) { return a.symbol < 0 ? a : b.symbol < 0 ? b : a; }

  Type check_expression(int id) {
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

  Type scalar_type(Kind kind = Kind::real) const { return Type{kind, {-1, 1}, {-1, 1}, {-1, 0}}; }

  Type infer(int id) {
    Node& n = node(id);
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
      case Op::transpose: {
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
      case Op::mul:
        return product(id);
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
        return elementwise(id, n.args[0], n.args[1], fmt::format("'{}'", n.name));
      case Op::call:
        return call(id);
      case Op::index:
        return indexing(id);
      case Op::sum_range:
      case Op::sum_list:
        return summation(id);
      case Op::cond:
        return conditional(id);
    }
    fail(n.position, "unknown expression");
  }

  Type name(int id) {
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

  // + - .* ./ % ^ and comparisons: equal shapes, or a scalar on one side.
  Type elementwise(int id, int lhs, int rhs, const std::string& op) {
    const Type a = check_expression(lhs);
    const Type b = check_expression(rhs);
    require_numbers(lhs, a);
    require_numbers(rhs, b);
    Node& n = node(id);
    if (is_scalar(a) && !is_scalar(b)) {
      n.broadcast = Broadcast::left_scalar;
      return Type{Kind::real, b.rows, b.cols, {-1, 0}};
    }
    if (is_scalar(b) && !is_scalar(a)) {
      n.broadcast = Broadcast::right_scalar;
      return Type{Kind::real, a.rows, a.cols, {-1, 0}};
    }
    if (!can_agree({{a.rows, b.rows}, {a.cols, b.cols}})) {
      fail(n.position, fmt::format("shape mismatch in {}: {} is {} but {} is {}{}", op, quote(lhs), shape_text(p_, a),
                                   quote(rhs), shape_text(p_, b), for_every({a.rows, a.cols, b.rows, b.cols})));
    }
    return Type{Kind::real, pick(a.rows, b.rows), pick(a.cols, b.cols), {-1, 0}};
  }

  Type product(int id) {
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
      return Type{Kind::real, other.rows, other.cols, {-1, 0}};
    }
    if (!can_agree({{a.cols, b.rows}})) {
      // Two column vectors: u·v in notes is their dot product.
      const std::string dot = a.cols == Dim{-1, 1} && b.cols == Dim{-1, 1} && can_agree({{a.rows, b.rows}})
                                  ? fmt::format("; for the dot product write dot({}, {}) or {}' * {}", bare(lhs),
                                                bare(rhs), bare(lhs), bare(rhs))
                                  : std::string();
      fail(n.position,
           fmt::format("shape mismatch in '{}': {} is {} but {} is {}; a matrix product needs the left's columns "
                       "({}) to equal the right's rows ({}){}{}",
                       n.name, quote(lhs), shape_text(p_, a), quote(rhs), shape_text(p_, b), dim_text(a.cols),
                       dim_text(b.rows), for_every({a.cols, b.rows}), dot));
    }
    return Type{Kind::real, a.rows, b.cols, {-1, 0}};
  }

  std::string dim_text(const Dim& d) const {
    return d.symbol < 0 ? std::to_string(d.value) : p_.dims[static_cast<std::size_t>(d.symbol)].name;
  }

  // The size argument of onehot/zeros/ones: a dimension's name or a whole number.
  Dim size_argument(int id, std::string_view function) {
    Node& n = node(id);
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

  Type call(int id) {
    Node& n = node(id);
    const BuiltinInfo* info = find_builtin(n.name == sigma ? "sigmoid" : n.name);
    if (const auto it = globals_.find(n.name); it != globals_.end()) {
      const std::string what = it->second.ref == Ref::param ? "a parameter"
                               : it->second.ref == Ref::dim ? "a dimension"
                                                            : "a name";
      const std::string args = n.args.empty() ? std::string() : bare(n.args.front());
      fail(n.position, n.name == sigma ? fmt::format("'σ(...)' is ambiguous: σ is declared at {}:{}; write "
                                                     "sigmoid({}) for the function or σ * ({}) for a product",
                                                     it->second.position.line, it->second.position.column, args, args)
                                       : fmt::format("'{}' is {}, not a function: write {} * ({}) for a product",
                                                     n.name, what, n.name, args));
    }
    if (info == nullptr) {
      std::vector<std::string> names;
      for (const auto& b : builtins) names.emplace_back(b.name);
      fail(n.position, fmt::format("unknown function '{}'{}", n.name, did_you_mean(n.name, names)));
    }
    n.builtin = info->builtin;
    const int count = static_cast<int>(n.args.size());
    if (count < info->min_args || count > info->max_args) {
      const std::string expected = info->min_args == info->max_args
                                       ? fmt::format("{} argument{}", info->min_args, info->min_args == 1 ? "" : "s")
                                       : fmt::format("{} or {} arguments", info->min_args, info->max_args);
      fail(n.position, fmt::format("{} takes {}, got {}", n.name, expected, count));
    }
    const std::vector<int> args = n.args;
    switch (info->builtin) {
      case Builtin::onehot: {
        const Type i = check_expression(args[0]);
        require_scalar(args[0], i, "onehot's index");
        const Dim size = size_argument(args[1], "onehot");
        return Type{Kind::real, size, {-1, 1}, {-1, 0}};
      }
      case Builtin::zeros:
      case Builtin::ones: {
        const Dim rows = size_argument(args[0], n.name);
        const Dim cols = args.size() > 1 ? size_argument(args[1], n.name) : Dim{-1, 1};
        if (static_cast<double>(interval(rows).hi) * static_cast<double>(interval(cols).hi) >
            static_cast<double>(max_entries)) {
          fail(n.position, fmt::format("{} can have more than {} entries", quote(id), max_entries));
        }
        return Type{Kind::real, rows, cols, {-1, 0}};
      }
      case Builtin::max:
      case Builtin::min:
        if (args.size() == 2) return elementwise(id, args[0], args[1], fmt::format("{}(...)", n.name));
        break;
      default:
        break;
    }
    std::vector<Type> types;
    for (const int a : args) {
      types.push_back(check_expression(a));
      require_numbers(a, types.back());
    }
    const Type& t = types[0];
    switch (info->builtin) {
      case Builtin::exp:
      case Builtin::log:
      case Builtin::sigmoid:
      case Builtin::tanh:
      case Builtin::abs:
      case Builtin::sqrt:
      case Builtin::relu:
        return Type{Kind::real, t.rows, t.cols, {-1, 0}};
      case Builtin::softmax:
        vector_or_fail(args[0], t, "softmax");
        return Type{Kind::real, t.rows, t.cols, {-1, 0}};
      case Builtin::transpose:
        return Type{Kind::real, t.cols, t.rows, {-1, 0}};
      case Builtin::logsumexp:
      case Builtin::sum:
      case Builtin::max:
      case Builtin::min:
      case Builtin::any:
      case Builtin::all:
      case Builtin::norm:
        return scalar_type();
      case Builtin::dot: {
        const Dim a = vector_or_fail(args[0], t, "dot");
        const Dim b = vector_or_fail(args[1], types[1], "dot");
        if (!can_agree({{a, b}})) {
          fail(n.position, fmt::format("dot needs vectors of one length, but {} has {} and {} has {}{}", quote(args[0]),
                                       dim_text(a), quote(args[1]), dim_text(b), for_every({a, b})));
        }
        return scalar_type();
      }
      case Builtin::outer: {
        const Dim a = vector_or_fail(args[0], t, "outer");
        const Dim b = vector_or_fail(args[1], types[1], "outer");
        return Type{Kind::real, a, b, {-1, 0}};
      }
      default:
        break;
    }
    fail(n.position, fmt::format("cannot call {} here", n.name));
  }

  // How one index argument selects: the size it selects along its axis.
  Dim selection(int arg, Dim whole) {
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

  Type indexing(int id) {
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

  Type summation(int id) {
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
    return Type{Kind::real, body.rows, body.cols, {-1, 0}};
  }

  Type conditional(int id) {
    const std::vector<int> args = node(id).args;
    require_scalar(args[0], check_expression(args[0]), "the condition of 'if'");
    const Type a = check_expression(args[1]);
    const Type b = check_expression(args[2]);
    require_numbers(args[1], a);
    require_numbers(args[2], b);
    if (!can_agree({{a.rows, b.rows}, {a.cols, b.cols}})) {
      fail(node(id).position, fmt::format("the branches of 'if' differ in shape: {} is {} but {} is {}{}",
                                          quote(args[1]), shape_text(p_, a), quote(args[2]), shape_text(p_, b),
                                          for_every({a.rows, a.cols, b.rows, b.cols})));
    }
    return Type{Kind::real, pick(a.rows, b.rows), pick(a.cols, b.cols), {-1, 0}};
  }

  struct Loop {
    std::string name;
    int slot;
    Type type;
  };

  Program& p_;
  const Source& source_;
  std::map<std::string, Symbol> globals_;
  std::vector<Loop> loops_;
};

}  // namespace

std::string shape_text(const Program& program, const Type& type) {
  const auto text = [&](const Dim& d) {
    return d.symbol < 0 ? std::to_string(d.value) : program.dims[static_cast<std::size_t>(d.symbol)].name;
  };
  return fmt::format("{} x {}", text(type.rows), text(type.cols));
}

long resolve(const Dim& dim, const std::vector<long>& dims) {
  return dim.symbol < 0 ? dim.value : dims[static_cast<std::size_t>(dim.symbol)];
}

std::string quoted(const Program& program, int node) {
  const Node& n = program.node(node);
  const std::string& source = program.source->text();
  std::string text;
  bool space = false;
  for (std::size_t i = n.begin; i < n.end && i < source.size(); ++i) {
    const char c = source[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\') {
      space = true;
      continue;
    }
    if (space && !text.empty()) text += ' ';
    space = false;
    text += c;
  }
  if (text.size() > 40) {
    std::size_t cut = 37;  // not inside a UTF-8 sequence (a comment may follow a continuation)
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    text.resize(cut);
    text += "...";
  }
  return "'" + text + "'";
}

bool is_scalar(const Type& type) { return type.rows == Dim{-1, 1} && type.cols == Dim{-1, 1}; }

void check(Program& program) { Checker(program).run(); }

}  // namespace gradcheck::formula
