// gradcheck/parameters.hpp: check a loss of several named parameters, in the
// user's own storage, against a gradient given one block per parameter.
//
//     gradcheck::Parameters params{{"W1", W1}, {"b1", b1}, {"W2", W2}, {"b2", b2}};
//     const auto loss = [&] { return mlp_loss(W1, b1, W2, b2); };
//     const auto grad = [&] { return gradcheck::blocks(mlp_gradient(W1, b1, W2, b2)); };
//     CheckResult r = gradcheck::check_gradient(loss, grad, params);              // all four
//     CheckResult s = gradcheck::check_gradient(loss, grad, params.only("W1"));   // W1 alone
//
// The check is check_gradient's (check.hpp: the same numerics, pass condition
// and options) on x = the parameters' entries, block after block, each
// column-major. It moves the parameters IN PLACE, as torch.autograd.gradcheck
// does: before each call of `loss` (and once before `grad`) it writes the
// point into the parameters' storage, and it puts their values back before it
// returns (also if `loss` or `grad` throws). So `loss` and `grad` take no
// arguments: they read the parameters as the user's code always does. Because
// the storage is shared, the check calls them on one thread (options.threads
// must be 1).
//
// Entries are named by block in every message and in the result (r.blocks):
// W1[7,3] (row 7, column 3), b2[3], a 1 × 1 block by its name; operator<< of
// the result gives each block's failing and inconclusive counts.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {

/// One named parameter: a view of storage the caller owns and keeps alive
/// while the check runs. Accepts any writable column-major Eigen object of
/// doubles: Eigen::MatrixXd, Eigen::VectorXd and fixed-size matrices (the
/// object is followed: assigning it a new matrix of the same shape, even by
/// moving one in, is seen), an Eigen::Map of the caller's own array (also
/// with an outer stride) or a block of a matrix (a fixed address: the storage
/// must stay where it is), and a plain double (a 1 × 1 block).
class Parameter {
 public:
  using Values = Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
  using View = Eigen::Ref<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;

  template <class Derived>
  Parameter(std::string parameter_name, Eigen::PlainObjectBase<Derived>& value)
      : name(std::move(parameter_name)), object_(&value.derived()), follow_(&follow<Derived>) {
    static_assert(std::is_same_v<typename Derived::Scalar, double>, "gradcheck::Parameter: the values must be double");
    static_assert(!Derived::IsRowMajor || Derived::ColsAtCompileTime == 1,
                  "gradcheck::Parameter: the values must be column-major (Eigen's default)");
  }
  Parameter(std::string parameter_name, View view)
      : name(std::move(parameter_name)), fixed_(view.data(), view.rows(), view.cols(), view.outerStride()) {}
  Parameter(std::string parameter_name, double& value) : name(std::move(parameter_name)), fixed_(&value, 1, 1, 1) {}

  std::string name;

  /// The parameter's values now, as a matrix of its shape (a view, not a copy).
  Values values() const { return follow_ != nullptr ? follow_(object_) : fixed_.map(); }

 private:
  template <class Derived>
  static Values follow(void* object) {
    auto& m = *static_cast<Derived*>(object);
    return {m.data(), m.rows(), m.cols(), Eigen::OuterStride<>(m.rows())};
  }
  struct Fixed {
    double* data = nullptr;
    Eigen::Index rows = 0, cols = 0, stride = 0;
    Fixed() = default;
    Fixed(double* d, Eigen::Index r, Eigen::Index c, Eigen::Index s) : data(d), rows(r), cols(c), stride(s) {}
    Values map() const { return {data, rows, cols, Eigen::OuterStride<>(stride)}; }
  };
  void* object_ = nullptr;
  Values (*follow_)(void*) = nullptr;
  Fixed fixed_;
};

/// Named parameters, in order, and which of them a check moves (all, unless
/// made by only()). A view: copying it copies no values.
class Parameters {
 public:
  /// Throws gradcheck::Error for an empty list, an empty or repeated name.
  Parameters(std::initializer_list<Parameter> parameters);
  explicit Parameters(std::vector<Parameter> parameters);

  /// The same parameters with only `names` checked, the others held fixed at
  /// their values (the gradient still gives a block for every parameter: the
  /// check reads the named ones). Throws gradcheck::Error naming a name that
  /// is not a parameter, with the ones that are.
  Parameters only(std::initializer_list<std::string_view> names) const;
  Parameters only(std::string_view name) const { return only({name}); }

  /// Every parameter, in the order given (the order of the gradient's blocks).
  const std::vector<Parameter>& all() const noexcept { return all_; }
  /// Indices into all() of the parameters a check moves, in order.
  const std::vector<std::size_t>& checked() const noexcept { return checked_; }
  /// Copies of every parameter's current values, in order (e.g. the point a
  /// generator drew, for check_redrawing: gradcheck/redraw.hpp).
  std::vector<Eigen::MatrixXd> values() const;

 private:
  std::vector<Parameter> all_;
  std::vector<std::size_t> checked_;
};

