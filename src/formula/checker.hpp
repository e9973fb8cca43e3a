// formula/checker.hpp: the shape checker behind check() (shapes.hpp), one
// class over four files by job:
//   check_statements.cpp   declarations and claims, in the file's order
//   check_file.cpp         what only the whole file can tell (claim kinds, the function, controls)
//   check_expressions.cpp  the type of each expression node
//   check_calls.cpp        calls of the builtins (builtins.hpp)
// Internal to the formula language: include shapes.hpp to check a program.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formula/ast.hpp"

namespace gradcheck::formula {

class Checker {
 public:
  explicit Checker(Program& program) : p_(program), source_(*program.source) {}

  /// Checks every statement in the file's order, then the file as a whole.
  void run();

 private:
  struct Symbol {
    Ref ref = Ref::none;
    int slot = -1;
    Position position;
  };
  struct Loop {
    std::string name;
    int slot;
    Type type;
  };

  [[noreturn]] void fail(Position p, const std::string& message) const { source_.fail(p, message); }
  const Node& node(int id) const { return p_.node(id); }
  Node& node(int id) { return p_.node(id); }

  // ---- statements (check_statements.cpp) ----
  void statement(const Item& item);
  void declare(const std::string& name, Position position, Ref ref, int slot);
  void dimension(int index);
  Dim dim_of(DimRef& r);
  void parameter(int index);
  void distribution(const ParamDecl& param);
  void definition(int index);
  void assumption(int index);
  void function(int index);
  void claim_statement(int index);
  void claim(ClaimDecl& c, bool control = false);
  void claim_target(ClaimDecl& c);
  void control(int index);
  std::vector<std::string> dim_names() const;
  std::vector<std::string> param_names() const;

  // ---- the file as a whole (check_file.cpp) ----
  void whole_file();
  ClaimKind claim_kind() const;
  void function_fits(ClaimKind kind) const;
  std::vector<int> claimed_once(ClaimKind kind) const;
  void derivative_fits(int param) const;
  void controls_fit(ClaimKind kind, const std::vector<int>& claimed) const;
  std::string misspelt_function(std::string_view word) const;

  // ---- expressions (check_expressions.cpp) ----
  Type check_expression(int id);
  Type infer(int id);
  Type name(int id);
  Type transposition(int id);
  Type elementwise(int id, int lhs, int rhs, const std::string& op);
  Type product(int id);
  Dim selection(int arg, Dim whole);
  Type indexing(int id);
  Type summation(int id);
  Type conditional(int id);
  std::string quote(int id) const;
  std::string bare(int id) const;
  void require_scalar(int id, const Type& t, std::string_view what) const;
  void require_numbers(int id, const Type& t) const;
  Dim vector_or_fail(int id, const Type& t, std::string_view what) const;
  // A vector's length (n x 1 or 1 x n), if the type is statically a vector.
  static std::optional<Dim> vector_length(const Type& t);
  // For dimensions that must agree, the one to carry on: a literal if either is.
  static Dim pick(const Dim& a, const Dim& b) { return a.symbol < 0 ? a : b.symbol < 0 ? b : a; }
  static Type scalar_type(Kind kind = Kind::real) { return Type{kind, {-1, 1}, {-1, 1}, {-1, 0}}; }
  static Type real(Dim rows, Dim cols) { return Type{Kind::real, rows, cols, {-1, 0}}; }

  // ---- calls (check_calls.cpp) ----
  Type call(int id);
  const BuiltinInfo& callee(int id) const;
  Type onehot_call(int id);
  Type filled_call(int id);
  Type with_arguments(int id, ShapeRule rule);
  Dim size_argument(int id, std::string_view function);

  Program& p_;
  const Source& source_;
  std::map<std::string, Symbol> globals_;
  std::vector<Loop> loops_;
};

}  // namespace gradcheck::formula
