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
  for_each_setting(s, [&](const Setting& setting, const auto& field) {
    using T = setting_t<decltype(field)>;
    bool ok = true;  // a mode or entries is checked as it is read
    if constexpr (std::is_arithmetic_v<T>) ok = detail::within(setting.domain, static_cast<double>(field));
    if constexpr (std::is_same_v<T, Range>) {
      ok = detail::within(setting.domain, static_cast<double>(field.lo)) &&
           detail::within(setting.domain, static_cast<double>(field.hi));
    }
    if (!ok) throw Error(detail::invalid_text(origin(setting.name, value_text(field)), setting));
  });
  // The largest matrices a trial builds: a V x d one (U, and the gradient
  // w.r.t. it) and an elementwise function's n x n Jacobian; a trial keeps
  // four per claim (analytic, numeric, allowance, estimate) for the reports.
  // Refuse, before any work, ranges whose largest draw would take gigabytes:
  // at 10^6 entries a matrix is 8 MB, a trial with three controls 128 MB.
  constexpr long max_entries = 1'000'000;
  const word2vec::Sizes& z = s.sizes;
  if (z.V.hi * z.d.hi > max_entries) {
    // "fixture 'f': V = 100000 with d = 10000", the file named once.
    const std::string v = origin("V", to_string(z.V));
    std::string d = origin("d", to_string(z.d));
    const std::size_t named = v.find("': ");
    if (named != std::string::npos && d.compare(0, named + 3, v, 0, named + 3) == 0) d.erase(0, named + 3);
    throw Error(fmt::format("{} with {} is invalid: a V x d matrix of up to {} entries, expected V x d <= {}", v, d,
                            z.V.hi * z.d.hi, max_entries));
  }
  if (z.n.hi * z.n.hi > max_entries) {
    throw Error(fmt::format("{} is invalid: an n x n Jacobian of up to {} entries, expected n x n <= {} (n <= 1000)",
                            origin("n", to_string(z.n)), z.n.hi * z.n.hi, max_entries));
  }
  // Directional checks judge no coordinate unless narrowing a failure down;
  // auto may choose them. A full check judges every entry anyway.
  if (!s.entries.entries.empty() && s.check.mode != Mode::sampled && s.check.mode != Mode::full) {
    throw Error(fmt::format("{} is invalid: expected mode sampled (or full, which checks every entry), not mode {}",
                            origin("entries", to_string(s.entries)), to_string(s.check.mode)));
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
                                     "' for option '%canonical_option%' is invalid: expected " + detail::mode_words);
  }
  v = *mode;
}
}  // namespace gradcheck

namespace gradcheck::word2vec {

std::string to_string(const Range& r) {
  return r.lo == r.hi ? std::to_string(r.lo) : fmt::format("{}..{}", r.lo, r.hi);
}

void validate(boost::any& v, const std::vector<std::string>& values, Range* /*unused*/, int /*unused*/) {
  po::validators::check_first_occurrence(v);
  const std::string& text = po::validators::get_single_string(values);
  Range r;
  const auto dots = text.find("..");
  const bool ok = dots == std::string::npos ? runner::parse_long(text, r.lo) && (r.hi = r.lo, true)
                                            : runner::parse_long(std::string_view(text).substr(0, dots), r.lo) &&
                                                  runner::parse_long(std::string_view(text).substr(dots + 2), r.hi);
  if (!ok || r.lo > r.hi) {
    throw po::error_with_option_name("the argument '" + text +
                                     "' for option '%canonical_option%' is invalid: expected LO..HI with LO <= HI, "
                                     "or one whole number");
  }
  v = r;
}

}  // namespace gradcheck::word2vec

namespace gradcheck::runner {

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
  po::options_description every("Check settings (override the fixture)");
  po::options_description built_in("Settings of the built-in cases only (a formula file declares its own)");
  CaseSettings defaults;
  for_each_setting(defaults, [&](const Setting& setting, const auto& field) {
    po::options_description& group = setting.applies_to.formula_files ? every : built_in;
    group.add_options()(setting.name, po::value<setting_t<decltype(field)>>(), help_text(setting).c_str());
  });
  po::options_description flags;
  flags.add(every).add(built_in);
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
  for_each_setting(defaults, [&](const Setting& setting, const auto& field) {
    using T = setting_t<decltype(field)>;
    keys.add_options()(setting.name, po::value<T>(), setting.about);
    for (const auto& id : case_ids) {
      keys.add_options()((id + "." + setting.name).c_str(), po::value<T>(), setting.about);
    }
  });
  std::istringstream in(read_fixture(fixture_path));
  try {
    po::store(po::parse_config_file(in, keys, /*allow_unregistered=*/false), fixture_);
  } catch (const po::error& e) {
    throw Error(fmt::format("fixture file '{}': {}", fixture_path, setting_error_text(e)));
  }
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
  for_each_setting(s, [&](const Setting& setting, auto& field) {
    using T = setting_t<decltype(field)>;
    const std::string name = setting.name;
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

std::optional<Setting> find_setting(std::string_view name) {
  std::optional<Setting> found;
  CaseSettings s;
  for_each_setting(s, [&](const Setting& setting, const auto& /*field*/) {
    if (name == setting.name) found = setting;
  });
  return found;
}

std::string value_text(int v) { return std::to_string(v); }
std::string value_text(long v) { return std::to_string(v); }
std::string value_text(double v) { return fmt::format("{}", v); }
std::string value_text(Mode v) { return to_string(v); }
std::string value_text(const Range& v) { return to_string(v); }
std::string value_text(const EntryNames& v) { return to_string(v); }

std::string setting_error_text(const po::error& e) {
  const auto* invalid = dynamic_cast<const po::invalid_option_value*>(&e);
  if (invalid == nullptr) return e.what();
  // "--trials", "trials" or "case_id.trials": the setting's name is the last part.
  std::string name = invalid->get_option_name();
  name.erase(0, name.find_first_not_of('-'));
  if (const auto dot = name.rfind('.'); dot != std::string::npos) name.erase(0, dot + 1);
  std::string expected;
  if (const std::optional<Setting> setting = find_setting(name)) expected = expected_text(*setting);
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
