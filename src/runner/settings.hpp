// runner/settings.hpp: per-case settings, read from the fixture file and the
// command line. One table (for_each_setting) declares every setting once: its
// name, the same as CLI flag (--trials), fixture key (trials = 20, or
// [case_id] trials = 5), struct field (CaseSettings::trials) and report field
// ("trials"); its help; its domain; and where it applies. It extends the
// library's table of CheckOptions (gradcheck/detail/settings_table.hpp) and
// the word2vec cases' sizes (gradcheck/word2vec_sizes.hpp).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gradcheck/detail/settings_table.hpp"
#include "gradcheck/options.hpp"
#include "gradcheck/redraw.hpp"
#include "gradcheck/word2vec_sizes.hpp"

namespace gradcheck {
/// Boost.Program_options hook: parses "full", "sampled", "directional", "auto".
void validate(boost::any& v, const std::vector<std::string>& values, Mode* /*unused*/, int /*unused*/);
}  // namespace gradcheck

namespace gradcheck::word2vec {
/// "2..50", or "7" for 7..7.
std::string to_string(const Range& r);
/// Boost.Program_options hook: parses "LO..HI" or "N".
void validate(boost::any& v, const std::vector<std::string>& values, Range* /*unused*/, int /*unused*/);
}  // namespace gradcheck::word2vec

namespace gradcheck::runner {

using detail::Domain;
using detail::Setting;
using word2vec::Range;

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
  word2vec::Sizes sizes;                        ///< the word2vec cases' sizes: V, d, m, K, n, alpha
  double scale = 1.0;               ///< random points are drawn at this scale (0.01: near-linear; 30: saturated)
  int resample = default_resample;  ///< redraws of a point judged INCONCLUSIVE, per trial
  /// sampled: entries checked in every trial besides the drawn coordinates
  /// (resolved against each trial's layout into CheckOptions::entries).
  EntryNames entries;
};

/// Calls visit(setting, field) for every setting of `s`, in the order of the
/// reports: trials, the CheckOptions (with entries after samples), the sizes,
/// scale, resample.
template <class S, class Visit>
void for_each_setting(S& s, Visit&& visit) {
  constexpr detail::AppliesTo every_case = detail::every_case;
  visit(Setting{"trials", "randomized trials per case", Domain::whole_from(1), every_case}, s.trials);
  detail::for_each_check_option(s.check, [&](const Setting& setting, auto& field) {
    visit(setting, field);
    if (std::string_view(setting.name) != "samples") return;
    // The case's names of CheckOptions::entries, resolved per trial.
    visit(Setting{"entries", "sampled: entries always checked besides the drawn ones",
                  Domain::names("e.g. 'U[3,1],v_c[0]'"), every_case},
          s.entries);
  });
  word2vec::for_each_size(s.sizes, visit);
  // The points of a formula file follow its own distributions.
  visit(Setting{"scale", "scale of the random points", Domain::number_above_to(0, 1e6), detail::word2vec_cases_only},
        s.scale);
  visit(detail::resample_setting, s.resample);
}

/// The row of setting `name`; nullopt for a name that is no setting.
std::optional<Setting> find_setting(std::string_view name);

/// A setting's value as the command line and the reports write it: 20, 1e-08,
/// auto, 2..50, U[3,1],v_c[0].
std::string value_text(int v);
std::string value_text(long v);
std::string value_text(double v);
std::string value_text(Mode v);
std::string value_text(const Range& v);
std::string value_text(const EntryNames& v);

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
