// runner/case.hpp: what a check case is. Each derivation of the notes is one
// CheckCase (defined in checks/); the same definition feeds the CLI, the
// Boost.Test suite and CTest.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <string>
#include <vector>

#include "gradcheck/random.hpp"
#include "runner/settings.hpp"

namespace gradcheck::runner {

/// A named block of a packed vector, stored column-major: {"U", V, d} names
/// coordinates U[0,0], U[1,0], ...; a column vector {"v_c", d, 1} names v_c[i].
struct Block {
  std::string name;
  Eigen::Index rows = 0;
  Eigen::Index cols = 1;
};

/// "v_c[2]", "U[3,1]" for flat coordinate k of a vector laid out as `layout`.
std::string entry_name(const std::vector<Block>& layout, Eigen::Index k);
/// The inverse of entry_name: the flat coordinates of `names` in `layout`.
/// Throws gradcheck::Error naming an entry whose block the layout does not
/// have, whose index form does not fit the block's shape, or which lies outside it.
std::vector<Eigen::Index> resolve_entries(const std::vector<Block>& layout, const EntryNames& names);
/// Total number of coordinates of a layout.
Eigen::Index layout_size(const std::vector<Block>& layout);

/// A claimed derivative, one matrix per block of the layout, each of the
/// block's shape: for a gradient, ∂J/∂U is V × d when U is V × d.
using Claim = std::function<std::vector<Eigen::MatrixXd>(const Eigen::VectorXd& x)>;

/// A negative control's name, as the reports list it.
struct ControlName {
  std::string id;           ///< e.g. "sign_flipped"
  std::string description;  ///< e.g. "Uᵀ(y − ŷ): sign flipped"
};

/// A negative control: a known-wrong formula at the trial's point, which the
/// check must reject. Declared once, where the point is drawn.
struct Control {
  std::string id;
  std::string description;
  Claim claim;
};

enum class ProblemKind {
  gradient,     ///< f(x) returns the scalar loss (size 1); claims are its gradient by block
  elementwise,  ///< f applies a scalar function to each entry; a claim is f′(x), one block
  value,        ///< f(x) returns reference values; a claim returns the claimed values
};

/// One trial: the random point and the functions to judge there.
struct Problem {
  ProblemKind kind = ProblemKind::gradient;
  /// Human-readable description of the drawn point ("V=7 d=3 o=2").
  std::string point;
  /// Layout of x (gradient, elementwise) or of f's values (value).
  std::vector<Block> layout;
  Eigen::VectorXd x;
  std::function<Eigen::VectorXd(const Eigen::VectorXd& x)> f;
  /// The derivation's closed form.
  Claim claim;
  /// The negative controls; every point of a case has the same ids, in the
  /// same order.
  std::vector<Control> controls;
  /// Optional second opinion: the exact derivative of f at x by forward-mode
  /// automatic differentiation of a scalar-templated f, packed like a claim
  /// (gradient: n × 1; elementwise: the n diagonal entries as n × 1). Empty
  /// for cases whose f is not templated.
  std::function<Eigen::VectorXd(const Eigen::VectorXd& x)> exact;
  /// f and the claims compute in single precision: the check runs on the
  /// library's float path (x rounded to float, steps exact in float, noise
  /// following ε = 2^-23), as check_gradient(Eigen::VectorXf) does.
  bool single_precision = false;
};

/// Which end of a case's size ranges (CheckCase::bound_layout).
enum class Bound { smallest, largest };

struct CheckCase {
  std::string id;           ///< ctest / CLI name, e.g. "naive_softmax_grad_center"
  std::string notes;        ///< section of the notes, e.g. "(b)"
  std::string description;  ///< one line for `gradcheck list`
  std::string formula;      ///< the closed form being checked
  std::string convention;   ///< shapes and layout the formula uses
  /// The ids and descriptions of the controls `sample` attaches to a point,
  /// in its order (filled by name_controls, or from a formula file).
  std::vector<ControlName> controls{};
  /// Draws trial `trial`'s point from `rng` within `settings`' size ranges.
  std::function<Problem(Rng& rng, const CaseSettings& settings, int trial)> sample;
  /// The layout of the smallest or the largest point `sample` draws within
  /// `settings` (named entries are checked against the smallest before any
  /// work; an auto mode's plan is printed for both). Unset: the layout of a
  /// point drawn with every size range of `settings` at that end.
  std::function<std::vector<Block>(const CaseSettings& settings, Bound bound)> bound_layout{};
  /// A formula file (src/formula/): it draws its own sizes and values, so the
  /// settings of built-in cases (applies_to.word2vec_cases only) do not apply
  /// to it, and its reports carry its own convention, not the word2vec notes'.
  bool formula_file = false;
  /// How the formula's loss and claims were evaluated: "double" or "float"
  /// (whose check options default to CheckOptions::single_precision()).
  std::string precision = "double";
  /// Every trial draws the same point (a formula file checked at a point
  /// that gives every parameter): one trial unless more are asked for.
  bool one_point = false;
};

/// Fills `c.controls` from a point drawn at the default settings, so that a
/// case declares each control once, with its claim, in `sample`.
CheckCase name_controls(CheckCase c);

/// Whether `setting` applies to case `c` (a formula file, or a built-in case).
inline bool applies(const Setting& setting, const CheckCase& c) {
  return c.formula_file ? setting.applies_to.formula_files : setting.applies_to.word2vec_cases;
}

}  // namespace gradcheck::runner
