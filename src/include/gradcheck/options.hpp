// gradcheck/options.hpp: the knobs of one gradient check.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

namespace gradcheck {

/// Which derivatives a check compares (CheckOptions::mode).
enum class Mode {
  /// Every coordinate: 2 evaluations of f per coordinate (more only where the
  /// first difference does not decide). Exact per entry, cost O(n) evaluations.
  full,
  /// `samples` random coordinates per parameter block (`blocks`), plus `entries`.
  sampled,
  /// `samples` random Gaussian directions v: ∇f·v against the difference
  /// quotient of t ↦ f(x + t v). O(samples) evaluations whatever n; a failure is
  /// narrowed down (bisecting the coordinates of v) to a named coordinate.
  directional,
  /// The default. `full` if its predicted evaluations fit in `budget`, else
  /// `directional` with as many directions as fit, at most `samples` (at
  /// least one; see gradcheck::plan). The CLI prints the plan before the run.
  automatic,
};
/// "full", "sampled", "directional", "auto".
const char* to_string(Mode mode) noexcept;
inline std::ostream& operator<<(std::ostream& out, Mode mode) { return out << to_string(mode); }
/// The inverse of to_string; nullopt for any other text.
std::optional<Mode> parse_mode(std::string_view text) noexcept;

/// Options of check_gradient / check_jacobian. The same names are used by the
/// CLI flags (`--step`), the fixture keys (`step = ...`) and the report fields.
/// The pass condition they enter is written once, in check.hpp. The values
/// each may take are in the settings table (gradcheck/detail/settings_table.hpp);
/// a check throws gradcheck::Error for an option outside them.
struct CheckOptions {
  /// Relative step of the first central difference: coordinate j moves by
  /// h_j = step · max(1, |x_j|), rounded so that x_j ± h_j is exact.
  /// Default ε^(1/3) ≈ 6.06e-6 balances truncation (h²|f'''|/6) against
  /// rounding (ε|f|/h) for double precision; bench/step_sweep.py measures it.
  double step = 6.0554544523933395e-06;
  /// Relative part of the allowance, applied to max(|analytic|, |numeric|).
  /// Sets the sensitivity: a relative error well above rtol is rejected
  /// wherever the rounding noise allows (the noise term covers the rest).
  /// 1e-8: a relative gradient error of 1e-6 can nearly cancel in a small
  /// gradient, and must still be rejected in every trial; central differences
  /// at h ≈ ε^(1/3) resolve far finer (docs/calibration.md).
  double rtol = 1e-8;
  /// Absolute part of the allowance. 0 by default: entries whose true value is
  /// ~0 are covered by the measured noise term, and an absolute floor would
  /// wave through wrong formulas whose values are all tiny (saturated σ′).
  double atol = 0.0;
  /// Multiplier on the rounding noise of the first difference,
  /// ε · max|f(x ± h e_j)| / h_j: a loss of 1e3 cannot resolve 1e-9.
  double noise_factor = 8.0;
  /// Multiplier on Ridders' error estimate of the extrapolated derivative.
  double estimate_factor = 4.0;
  /// Relative initial step of Ridders' ladder (shrunk by 1.4 per level).
  double ladder_step = 1e-3;

  /// Which derivatives to compare; see Mode. Automatic by default: full for
  /// small x, a bounded number of evaluations for large x (a full check costs
  /// two evaluations per coordinate, hours for an embedding table).
  Mode mode = Mode::automatic;
  /// sampled: coordinates drawn per block; directional: directions drawn.
  long samples = 8;
  /// auto: the most evaluations of f the check may plan for. 2500 keeps a
  /// default check of a cheap loss within seconds and every check up to
  /// n = 1246 full (7 + 2n evaluations), the fixture's cases included
  /// (docs/modes-and-scale.md).
  long budget = 2500;
  /// Worker threads for full and sampled checks, each perturbing its own copy
  /// of x. 1 by default: parallel checking is opt-in, since f must then be
  /// safe to call concurrently. Pure functions are; layer code that keeps its
  /// forward pass in members (for a backward pass to read) is not, and on
  /// several threads its values mix and correct gradients FAIL.
  /// 0: all cores (the CLI's default: its cases and formula files are pure).
  /// Results do not depend on it. Directional checks call f on one thread and
  /// draw their directions (and ∇f·v) on these; from 2^18 coordinates up,
  /// every check also forms its points along a direction (the noise probe's
  /// too) and copies x on these.
  int threads = 1;
  /// Seed of the sampled coordinates and of the directions.
  std::uint64_t seed = 0;
  /// sampled: sizes of the parameter blocks x is made of, in order (e.g.
  /// {d, V·d} for v_c and U); empty means one block of all of x.
  std::vector<Eigen::Index> blocks;
  /// sampled: coordinates always checked besides the drawn ones.
  std::vector<Eigen::Index> entries;

  /// Defaults for functions computed in single precision (float): steps and
  /// allowances follow ε = 2^-23 (step = ε^(1/3) ≈ 4.9e-3; rtol 1e-4 keeps the
  /// float32 sensitivity below 1e-3). The ladder starts at 0.1, about 20
  /// first steps: wider ladders meet the kinks of ReLU networks beyond what
  /// float's rounding lets a check see.
  static CheckOptions single_precision() {
    CheckOptions o;
    o.step = 4.921566601151848e-03;
    o.rtol = 1e-4;
    o.ladder_step = 0.1;
    return o;
  }
};

}  // namespace gradcheck
