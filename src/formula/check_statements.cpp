// The checker's statements: each declaration and claim in the file's order,
// so that a name is used only after it is declared.
#include <fmt/format.h>

#include <array>
#include <utility>

#include "formula/checker.hpp"
#include "formula/shapes.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {

void check(Program& program) { Checker(program).run(); }

void Checker::run() {
  for (const Item& item : p_.order) statement(item);
  whole_file();
}

void Checker::statement(const Item& item) {
  using Step = void (Checker::*)(int);
  static constexpr std::array<std::pair<Item::What, Step>, 7> steps = {{
      {Item::What::dim, &Checker::dimension},
      {Item::What::param, &Checker::parameter},
      {Item::What::let, &Checker::definition},
      {Item::What::assume, &Checker::assumption},
      {Item::What::function, &Checker::function},
      {Item::What::claim, &Checker::claim_statement},
      {Item::What::control, &Checker::control},
  }};
  for (const auto& [what, step] : steps) {
    if (what == item.what) return (this->*step)(item.index);
  }
}

void Checker::declare(const std::string& name, Position position, Ref ref, int slot) {
  if (const auto it = globals_.find(name); it != globals_.end()) {
    fail(position,
         fmt::format("'{}' is already declared at {}:{}", name, it->second.position.line, it->second.position.column));
  }
  globals_[name] = {ref, slot, position};
}

void Checker::dimension(int index) {
  const DimDecl& d = p_.dims[static_cast<std::size_t>(index)];
  declare(d.name, d.position, Ref::dim, index);
}

Dim Checker::dim_of(DimRef& r) {
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

std::vector<std::string> Checker::dim_names() const {
  std::vector<std::string> names;
  for (const auto& d : p_.dims) names.push_back(d.name);
  return names;
}

void Checker::parameter(int index) {
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
      static_cast<double>(interval(p_, param.rows.dim).hi) * static_cast<double>(interval(p_, param.cols.dim).hi);
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
  if (param.distribution) distribution(param);
  declare(param.name, param.position, Ref::param, index);
}

void Checker::distribution(const ParamDecl& param) {
  if (param.kind != ParamKind::real) {
    fail(param.distribution->position,
         fmt::format("{} is an index: indices are drawn uniformly, without '~'", param.name));
  }
  for (const int arg : {param.distribution->a, param.distribution->b}) {
    const Type t = check_expression(arg);
    require_scalar(arg, t, "a distribution's argument");
  }
}

void Checker::definition(int index) {
  const LetDecl& l = p_.lets[static_cast<std::size_t>(index)];
  check_expression(l.expr);
  declare(l.name, l.position, Ref::let, index);
}

void Checker::assumption(int index) {
  const AssumeDecl& a = p_.assumes[static_cast<std::size_t>(index)];
  const Type t = check_expression(a.expr);
  if (!is_scalar(t)) {
    fail(a.position, fmt::format("an assumption must be a scalar condition, but it is {}: use all(...) or any(...)",
                                 shape_text(p_, t)));
  }
}

void Checker::function(int /*index: a file has one*/) { check_expression(p_.function); }

void Checker::claim_statement(int index) { claim(p_.claims[static_cast<std::size_t>(index)]); }

void Checker::control(int index) {
  for (auto& k : p_.controls[static_cast<std::size_t>(index)].claims) claim(k, true);
}

void Checker::claim(ClaimDecl& c, bool control) {
  if (c.kind != ClaimKind::value) claim_target(c);
  const Type t = check_expression(c.expr);
  if (t.kind == Kind::index_list) fail(node(c.expr).position, "a claim must be real numbers, not a list of indices");
  // A claim that can never have its parameter's shape fails every trial:
  // one error here instead (a control may be wrong in any way).
  if (control || c.kind == ClaimKind::value) return;
  const ParamDecl& p = p_.params[static_cast<std::size_t>(c.param)];
  if (!can_agree(p_, {{t.rows, p.rows.dim}, {t.cols, p.cols.dim}})) {
    const bool transposed = can_agree(p_, {{t.rows, p.cols.dim}, {t.cols, p.rows.dim}});
    fail(node(c.expr).position,
         fmt::format("your claim for {0} is {1}\u00d7{2}; {0} is {3}\u00d7{4}{5}{6}", p.name, dim_text(p_, t.rows),
                     dim_text(p_, t.cols), dim_text(p_, p.rows.dim), dim_text(p_, p.cols.dim),
                     transposed ? " (the transpose)" : "", for_every(p_, {t.rows, t.cols, p.rows.dim, p.cols.dim})));
  }
}

// The parameter a grad or derivative claim is about.
void Checker::claim_target(ClaimDecl& c) {
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

std::vector<std::string> Checker::param_names() const {
  std::vector<std::string> names;
  for (const auto& q : p_.params) names.push_back(q.name);
  return names;
}

}  // namespace gradcheck::formula
