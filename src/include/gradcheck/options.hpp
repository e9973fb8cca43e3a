// gradcheck/options.hpp: the knobs of one gradient check.
#pragma once

namespace gradcheck {

/// Options of check_gradient / check_jacobian. The same names are used by the
/// CLI flags (`--step`), the fixture keys (`step = ...`) and the report fields.
/// The pass condition they enter is written once, in check.hpp.
struct CheckOptions {
  /// Relative step of the central difference: coordinate j is perturbed by
  /// h_j = step * max(1, |x_j|), rounded so that x_j + h_j is exact.
  /// Default ε^(1/3) ≈ 6.06e-6 balances truncation (h²|f'''|/6) against
  /// rounding (ε|f|/h) for double precision; see check.hpp for the sweep.
  double step = 6.0554544523933395e-06;
  /// Relative part of the allowance, applied to max(|analytic|, |numeric|).
  double rtol = 1e-6;
  /// Absolute floor of the allowance, for entries whose true value is ~0.
  double atol = 1e-9;
  /// Multiplier on the measured rounding-noise estimate of each difference
  /// quotient (ε · max|f(x ± h e_j)| / h_j). 0 disables the noise term.
  double noise_factor = 8.0;
};

}  // namespace gradcheck
