#include "runner/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <type_traits>

#include "gradcheck/error.hpp"
#include "runner/setting_errors.hpp"
#include "runner/text.hpp"

namespace po = boost::program_options;

namespace gradcheck::runner {
namespace {

template <class T>
using setting_t = std::remove_cvref_t<T>;

bool parse_long(std::string_view text, long& out) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

// `origin(name, value)` says where a value came from, e.g. "--trials -3" or
// "fixture 'f.cfg', [toy] trials = 0", so the error points at what to edit.
template <class Origin>
void check_domain(const Origin& origin, const CaseSettings& s) {
  const auto fail = [&](const std::string& name, const std::string& value, std::string_view expected) {
    throw Error(fmt::format("{} is invalid: expected {}", origin(name, value), expected));
  };
  if (s.trials < 1) fail("trials", std::to_string(s.trials), "a whole number >= 1");
  if (!(s.check.step > 0.0) || !std::isfinite(s.check.step))
    fail("step", fmt::format("{}", s.check.step), "a number > 0");
  if (!(s.check.rtol >= 0.0) || !std::isfinite(s.check.rtol))
    fail("rtol", fmt::format("{}", s.check.rtol), "a number >= 0");
  if (!(s.check.atol >= 0.0) || !std::isfinite(s.check.atol))
    fail("atol", fmt::format("{}", s.check.atol), "a number >= 0");
  if (!(s.check.noise_factor >= 0.0) || !std::isfinite(s.check.noise_factor)) {
    fail("noise_factor", fmt::format("{}", s.check.noise_factor), "a number >= 0");
  }
  // Sizes are capped so that a typo cannot ask for gigabytes.
  const auto range = [&](const std::string& name, const Range& r, long min, long max) {
    if (r.lo < min || r.hi > max) fail(name, to_string(r), fmt::format("a range within {}..{}", min, max));
  };
  range("V", s.V, 2, 100000);
  range("d", s.d, 1, 10000);
  range("m", s.m, 1, 100);
  range("K", s.K, 1, 1000);
  range("n", s.n, 1, 100000);
  // The largest matrices a trial builds: a V x d one (U, and the gradient
  // w.r.t. it) and an elementwise function's n x n Jacobian; a trial keeps
  // four per claim (analytic, numeric, allowance, estimate) for the reports.
  // Refuse, before any work, ranges whose largest draw would take gigabytes:
  // at 10^6 entries a matrix is 8 MB, a trial with three controls 128 MB.
  constexpr long max_entries = 1'000'000;
  if (s.V.hi * s.d.hi > max_entries) {
    // "fixture 'f': V = 100000 with d = 10000", the file named once.
    const std::string v = origin("V", to_string(s.V));
    std::string d = origin("d", to_string(s.d));
    const std::size_t named = v.find("': ");
    if (named != std::string::npos && d.compare(0, named + 3, v, 0, named + 3) == 0) d.erase(0, named + 3);
    throw Error(fmt::format("{} with {} is invalid: a V x d matrix of up to {} entries, expected V x d <= {}", v, d,
                            s.V.hi * s.d.hi, max_entries));
  }
  if (s.n.hi * s.n.hi > max_entries) {
    throw Error(fmt::format("{} is invalid: an n x n Jacobian of up to {} entries, expected n x n <= {} (n <= 1000)",
                            origin("n", to_string(s.n)), s.n.hi * s.n.hi, max_entries));
  }
  if (!(s.alpha > 0.0 && s.alpha < 1.0)) fail("alpha", fmt::format("{}", s.alpha), "a number with 0 < alpha < 1");
  if (!(s.check.estimate_factor >= 0.0) || !std::isfinite(s.check.estimate_factor)) {
    fail("estimate_factor", fmt::format("{}", s.check.estimate_factor), "a number >= 0");
  }
  if (!(s.check.ladder_step > 0.0) || !std::isfinite(s.check.ladder_step)) {
    fail("ladder_step", fmt::format("{}", s.check.ladder_step), "a number > 0");
  }
  if (!(s.scale > 0.0 && s.scale <= 1e6)) fail("scale", fmt::format("{}", s.scale), "a number with 0 < scale <= 1e6");
  if (s.resample < 0 || s.resample > 100) fail("resample", std::to_string(s.resample), "a whole number from 0 to 100");
  if (s.check.samples < 1 || s.check.samples > 1000000) {
    fail("samples", std::to_string(s.check.samples), "a whole number from 1 to 1000000");
  }
  if (s.check.budget < 1) fail("budget", std::to_string(s.check.budget), "a whole number >= 1");
  // Directional checks judge no coordinate unless narrowing a failure down;
  // auto may choose them. A full check judges every entry anyway.
  if (!s.entries.entries.empty() && s.check.mode != Mode::sampled && s.check.mode != Mode::full) {
    fail("entries", to_string(s.entries),
         fmt::format("mode sampled (or full, which checks every entry), not mode {}", to_string(s.check.mode)));
  }
  if (s.check.threads < 0 || s.check.threads > 1024) {
    fail("threads", std::to_string(s.check.threads), "a whole number from 0 (all cores) to 1024");
  }
}

// The text of fixture file `path`, refused with a one-line error unless it is
// a readable regular file of at most 1 MiB of text with something in it: a
// directory, a device (/dev/zero never ends), a binary or an empty file is
// not a fixture.
std::string read_fixture(const std::string& path) {
  namespace fs = std::filesystem;
  constexpr std::size_t max_size = 1U << 20U;
  const auto cannot = [&](const std::string& why) {
    throw Error(fmt::format("cannot read fixture file '{}': {}", path, why));
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) cannot(ec.message() + ", expected a settings file");
  if (fs::is_directory(status)) cannot("it is a directory, expected a settings file");
  if (!fs::is_regular_file(status)) cannot("not a regular file, expected a settings file");
  std::ifstream in(path, std::ios::binary);
  if (!in) cannot(std::error_code(errno, std::generic_category()).message());
  std::string text(max_size + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) cannot("read error");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_size) cannot("larger than 1 MiB, expected a settings file");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(fmt::format("fixture file '{}' is empty: expected settings such as 'trials = 20'", path));
  }
  if (const std::size_t at = text::first_non_text(text); at != std::string_view::npos) {
    const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
    throw Error(
        fmt::format("fixture file '{}' is not a text file (byte 0x{:02x} on line {}): expected settings such as "
                    "'trials = 20'",
                    path, static_cast<unsigned char>(text[at]), line));
  }
  return text;
}

}  // namespace
}  // namespace gradcheck::runner

