// The checks only the whole file can make: one kind of claim, the function
// those claims need, each parameter claimed once, and controls that match.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "formula/checker.hpp"
#include "formula/shapes.hpp"
#include "formula/suggest.hpp"

namespace gradcheck::formula {
namespace {

const char* claim_word(ClaimKind k) {
  return k == ClaimKind::grad ? "grad" : k == ClaimKind::derivative ? "derivative" : "value";
}

}  // namespace

void Checker::whole_file() {
  if (p_.order.empty()) {
    fail({1, 1},
         "empty formula file: expected dimensions, parameters, a loss (or an elementwise function) and "
         "at least one claim");
  }
  const ClaimKind kind = claim_kind();
  p_.claim_kind = kind;
  function_fits(kind);
  const std::vector<int> claimed = claimed_once(kind);
  if (kind == ClaimKind::derivative) derivative_fits(claimed.front());
  controls_fit(kind, claimed);
}

// The one kind of claim the file makes.
ClaimKind Checker::claim_kind() const {
  if (p_.claims.empty()) {
    fail(p_.function >= 0 ? p_.function_position : Position{1, 1},
         "no claim: expected 'grad NAME = ...', 'derivative NAME = ...' or 'value = ...'");
  }
  const ClaimKind kind = p_.claims.front().kind;
  for (const auto& c : p_.claims) {
    if (c.kind != kind) {
      fail(c.position,
           fmt::format("cannot mix '{}' and '{}' claims in one file", claim_word(kind), claim_word(c.kind)));
    }
  }
  return kind;
}

// grad and value claims need a scalar loss; derivative claims an elementwise function.
void Checker::function_fits(ClaimKind kind) const {
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
  const Type& type = node(p_.function).type;
  if (kind == ClaimKind::grad && !is_scalar(type)) {
    fail(p_.function_position, fmt::format("the loss must be a scalar (1 x 1), but it is {}: reduce it, e.g. with "
                                           "sum(...)",
                                           shape_text(p_, type)));
  }
}

// " ('Loss' at 5:1 defines a name; did you mean 'loss = ...'?)" when a definition's name is close to `word`.
std::string Checker::misspelt_function(std::string_view word) const {
  std::vector<std::string> names;
  for (const auto& l : p_.lets) names.push_back(l.name);
  const auto meant = closest(word, names);
  if (!meant) return {};
  const auto& l = *std::find_if(p_.lets.begin(), p_.lets.end(), [&](const LetDecl& d) { return d.name == *meant; });
  return fmt::format(" ('{}' at {}:{} defines a name; did you mean '{} = ...'?)", l.name, l.position.line,
                     l.position.column, word);
}

// The parameters claimed, each once (a derivative or value file makes one claim).
std::vector<int> Checker::claimed_once(ClaimKind kind) const {
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
  return claimed;
}

// The elementwise function has its parameter's shape, and a Jacobian of a size we may check.
void Checker::derivative_fits(int param) const {
  const Type& type = node(p_.function).type;
  const ParamDecl& x = p_.params[static_cast<std::size_t>(param)];
  if (!can_agree(p_, {{type.rows, x.rows.dim}, {type.cols, x.cols.dim}})) {
    fail(p_.function_position, fmt::format("the elementwise function is {} but {} is {}{}", shape_text(p_, type),
                                           x.name, shape_text(p_, real(x.rows.dim, x.cols.dim)),
                                           for_every(p_, {type.rows, type.cols, x.rows.dim, x.cols.dim})));
  }
  const double entries =
      static_cast<double>(interval(p_, x.rows.dim).hi) * static_cast<double>(interval(p_, x.cols.dim).hi);
  if (entries * entries > static_cast<double>(max_jacobian_entries)) {
    fail(x.position, fmt::format("{}: {} can have up to {:.0f} entries, so the elementwise function's Jacobian "
                                 "up to {:.0f}; the limit is {} (x at most 1000 entries)",
                                 x.name, x.type_text, entries, entries * entries, max_jacobian_entries));
  }
}

// Each control is named once and makes claims of the file's kind about what the file claims.
void Checker::controls_fit(ClaimKind kind, const std::vector<int>& claimed) const {
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

}  // namespace gradcheck::formula
