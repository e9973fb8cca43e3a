// gradcheck/detail/check_impl.hpp (internal): what the templates of
// gradcheck/check.hpp call. They are instantiated in the user's translation
// unit with the user's callables, so this much must be visible there: the
// type-erased entry point into the engine (check_impl, compiled in the
// library) and the float adapters that call f, which must see f's type.
// Nothing here is API; names and signatures change without notice.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <type_traits>
#include <utility>

#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {

namespace detail {
// f writes its m outputs into `out` (resized by the callee as needed).
using VectorFunction = std::function<void(const Eigen::VectorXd& x, Eigen::VectorXd& out)>;
// The claimed Jacobian at x; for a gradient, an n × 1 column.
// Its entries column-major, with the shape in rows × cols: a gradient's own
// vector is handed over without a copy (it may be n = 30 million long).
using MatrixFunction = std::function<Eigen::VectorXd(const Eigen::VectorXd& x, Eigen::Index& rows, Eigen::Index& cols)>;

enum class ClaimKind { gradient, jacobian, value };
/// The precision f computes in: steps are made exact and noise is measured in it.
enum class Precision { double_precision, single_precision };

CheckResult check_impl(const VectorFunction& f, const MatrixFunction& claim, const Eigen::VectorXd& x,
                       const CheckOptions& options, ClaimKind kind, Precision precision);

/// Throws gradcheck::Error unless a check of n coordinates has something to
/// compare (n ≥ 1): an empty x is misuse, refused before f is called.
void require_coordinates(Eigen::Index n);

/// The calling thread's float copy of the point for a single-precision f,
/// reused from one evaluation to the next (no allocation per evaluation);
/// taken out while f runs. A worker thread's is freed when the thread ends,
/// the caller's when the check returns.
Eigen::VectorXf& float_point();

/// Evaluates f, a function of Eigen::VectorXf, at p rounded to float (exact:
/// the check's points are floats) into `out`, widened to double: one entry
/// for a scalar f (a loss), else f's vector. The point is the thread's
/// float_point(), out of its slot while f runs (moves swap pointers), so that
/// a check nested in f fills a buffer of its own; put back even if f throws.
template <class F>
void evaluate_in_float(F& f, const Eigen::VectorXd& p, Eigen::VectorXd& out) {
  struct Lease {
    Eigen::VectorXf point = std::move(float_point());
    Lease() = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { float_point() = std::move(point); }
  } lease;
  lease.point = p.cast<float>();
  // Stores f's value while the full expression that made it (and any
  // expression of the point it returns) is alive.
  const auto store = [&out](auto&& y) {
    if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(y)>>) {
      out.resize(1);
      out(0) = static_cast<double>(y);
    } else {
      out = y.template cast<double>();
    }
  };
  if constexpr (std::is_invocable_v<F&, const Eigen::VectorXf&>) {
    store(f(std::as_const(lease.point)));
  } else {  // f takes Eigen::VectorXf&&: a copy of its own
    store(f(Eigen::VectorXf(lease.point)));
  }
}

/// The check of a claim about f computing in float, at the float point x (the
/// single-precision forms of check_gradient and check_jacobian): the claim is
/// evaluated once, at x, in float, and widened to double.
template <class F, class C>
CheckResult check_in_float(F& f, C& claim, const Eigen::VectorXf& x, const CheckOptions& options, ClaimKind kind) {
  CheckResult r = check_impl([&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) { evaluate_in_float(f, p, out); },
                             [&claim, &x](const Eigen::VectorXd&, Eigen::Index& rows, Eigen::Index& cols) {
                               const Eigen::MatrixXf c = claim(x);
                               rows = c.rows();
                               cols = c.cols();
                               return Eigen::VectorXd(c.reshaped().template cast<double>());
                             },
                             x.cast<double>(), options, kind, Precision::single_precision);
  float_point() = Eigen::VectorXf();
  return r;
}

/// run(x as Eigen::VectorXd): x itself when it is one, else a converted copy.
template <class Derived, class Run>
CheckResult with_double_point(const Eigen::MatrixBase<Derived>& x, Run&& run) {
  if constexpr (std::is_same_v<Derived, Eigen::VectorXd>) {
    return run(x.derived());
  } else {
    return run(Eigen::VectorXd(x));
  }
}

/// f of double as check_impl calls it: a scalar f's value (a gradient's
/// claim) or a vector f's values into `out`.
template <ClaimKind kind, class F>
auto double_function(F& f) {
  if constexpr (kind == ClaimKind::gradient) {
    return [&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) {
      out.resize(1);
      out(0) = static_cast<double>(f(p));
    };
  } else {
    return [&f](const Eigen::VectorXd& p, Eigen::VectorXd& out) { out = f(p); };
  }
}

/// A claim at a double point as check_impl reads it: its entries column-major,
/// its shape in rows × cols.
template <ClaimKind kind, class C>
auto double_claim(C& claim) {
  if constexpr (kind == ClaimKind::gradient) {
    return [&claim](const Eigen::VectorXd& p, Eigen::Index& rows, Eigen::Index& cols) -> Eigen::VectorXd {
      decltype(auto) g = claim(p);
      rows = g.rows();
      cols = g.cols();
      if constexpr (std::is_same_v<std::remove_cvref_t<decltype(g)>, Eigen::VectorXd>) {
        return g;  // moved, not copied, when the claim returns by value
      } else {
        return Eigen::MatrixXd(g).reshaped();
      }
    };
  } else {
    return [&claim](const Eigen::VectorXd& p, Eigen::Index& rows, Eigen::Index& cols) -> Eigen::VectorXd {
      const Eigen::MatrixXd j = claim(p);
      rows = j.rows();
      cols = j.cols();
      return j.reshaped();
    };
  }
}

/// check_gradient and check_jacobian: in float for a float x, else in double.
template <ClaimKind kind, class F, class C, class Derived>
CheckResult check_claim(F& f, C& claim, const Eigen::MatrixBase<Derived>& x, const CheckOptions& options) {
  if constexpr (std::is_same_v<typename Derived::Scalar, float>) {
    return check_in_float(f, claim, Eigen::VectorXf(x), options, kind);
  } else {
    const auto f_out = double_function<kind>(f);
    const auto claim_out = double_claim<kind>(claim);
    return with_double_point(x, [&](const Eigen::VectorXd& xd) {
      return check_impl(f_out, claim_out, xd, options, kind, Precision::double_precision);
    });
  }
}
}  // namespace detail

}  // namespace gradcheck
