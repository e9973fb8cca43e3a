// gradcheck/detail/exact.hpp (internal): how check_gradient_templated and
// check_jacobian_templated (gradcheck/autodiff.hpp) put the exact derivative
// of forward-mode AD beside a check's finite differences. Templates the user
// instantiates with their claim and their f call these, so they are in a
// header; attach_exact itself is compiled in the library (src/engine/exact.cpp).
// Nothing here needs Eigen's AutoDiff module. Nothing here is API.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <exception>
#include <string_view>

#include "gradcheck/error.hpp"
#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck::detail {

/// Adds the second opinion `exact` (laid out like r.analytic: a gradient's
/// 1 × n row, a Jacobian's m × n) to a result whose check compared entries
/// (r.numeric and r.allowance are filled; otherwise r is left as it is):
///
///   r.exact             = exact
///   r.exact_vs_numeric  = max over judged entries of |exact − numeric| / allowance
///   r.exact_vs_analytic = max over entries of |analytic − exact| / max(|analytic|, |exact|)  (0 where both are 0)
///
/// exact_vs_numeric above 1 says that the finite difference and the exact
/// derivative disagree by more than the allowance the verdict used. It is NaN
/// when the check left entries unjudged (r.inconclusive_entries > 0: a kink,
/// an unresolved estimate), since the result does not record which entries
/// those were. An exact derivative of another shape or with a non-finite entry
/// is kept as given, makes both ratios NaN and is named in r.message. The
/// verdict, `passed` and `failure` are never changed.
void attach_exact(CheckResult& r, const Eigen::MatrixXd& exact);

/// The second opinion could not be computed (`why`, e.g. f threw for the AD
/// type): r.exact stays empty, both ratios are NaN, r.message says why.
void note_exact_unavailable(CheckResult& r, std::string_view why);

/// attach_exact(r, compute()) if the check compared entries; an exception of
/// `compute` is noted by note_exact_unavailable, never propagated.
template <class Compute>
void attach_exact_from(CheckResult& r, Compute&& compute) {
  if (r.numeric.size() == 0 || r.allowance.size() == 0) return;
  try {
    attach_exact(r, compute());
  } catch (...) {
    note_exact_unavailable(r, current_exception_text());
  }
}

// attach_exact_from for the columns a check judged: every coordinate (full)
// or the drawn ones (sampled, r.inputs). A directional check (auto's choice
// above its budget) keeps no coordinate columns to compare, and the exact
// derivative of every coordinate would cost the evaluations it saves: none
// is computed there, r.exact stays empty.
template <class Compute>
void attach_exact_columns(CheckResult& r, Compute&& compute) {
  if (r.options.mode == Mode::directional) return;
  attach_exact_from(r, [&]() -> Eigen::MatrixXd {
    Eigen::MatrixXd exact = compute();
    if (r.inputs.empty()) return exact;
    Eigen::MatrixXd picked(exact.rows(), static_cast<Eigen::Index>(r.inputs.size()));
    for (std::size_t c = 0; c < r.inputs.size(); ++c) {
      if (r.inputs[c] >= exact.cols()) return exact;  // of another shape: attach_exact names it
      picked.col(static_cast<Eigen::Index>(c)) = exact.col(r.inputs[c]);
    }
    return picked;
  });
}

// A float claim (gradient or Jacobian) evaluated once, at the float point x,
// widened to double, for a check against a double reference. An exception is
// kept and rethrown inside the check, which reports it like any throwing
// claim. `applied` is `options` with rtol · max |claim| added to atol: a float
// claim's own rounding is relative to the largest terms it sums, not to each
// entry (see check_gradient_templated).
struct FloatClaim {
  Eigen::MatrixXd claimed;
  std::exception_ptr threw;
  CheckOptions applied;

  template <class C>
  FloatClaim(C& claim, const Eigen::VectorXf& x, const CheckOptions& options) : applied(options) {
    try {
      claimed = Eigen::MatrixXf(claim(x)).cast<double>();
    } catch (...) {
      threw = std::current_exception();
    }
    if (!threw && claimed.size() > 0 && claimed.allFinite())
      applied.atol += applied.rtol * claimed.cwiseAbs().maxCoeff();
  }
  Eigen::MatrixXd operator()() const {
    if (threw) std::rethrow_exception(threw);
    return claimed;
  }
};

}  // namespace gradcheck::detail
