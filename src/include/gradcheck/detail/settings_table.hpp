// gradcheck/detail/settings_table.hpp: the one declaration of every setting of
// a check: its name (the CheckOptions field, and for the CLI the flag, the
// fixture key and the report field), what it means, the values it may take
// and where it applies. check_gradient & co. validate their options against
// it; the runner (src/runner/settings.hpp) extends it with the settings of the
// cases, and its flags, fixture keys, help, errors and reports all read it.
#pragma once

#include <limits>
#include <string>

#include "gradcheck/options.hpp"

namespace gradcheck::detail {

/// The values a setting may take. Numbers must also be finite.
struct Domain {
  enum class Kind {
    number,  ///< a real number within [lo, hi] (an end open where *_open)
    whole,   ///< a whole number within [lo, hi]
    range,   ///< a range of whole numbers LO..HI, both ends within [lo, hi]
    choice,  ///< one of the words of `accepted`, checked as it is read
    names,   ///< a list of names, checked as it is read and against the case
  };
  Kind kind = Kind::number;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  const char* lo_means = nullptr;  ///< what the lowest value stands for, e.g. "all cores"
  const char* accepted = nullptr;  ///< choice, names: what is accepted, in words

  static constexpr Domain number_above(double lo) { return {.kind = Kind::number, .lo = lo, .lo_open = true}; }
  static constexpr Domain number_from(double lo) { return {.kind = Kind::number, .lo = lo}; }
  /// lo < v <= hi.
  static constexpr Domain number_above_to(double lo, double hi) {
    return {.kind = Kind::number, .lo = lo, .hi = hi, .lo_open = true};
  }
  /// lo < v < hi.
  static constexpr Domain number_between(double lo, double hi) {
    return {.kind = Kind::number, .lo = lo, .hi = hi, .lo_open = true, .hi_open = true};
  }
  static constexpr Domain whole_from(long lo) { return {.kind = Kind::whole, .lo = static_cast<double>(lo)}; }
  static constexpr Domain whole_from_to(long lo, long hi, const char* lo_means = nullptr) {
    return {.kind = Kind::whole, .lo = static_cast<double>(lo), .hi = static_cast<double>(hi), .lo_means = lo_means};
  }
  static constexpr Domain range_within(long lo, long hi) {
    return {.kind = Kind::range, .lo = static_cast<double>(lo), .hi = static_cast<double>(hi)};
  }
  static constexpr Domain choice(const char* accepted) { return {.kind = Kind::choice, .accepted = accepted}; }
  static constexpr Domain names(const char* accepted) { return {.kind = Kind::names, .accepted = accepted}; }
};

/// Where a setting applies.
struct AppliesTo {
  bool library = false;         ///< a field of CheckOptions (or an argument of the library's functions)
  bool word2vec_cases = false;  ///< the built-in cases (checks/) of the CLI and the Boost.Test suite
  bool formula_files = false;   ///< cases written as formula files (src/formula/)
};
inline constexpr AppliesTo everywhere{.library = true, .word2vec_cases = true, .formula_files = true};
inline constexpr AppliesTo every_case{.word2vec_cases = true, .formula_files = true};
inline constexpr AppliesTo word2vec_cases_only{.word2vec_cases = true};

/// One row of the table.
struct Setting {
  const char* name = nullptr;   ///< CheckOptions field, CLI flag (--name), fixture key, report field
  const char* about = nullptr;  ///< what it means, without its domain (help_text adds that)
  Domain domain{};
  AppliesTo applies_to{};
};

/// What `s` accepts, for errors: "a number > 0", "a whole number from 0 (all
/// cores) to 1024", "a number with 0 < alpha < 1", "a range within 2..100000".
std::string expected_text(const Setting& s);
/// The help line of `s`: "relative finite-difference step (> 0)".
std::string help_text(const Setting& s);
/// "{what} is invalid: expected {expected_text(s)}", where `what` names the
/// value and where it came from ("step = -1", "--trials 0").
std::string invalid_text(const std::string& what, const Setting& s);
/// Whether `v` lies in `d` (number and whole domains; a NaN or an infinity never does).
bool within(const Domain& d, double v);

/// mode's words, as parse_mode reads them.
inline constexpr const char* mode_words = "full, sampled, directional or auto";

/// Calls visit(setting, field) for each setting of CheckOptions, in the order
/// of the reports. (seed, blocks and entries are set by the caller, not read
/// from settings: the runner names entries itself.)
template <class Options, class Visit>
void for_each_check_option(Options& o, Visit&& visit) {
  using D = Domain;
  visit(Setting{"step", "relative finite-difference step", D::number_above(0), everywhere}, o.step);
  visit(Setting{"rtol", "relative tolerance of the pass condition", D::number_from(0), everywhere}, o.rtol);
  visit(Setting{"atol", "absolute floor of the pass condition", D::number_from(0), everywhere}, o.atol);
  visit(Setting{"noise_factor", "multiplier on the measured rounding noise", D::number_from(0), everywhere},
        o.noise_factor);
  visit(Setting{"estimate_factor", "multiplier on Ridders' error estimate", D::number_from(0), everywhere},
        o.estimate_factor);
  visit(Setting{"ladder_step", "relative initial step of Ridders' ladder", D::number_above(0), everywhere},
        o.ladder_step);
  visit(
      Setting{"mode", "which derivatives to compare; auto, the default: full while 7 + 2n <= budget, else directional",
              D::choice(mode_words), everywhere},
      o.mode);
  // Capped so that a typo cannot ask for hours of work or thousands of threads.
  visit(Setting{"samples", "sampled: coordinates per block; directional: directions", D::whole_from_to(1, 1000000),
                everywhere},
        o.samples);
  visit(Setting{"budget", "auto: the most evaluations of f to plan for", D::whole_from(1), everywhere}, o.budget);
  visit(Setting{"threads", "worker threads of full and sampled checks and of directional draws",
                D::whole_from_to(0, 1024, "all cores"), everywhere},
        o.threads);
}

/// The redraws of an inconclusive point (check_redrawing's `resample`, the
/// cases' `resample` setting).
inline constexpr Setting resample_setting{"resample", "redraws of an inconclusive point per trial",
                                          Domain::whole_from_to(0, 100), everywhere};

/// Throws gradcheck::Error for the first option of `o` outside its domain,
/// e.g. "step = -1 is invalid: expected a number > 0".
void validate(const CheckOptions& o);

}  // namespace gradcheck::detail