namespace gradcheck {
void validate(boost::any& v, const std::vector<std::string>& values, Mode* /*unused*/, int /*unused*/) {
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  const auto mode = parse_mode(text);
  if (!mode) {
    throw po::error_with_option_name("the argument '" + text +
                                     "' for option '%canonical_option%' is invalid: expected full, sampled, "
                                     "directional or auto");
  }
  v = *mode;
}
}  // namespace gradcheck

namespace gradcheck::runner {

std::string to_string(const Range& r) {
  return r.lo == r.hi ? std::to_string(r.lo) : fmt::format("{}..{}", r.lo, r.hi);
}

void validate(boost::any& v, const std::vector<std::string>& values, Range* /*unused*/, int /*unused*/) {
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  Range r;
  const auto dots = text.find("..");
  const bool ok = dots == std::string::npos ? parse_long(text, r.lo) && (r.hi = r.lo, true)
                                            : parse_long(std::string_view(text).substr(0, dots), r.lo) &&
                                                  parse_long(std::string_view(text).substr(dots + 2), r.hi);
  if (!ok || r.lo > r.hi) {
    throw po::error_with_option_name("the argument '" + text +
                                     "' for option '%canonical_option%' is invalid: expected LO..HI with LO <= HI, "
                                     "or one whole number");
  }
  v = r;
}

std::string to_string(const EntryNames::Entry& e) {
  if (e.index.empty()) return e.block;
  return fmt::format("{}[{}]", e.block, fmt::join(e.index, ","));
}

std::string to_string(const EntryNames& e) {
  std::vector<std::string> names;
  for (const auto& entry : e.entries) names.push_back(to_string(entry));
  return fmt::format("{}", fmt::join(names, ","));
}

void validate(boost::any& v, const std::vector<std::string>& values, EntryNames* /*unused*/, int /*unused*/) {
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  // A name is short: longer parts are refused before the regex sees them
  // (libstdc++ matches recursively, a level per character).
  constexpr std::size_t longest = 256;
  const auto excerpt = [](const std::string& t) {
    return t.size() <= 80 ? t : t.substr(0, 60) + "... (" + std::to_string(t.size()) + " bytes)";
  };
  const auto invalid = [&](const std::string& part) {
    return po::error_with_option_name(
        "the argument '" + excerpt(text) + "' for option '%canonical_option%' is invalid at '" + excerpt(part) +
        "': expected entries such as 'U[3,1], v_c[0]' (a block's name, then [row,col], [index] or nothing for a "
        "1 x 1 block; indices from 0; at most " +
        std::to_string(longest) + " characters each)");
  };
  // Commas inside brackets separate indices; outside, entries.
  std::vector<std::string> parts(1);
  int depth = 0;
  for (const char ch : text) {
    depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
    if (ch == ',' && depth == 0) {
      parts.emplace_back();
    } else {
      parts.back() += ch;
    }
  }
  static const std::regex entry(R"(\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\[\s*(\d+)\s*(,\s*(\d+)\s*)?\])?\s*)");
  EntryNames names;
  if (parts.size() == 1 && parts[0].find_first_not_of(" \t") == std::string::npos) {
    v = names;  // "": no entries
    return;
  }
  for (const std::string& part : parts) {
    std::smatch m;
    if (part.size() > longest || !std::regex_match(part, m, entry)) throw invalid(part);
    EntryNames::Entry e{.block = m[1].str(), .index = {}};
    for (const int group : {3, 5}) {
      if (!m[group].matched) continue;
      long i = 0;
      if (!parse_long(m[group].str(), i)) throw invalid(part);  // beyond a long
      e.index.push_back(i);
    }
    names.entries.push_back(std::move(e));
  }
  v = names;
}

po::options_description setting_flags() {
  po::options_description flags("Check settings (override the fixture)");
  CaseSettings defaults;
  for_each_setting(defaults, [&](const char* name, const char* help, const auto& field) {
    flags.add_options()(name, po::value<setting_t<decltype(field)>>(), help);
  });
  return flags;
}

SettingsSource::SettingsSource(const std::string& fixture_path, const std::vector<std::string>& case_ids,
                               po::variables_map command_line)
    : fixture_path_(fixture_path), command_line_(std::move(command_line)) {
  if (fixture_path.empty()) return;
  // Every setting may stand at the top level (all cases) or in a [case_id] section.
  po::options_description keys;
  keys.add_options()("seed", po::value<std::string>(), "seed of the run");
  CaseSettings defaults;
  for_each_setting(defaults, [&](const char* name, const char* help, const auto& field) {
    using T = setting_t<decltype(field)>;
    keys.add_options()(name, po::value<T>(), help);
    for (const auto& id : case_ids) keys.add_options()((id + "." + name).c_str(), po::value<T>(), help);
  });
  std::istringstream in(read_fixture(fixture_path));
  try {
    po::store(po::parse_config_file(in, keys, /*allow_unregistered=*/false), fixture_);
  } catch (const po::error& e) {
    throw Error(fmt::format("fixture file '{}': {}", fixture_path, setting_error_text(e)));
  }
}

bool sized_setting(std::string_view name) {
  for (const std::string_view sized : {"V", "d", "m", "K", "n", "alpha", "scale"}) {
    if (name == sized) return true;
  }
  return false;
}

std::string SettingsSource::origin(const std::string& case_id, const std::string& name) const {
  if (command_line_.count(name) != 0U) return fmt::format("--{} ", name);
  if (fixture_.count(case_id + "." + name) != 0U) {
    return fmt::format("fixture '{}', [{}] {} = ", fixture_path_, case_id, name);
  }
  if (fixture_.count(name) != 0U) return fmt::format("fixture '{}': {} = ", fixture_path_, name);
  return fmt::format("{} = ", name);
}

CaseSettings SettingsSource::for_case(const std::string& case_id, const CaseSettings& defaults) const {
  CaseSettings s = defaults;
  for_each_setting(s, [&](const char* name, const char* /*help*/, auto& field) {
    using T = setting_t<decltype(field)>;
    const std::string scoped = case_id + "." + name;
    if (command_line_.count(name) != 0U) {
      field = command_line_[name].as<T>();
    } else if (fixture_.count(scoped) != 0U) {
      field = fixture_[scoped].as<T>();
    } else if (fixture_.count(name) != 0U) {
      field = fixture_[name].as<T>();
    }
  });
  check_domain([&](const std::string& name, const std::string& value) { return origin(case_id, name) + value; }, s);
  return s;
}

std::uint64_t SettingsSource::seed() const {
  const auto& vm = command_line_.count("seed") != 0U ? command_line_ : fixture_;
  if (vm.count("seed") == 0U) return 1;
  const auto& text = vm["seed"].as<std::string>();
  std::uint64_t seed = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
  if (ec != std::errc{} || ptr != end) {
    throw Error(fmt::format("seed '{}' is invalid: expected a whole number from 0 to 18446744073709551615", text));
  }
  return seed;
}

std::string setting_error_text(const po::error& e) {
  const auto* invalid = dynamic_cast<const po::invalid_option_value*>(&e);
  if (invalid == nullptr) return e.what();
  // "--trials", "trials" or "case_id.trials": the setting's name is the last part.
  std::string name = invalid->get_option_name();
  name.erase(0, name.find_first_not_of('-'));
  if (const auto dot = name.rfind('.'); dot != std::string::npos) name.erase(0, dot + 1);
  std::string expected;
  CaseSettings s;
  for_each_setting(s, [&](const char* setting, const char* /*help*/, const auto& field) {
    using T = setting_t<decltype(field)>;
    if (name != setting) return;
    if constexpr (std::is_same_v<T, int>) expected = "a whole number";
    if constexpr (std::is_same_v<T, double>) expected = "a number";
  });
  if (name == "trial") expected = "a whole number";  // --trial N, not a setting of a case
  return expected.empty() ? std::string(e.what()) : fmt::format("{}: expected {}", e.what(), expected);
}

std::string default_fixture_path() {
  namespace fs = std::filesystem;
  // First the fixture installed beside the running program (bin/../share/...),
  // so that an install moved elsewhere, or unpacked from the .deb anywhere,
  // finds its own; then the source tree's, then the configured prefix's.
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  const fs::path beside = ec ? fs::path() : program.parent_path() / GRADCHECK_FIXTURE_FROM_BINDIR;
  for (const fs::path& candidate :
       {beside, fs::path(GRADCHECK_SOURCE_FIXTURE), fs::path(GRADCHECK_INSTALLED_FIXTURE)}) {
    if (!candidate.empty() && fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return {};
}

}  // namespace gradcheck::runner
