// checks/sampling.hpp: small helpers the case definitions share: drawing
// sizes and indices, packing parameter blocks into the checked vector x, and
// building f and its exact derivative from one loss templated on its scalar type.
#pragma once

#include <Eigen/Core>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "gradcheck/autodiff.hpp"
#include "gradcheck/random.hpp"
#include "gradcheck/word2vec.hpp"
#include "runner/case.hpp"
#include "runner/settings.hpp"

namespace gradcheck::checks {

// The names every case definition uses.
namespace w2v = word2vec;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using runner::Block;
using runner::CaseSettings;
using runner::CheckCase;
using runner::Problem;
using runner::ProblemKind;

/// A size drawn uniformly from an inclusive range.
Eigen::Index draw(Rng& rng, const runner::Range& range);
/// Standard normal entries times settings.scale (the scale of the points).
Eigen::MatrixXd normal(Rng& rng, const runner::CaseSettings& settings, Eigen::Index rows, Eigen::Index cols = 1);
/// `count` word indices drawn uniformly from [0, vocab), repeats allowed.
std::vector<Eigen::Index> draw_indices(Rng& rng, Eigen::Index count, Eigen::Index vocab);

/// Concatenates matrices column-major, in the order of a layout.
Eigen::VectorXd pack(std::initializer_list<const Eigen::MatrixXd*> blocks);
/// Block b of x (of any scalar type) under `layout`, as a matrix of the block's shape.
template <class Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> unpack(const Eigen::MatrixBase<Derived>& x,
                                                                               const std::vector<runner::Block>& layout,
                                                                               std::size_t b) {
  Eigen::Index offset = 0;
  for (std::size_t k = 0; k < b; ++k) offset += layout[k].rows * layout[k].cols;
  return x.segment(offset, layout[b].rows * layout[b].cols).reshaped(layout[b].rows, layout[b].cols);
}

/// The scalar type of a generic lambda's vector argument (double, AutoDiff).
template <class V>
using scalar_of = typename std::remove_cvref_t<V>::Scalar;

/// A gradient problem's f and exact from ONE loss templated on its scalar
/// type (`loss(x)` for x an Eigen vector of T returns T): f is loss<double>,
/// the function the finite differences see; exact is the forward-mode
/// gradient of the same code.
template <class Loss>
void set_loss(runner::Problem& p, Loss loss) {
  p.f = [loss](const Eigen::VectorXd& x) { return Eigen::VectorXd::Constant(1, loss(x)); };
  p.exact = [loss](const Eigen::VectorXd& x) { return forward_mode_gradient(loss, x); };
}

/// The same for an elementwise problem: f is fn<double>, exact the diagonal
/// of the forward-mode Jacobian of fn (the entries' derivatives).
template <class Fn>
void set_elementwise(runner::Problem& p, Fn fn) {
  p.f = [fn](const Eigen::VectorXd& x) -> Eigen::VectorXd { return fn(x); };
  p.exact = [fn](const Eigen::VectorXd& x) -> Eigen::VectorXd { return forward_mode_jacobian(fn, x).diagonal(); };
}

/// "[1, 1, 4]".
std::string to_string(const std::vector<Eigen::Index>& indices);

}  // namespace gradcheck::checks