namespace detail {
/// An Eigen object as a block, a number as a 1 × 1 block.
template <class Block>
Eigen::MatrixXd as_block(const Block& b) {
  if constexpr (std::is_arithmetic_v<Block>) {
    return Eigen::MatrixXd::Constant(1, 1, static_cast<double>(b));
  } else {
    return Eigen::MatrixXd(b);
  }
}
/// Stands for any member in counting an aggregate's members (never called).
struct any_member {
  template <class T>
  operator T() const;  // NOLINT(google-explicit-constructor): converts to every member's type
};
/// The number of members of aggregate T: the most initializers T{...} takes.
template <class T, class... Members>
constexpr std::size_t aggregate_members() {
  if constexpr (requires { T{Members{}..., any_member{}}; }) {
    return aggregate_members<T, Members..., any_member>();
  } else {
    return sizeof...(Members);
  }
}
}  // namespace detail

/// The claimed gradient as one block per parameter, from any Eigen objects
/// (a vector for a vector parameter, a matrix of the parameter's shape for a
/// matrix): `return gradcheck::blocks(g.W1, g.b1, g.W2, g.b2);`.
template <class... Blocks>
std::vector<Eigen::MatrixXd> blocks(const Blocks&... b) {
  return {detail::as_block(b)...};
}

/// The same from the user's own struct of gradients, one member per parameter
/// in the order of the parameters (an aggregate of up to 12 Eigen objects or
/// numbers): `return gradcheck::blocks(mlp::gradient(batch, W1, b1, W2, b2));`.
template <class Gradients>
requires std::is_aggregate_v<Gradients> std::vector<Eigen::MatrixXd> blocks(const Gradients& gradients) {
  constexpr std::size_t n = detail::aggregate_members<Gradients>();
  static_assert(n >= 1 && n <= 12, "gradcheck::blocks: a struct of 1 to 12 gradients, one per parameter");
  if constexpr (n == 1) {
    const auto& [a] = gradients;
    return blocks(a);
  } else if constexpr (n == 2) {
    const auto& [a, b] = gradients;
    return blocks(a, b);
  } else if constexpr (n == 3) {
    const auto& [a, b, c] = gradients;
    return blocks(a, b, c);
  } else if constexpr (n == 4) {
    const auto& [a, b, c, d] = gradients;
    return blocks(a, b, c, d);
  } else if constexpr (n == 5) {
    const auto& [a, b, c, d, e] = gradients;
    return blocks(a, b, c, d, e);
  } else if constexpr (n == 6) {
    const auto& [a, b, c, d, e, f] = gradients;
    return blocks(a, b, c, d, e, f);
  } else if constexpr (n == 7) {
    const auto& [a, b, c, d, e, f, g] = gradients;
    return blocks(a, b, c, d, e, f, g);
  } else if constexpr (n == 8) {
    const auto& [a, b, c, d, e, f, g, h] = gradients;
    return blocks(a, b, c, d, e, f, g, h);
  } else if constexpr (n == 9) {
    const auto& [a, b, c, d, e, f, g, h, i] = gradients;
    return blocks(a, b, c, d, e, f, g, h, i);
  } else if constexpr (n == 10) {
    const auto& [a, b, c, d, e, f, g, h, i, j] = gradients;
    return blocks(a, b, c, d, e, f, g, h, i, j);
  } else if constexpr (n == 11) {
    const auto& [a, b, c, d, e, f, g, h, i, j, k] = gradients;
    return blocks(a, b, c, d, e, f, g, h, i, j, k);
  } else if constexpr (n == 12) {
    const auto& [a, b, c, d, e, f, g, h, i, j, k, l] = gradients;
    return blocks(a, b, c, d, e, f, g, h, i, j, k, l);
  }
}

namespace detail {
CheckResult check_parameters(const std::function<double()>& loss,
                             const std::function<std::vector<Eigen::MatrixXd>()>& grad, const Parameters& parameters,
                             const CheckOptions& options);
}  // namespace detail

/// Check `grad`, the claimed gradient of the scalar `loss`, with respect to
/// the checked parameters of `parameters`, at their current values.
///   loss()  returns the loss (anything convertible to double), reading the parameters;
///   grad()  returns std::vector<Eigen::MatrixXd> (gradcheck::blocks), one
///           block per parameter of parameters.all(), in order, each of the
///           parameter's shape (rows × cols; a vector parameter's as a column).
/// A gradient with another number of blocks or a block of another shape is
/// FAIL (Failure::wrong_shape) with a one-line message naming the block and
/// both shapes; a non-finite entry FAIL by its name. Options as check.hpp's;
/// options.blocks and options.entries (sampled mode) count coordinates of x,
/// the checked blocks one after another. Throws gradcheck::Error if
/// options.threads is not 1 (the parameters' storage is shared) or on bad
/// options.
template <class Loss, class Grad>
CheckResult check_gradient(Loss&& loss, Grad&& grad, const Parameters& parameters,
                           const CheckOptions& options = CheckOptions{}) {
  static_assert(std::is_invocable_v<Loss&>,
                "check_gradient of Parameters: loss takes no arguments (it reads the parameters' storage)");
  static_assert(std::is_invocable_v<Grad&>,
                "check_gradient of Parameters: grad takes no arguments and returns one block per parameter");
  return detail::check_parameters([&loss]() -> double { return static_cast<double>(loss()); },
                                  [&grad]() -> std::vector<Eigen::MatrixXd> { return grad(); }, parameters, options);
}

}  // namespace gradcheck
