// compare_values: claimed values against reference values, entrywise.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "gradcheck/check.hpp"
#include "plan.hpp"
#include "verdicts.hpp"

namespace gradcheck {

CheckResult compare_values(const Eigen::VectorXd& reference, const Eigen::VectorXd& claimed,
                           const CheckOptions& options) {
  detail::validate(options);
  CheckResult r;
  r.options = options;
  r.kind = CheckKind::values;
  if (reference.size() != claimed.size()) {
    return detail::conclude(r, Verdict::fail, Failure::wrong_shape,
                            fmt::format("claimed value has {} entries, expected {}", claimed.size(), reference.size()));
  }
  r.analytic = claimed.transpose();
  r.numeric = reference.transpose();
  r.allowance.resize(1, reference.size());
  r.estimate = Eigen::MatrixXd::Zero(1, reference.size());
  // Values are compared with the noise of their own computation, ε · max(|a|, |r|).
  const double eps = std::numeric_limits<double>::epsilon();
  for (Eigen::Index j = 0; j < reference.size(); ++j) {
    const double a = claimed(j);
    const double ref = reference(j);
    if (!std::isfinite(a) || !std::isfinite(ref)) {
      r.verdicts.clear();  // not every entry was compared
      r.failing_entries = 0;
      return detail::conclude(r, Verdict::fail, Failure::non_finite,
                              fmt::format("value [{}] is not finite: claimed {}, reference {}", j, a, ref));
    }
    const double scale = std::max(std::abs(a), std::abs(ref));
    const double err = std::abs(a - ref);
    const double allowance = options.atol + options.rtol * scale + options.noise_factor * eps * scale;
    r.allowance(0, j) = allowance;
    r.verdicts.push_back(err <= allowance ? Verdict::pass : Verdict::fail);
    r.failing_entries += err <= allowance ? 0 : 1;
    r.max_abs_error = std::max(r.max_abs_error, err);
    if (scale > 0.0) r.max_rel_error = std::max(r.max_rel_error, err / scale);
    const double ratio = detail::error_ratio(err, allowance);
    if (r.worst_input < 0 || ratio > r.worst_ratio) {
      r.worst_ratio = ratio;
      r.worst_output = 0;
      r.worst_input = j;
      r.worst_analytic = a;
      r.worst_numeric = ref;
      r.worst_error = err;
      r.worst_allowance = allowance;
    }
  }
  if (r.worst_ratio > 1.0) {
    return detail::conclude(
        r, Verdict::fail, Failure::wrong_value,
        fmt::format("value [{}]: claimed {:.17g} vs reference {:.17g}, error {:.3e} > allowance {:.3e}", r.worst_input,
                    r.worst_analytic, r.worst_numeric, r.worst_error, r.worst_allowance));
  }
  return detail::conclude(r, Verdict::pass, Failure::none, {});
}

}  // namespace gradcheck
