// runner/settings.hpp: per-case settings, read from the fixture file and the
// command line. One declaration (for_each_setting) gives every setting the same
// name as CLI flag (--trials), fixture key (trials = 20, or [case_id] trials = 5),
// struct field (CaseSettings::trials) and report field ("trials").
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gradcheck/options.hpp"

namespace gradcheck {
/// Boost.Program_options hook: parses "full", "sampled", "directional", "auto".
void validate(boost::any& v, const std::vector<std::string>& values, Mode* /*unused*/, int /*unused*/);
}  // namespace gradcheck

namespace gradcheck::runner {

/// An inclusive integer range, written "2..50" (or "7" for 7..7).
struct Range {
  long lo = 1;
  long hi = 1;
  friend bool operator==(const Range&, const Range&) = default;
};
std::string to_string(const Range& r);
/// Boost.Program_options hook: parses "LO..HI" or "N".
void validate(boost::any& v, const std::vector<std::string>& values, Range* /*unused*/, int /*unused*/);

/// Entries of x named as the reports name them: "U[3,1]" (row 3, column 1 of
/// block U), "v_c[0]", or a 1 x 1 block by its name alone. Written as a
/// comma-separated list, "U[3,1], v_c[0]".
struct EntryNames {
  struct Entry {
    std::string block;
    std::vector<long> index;  ///< none, [row] or [row, col]
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::vector<Entry> entries;
  friend bool operator==(const EntryNames&, const EntryNames&) = default;
};
std::string to_string(const EntryNames::Entry& e);
/// "U[3,1],v_c[0]" (empty for none).
std::string to_string(const EntryNames& e);
/// Boost.Program_options hook: parses "U[3,1], v_c[0]" (an empty text names none).
void validate(boost::any& v, const std::vector<std::string>& values, EntryNames* /*unused*/, int /*unused*/);

/// The check options of the CLI and the fixture before any key or flag: the
/// library's defaults, but on all cores (threads = 0). The library defaults to
/// one thread for f that are not safe to call concurrently; the shipped cases
/// and formula files are pure functions of x, so they may use every core.
inline CheckOptions runner_check_options() {
  CheckOptions o;
  o.threads = 0;
  return o;
}

struct CaseSettings {
  int trials = 20;                              ///< randomized trials per case
  CheckOptions check = runner_check_options();  ///< step, rtol, atol, noise_factor, mode, threads, ...
  Range V{2, 50};                               ///< vocabulary size
  Range d{1, 20};                               ///< embedding size
  Range m{1, 4};                                ///< skip-gram window half-width
  Range K{1, 15};                               ///< negative samples per outside word
  Range n{1, 20};                               ///< length of the vector for elementwise functions
  double alpha = 0.1;                           ///< leaky-ReLU slope, 0 < alpha < 1
  double scale = 1.0;  ///< random points are drawn at this scale (0.01: near-linear; 30: saturated)
  int resample = 3;    ///< redraws of a point judged INCONCLUSIVE, per trial
  /// sampled: entries checked in every trial besides the drawn coordinates
  /// (resolved against each trial's layout into CheckOptions::entries).
  EntryNames entries;
};

/// Calls visit(name, help, field) for every setting of `s`.
template <class S, class Visit>
void for_each_setting(S& s, Visit&& visit) {
  visit("trials", "randomized trials per case (>= 1)", s.trials);
  visit("step", "relative finite-difference step (> 0)", s.check.step);
  visit("rtol", "relative tolerance of the pass condition (>= 0)", s.check.rtol);
  visit("atol", "absolute floor of the pass condition (>= 0)", s.check.atol);
  visit("noise_factor", "multiplier on the measured rounding noise (>= 0)", s.check.noise_factor);
  visit("estimate_factor", "multiplier on Ridders' error estimate (>= 0)", s.check.estimate_factor);
  visit("ladder_step", "relative initial step of Ridders' ladder (> 0)", s.check.ladder_step);
  visit("mode", "full, sampled, directional or auto (the default: full while 7 + 2n <= budget, else directional)",
        s.check.mode);
  visit("samples", "sampled: coordinates per block; directional: directions (>= 1)", s.check.samples);
  visit("entries", "sampled: entries always checked besides the drawn ones, e.g. 'U[3,1],v_c[0]'", s.entries);
  visit("budget", "auto: the most evaluations of f to plan for (>= 1; default 2500)", s.check.budget);
  visit("threads", "worker threads of full and sampled checks and of directional draws (0, the default: all cores)",
        s.check.threads);
  visit("V", "vocabulary size range LO..HI (>= 2)", s.V);
  visit("d", "embedding size range LO..HI (>= 1)", s.d);
  visit("m", "skip-gram window half-width range LO..HI (>= 1)", s.m);
  visit("K", "negative samples range LO..HI (>= 1)", s.K);
  visit("n", "vector length range for elementwise cases LO..HI (>= 1)", s.n);
  visit("alpha", "leaky-ReLU slope, 0 < alpha < 1", s.alpha);
  visit("scale", "scale of the random points (> 0)", s.scale);
  visit("resample", "redraws of an inconclusive point per trial (>= 0)", s.resample);
}

/// Whether setting `name` sizes or scales the points of the built-in cases
/// (V, d, m, K, n, alpha, scale): a formula file declares its own, so these
/// are refused for it and left out of its reports.
bool sized_setting(std::string_view name);

/// The settings as command-line flags (--trials N, ...), without defaults so
/// that an absent flag leaves the fixture's value.
boost::program_options::options_description setting_flags();

/// Settings of every case, resolved as: command line > the case's section of the
/// fixture > the fixture's top level > CaseSettings' defaults.
class SettingsSource {
 public:
  /// Reads `fixture_path` (Boost.Program_options config format; sections are
  /// case ids from `case_ids`). An empty path means no fixture. Throws
  /// gradcheck::Error with a one-line message on an unreadable file, an
  /// unknown key or section, or a malformed value.
  SettingsSource(const std::string& fixture_path, const std::vector<std::string>& case_ids,
                 boost::program_options::variables_map command_line = {});

  /// Throws gradcheck::Error if a resolved value is out of its domain.
  /// `defaults` stand for CaseSettings' defaults (e.g. the float defaults of
  /// a check in single precision).
  CaseSettings for_case(const std::string& case_id, const CaseSettings& defaults = {}) const;

  /// Where setting `name` of case `case_id` comes from, as errors begin:
  /// "--trials ", "fixture 'f.cfg', [toy] trials = ", "fixture 'f.cfg': trials = "
  /// or "trials = " (the default).
  std::string origin(const std::string& case_id, const std::string& name) const;

  /// The run's seed: command line (--seed) > fixture top level (seed = N) > 1.
  std::uint64_t seed() const;

 private:
  std::string fixture_path_;
  boost::program_options::variables_map fixture_;
  boost::program_options::variables_map command_line_;
};

/// The fixture shipped with gradcheck: installed beside the running program
/// (<bin>/../share/gradcheck/), else in the source tree, else in the configured
/// install prefix; empty if none exists.
std::string default_fixture_path();

}  // namespace gradcheck::runner
