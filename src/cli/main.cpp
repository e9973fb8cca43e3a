// gradcheck: the command-line tool. `gradcheck --help` documents it.
//
// Exit codes: 0 every selected case passed; 1 a check failed (a formula was
// rejected or a negative control accepted); 2 usage or input error.
#include <fmt/format.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "cases.hpp"
#include "cli/calibrate_command.hpp"
#include "formula/formula.hpp"
#include "formula/help.hpp"
#include "formula/suggest.hpp"
#include "gradcheck/error.hpp"
#include "report/atomic_write.hpp"
#include "report/report.hpp"
#include "report/summary.hpp"
#include "runner/record.hpp"
#include "runner/run_case.hpp"
#include "runner/setting_errors.hpp"
#include "runner/settings.hpp"
#include "runner/text.hpp"

namespace po = boost::program_options;
using namespace gradcheck;

namespace {

constexpr int exit_passed = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

const char* const usage = R"(Usage:
  gradcheck list [--ids]                 list the check cases
  gradcheck run [ID|GLOB ...] [options]  run cases (all by default), write reports
  gradcheck formula FILE.gcf ...         check hand derivations written in a formula file
  gradcheck calibrate [ID|GLOB ...]      measure false failures, controls caught and sensitivity
  gradcheck --help | --version

Each case compares a closed-form gradient from the word2vec notes with central
finite differences at randomized, seeded points, and checks that its negative
controls (known-wrong formulas) are rejected.

Exit codes: 0 all passed, 1 a check failed, 2 usage or input error.
)";

struct Cli {
  std::string command;
  std::vector<std::string> patterns;
  po::variables_map vm;
};

po::options_description run_options() {
  po::options_description options("Run options");
  options.add_options()("seed", po::value<std::string>(), "seed of the run (default: the fixture's, else 1)")(
      "trial", po::value<int>(), "re-run only this trial number (as printed in a reproduce line)")(
      "report_dir", po::value<std::string>()->default_value("reports"),
      "directory for gradcheck.json and gradcheck.md")("fixture", po::value<std::string>(),
                                                       "fixture file of per-case settings (default: the shipped one)")(
      "ids", "with list: print the ids only, one per line")(
      "float32", "with formula: evaluate the loss and the claims in single precision, with float defaults")(
      "point", po::value<std::string>(),
      "with formula: check at the point in this JSON file (docs/formula-options.md)");
  options.add(runner::setting_flags());
  options.add(cli::calibrate_options());
  return options;
}

Cli parse(int argc, char** argv) {
  po::options_description general("General");
  general.add_options()("help,h", "show this help")("version", "show the version");
  po::options_description hidden;
  hidden.add_options()("command", po::value<std::string>())("pattern", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(general).add(run_options()).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("pattern", -1);

  Cli cli;
  // Long options only (besides -h), so that "--trials -3" reads -3 as a value.
  const auto style = po::command_line_style::unix_style ^ po::command_line_style::allow_guessing;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).style(style).run(), cli.vm);
  po::notify(cli.vm);
  if (cli.vm.count("command") != 0U) cli.command = cli.vm["command"].as<std::string>();
  if (cli.vm.count("pattern") != 0U) cli.patterns = cli.vm["pattern"].as<std::vector<std::string>>();
  return cli;
}

// What a command-line word that names nothing probably meant: " (did you mean
// 'x'?)", or for a formula file given where a case or a command goes, the command.
std::string meant(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.ends_with(".gcf")) return fmt::format(": it is a formula file, run 'gradcheck formula {}'", word);
  return formula::did_you_mean(word, candidates);
}

// " (did you mean '--trials'?)" for an unknown option, from the options' own names.
std::string option_hint(const std::string& option) {
  po::options_description all;
  all.add(run_options());
  std::vector<std::string> names = {"help", "version"};
  for (const auto& o : all.options()) names.push_back(o->long_name());
  std::string word = option;
  while (word.starts_with('-')) word.erase(0, 1);
  const auto name = formula::closest(word, names);
  return name ? fmt::format(" (did you mean '--{}'?)", *name) : std::string();
}

std::vector<const runner::CheckCase*> select(const std::vector<std::string>& patterns) {
  const auto& cases = checks::all_cases();
  std::vector<const runner::CheckCase*> chosen;
  if (patterns.empty()) {
    for (const auto& c : cases) chosen.push_back(&c);
    return chosen;
  }
  for (const auto& pattern : patterns) {
    bool matched = false;
    for (const auto& c : cases) {
      if (fnmatch(pattern.c_str(), c.id.c_str(), 0) == 0) {
        matched = true;
        if (std::find(chosen.begin(), chosen.end(), &c) == chosen.end()) chosen.push_back(&c);
      }
    }
    if (!matched) {
      std::vector<std::string> ids;
      ids.reserve(cases.size());
      for (const auto& c : cases) ids.push_back(c.id);
      const std::string hint = meant(pattern, ids);
      throw Error(fmt::format("no case matches '{}'{}", pattern, hint.empty() ? " (see 'gradcheck list')" : hint));
    }
  }
  return chosen;
}

bool use_colour() { return ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr; }

// Progress of a long run on stderr, when stderr is a terminal: one line
// rewritten in place, "[3/13 cases done] skipgram_grad_center trial 120/2000, 4.2 s",
// shown once the run has taken half a second, erased before each case's line.
class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Progress(std::size_t total) : enabled_(::isatty(STDERR_FILENO) != 0), total_(total) {}

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void update(std::size_t done, const std::string& id, int trial, int trials) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - start_ < std::chrono::milliseconds(500) || now - shown_ < std::chrono::milliseconds(100)) return;
    shown_ = now;
    std::string line =
        fmt::format("[{}/{} cases done] {} trial {}/{}, {:.1f} s", done, total_, id, trial, trials, elapsed());
    const std::size_t width = line.size();
    if (width < width_) line.append(width_ - width, ' ');
    width_ = width;
    fmt::print(stderr, "\r{}", line);
    std::fflush(stderr);
  }

  void clear() {
    if (width_ == 0) return;
    fmt::print(stderr, "\r{}\r", std::string(width_, ' '));
    std::fflush(stderr);
    width_ = 0;
  }

 private:
  bool enabled_;
  std::size_t total_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point shown_{};
  std::size_t width_ = 0;
};

// The settings flags given on the command line, for reproduce lines.
std::string setting_flags_given(const po::variables_map& vm) {
  std::string flags;
  const runner::CaseSettings names;
  runner::for_each_setting(names, [&](const runner::Setting& setting, const auto& field) {
    using T = std::remove_cvref_t<decltype(field)>;
    const std::string_view name = setting.name;
    if (vm.count(setting.name) == 0U || name == "trials") return;
    std::string text = runner::value_text(vm[setting.name].as<T>());
    if constexpr (std::is_same_v<T, runner::EntryNames>) text = "'" + text + "'";
    flags += fmt::format(" --{} {}", name, text);
  });
  if (vm.count("fixture") != 0U) flags += " --fixture " + vm["fixture"].as<std::string>();
  if (vm.count("float32") != 0U) flags += " --float32";
  if (vm.count("point") != 0U) flags += " --point " + vm["point"].as<std::string>();
  return flags;
}

int list(const Cli& cli) {
  if (!cli.patterns.empty()) throw Error(fmt::format("list takes no case names, got '{}'", cli.patterns.front()));
  for (const auto& c : checks::all_cases()) {
    if (cli.vm.count("ids") != 0U) {
      fmt::print("{}\n", c.id);
    } else {
      fmt::print("{:<38} {:<8} {}\n", c.id, c.notes, c.description);
    }
  }
  return exit_passed;
}

std::string joined_command_line(int argc, char** argv) {
  std::string line = "gradcheck";
  for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
  return line;
}

// The fixture named by --fixture, else the shipped one (for built-in cases;
// none for formula files, whose settings are the defaults and the flags). An
// empty --fixture is an error, not a way to run without one.
std::string fixture_path(const po::variables_map& vm, bool formula_files = false) {
  if (vm.count("fixture") == 0U) return formula_files ? std::string() : runner::default_fixture_path();
  const auto& path = vm["fixture"].as<std::string>();
  if (path.empty()) throw Error("--fixture '' is invalid: expected the path of a fixture file");
  return path;
}

// The settings source of `chosen`: the fixture's sections may name any
// built-in case and the chosen ones.
runner::SettingsSource settings_source(const po::variables_map& vm, const std::string& fixture,
                                       const std::vector<const runner::CheckCase*>& chosen) {
  std::vector<std::string> ids;
  for (const auto& c : checks::all_cases()) ids.push_back(c.id);
  for (const auto* c : chosen) {
    if (std::find(ids.begin(), ids.end(), c->id) == ids.end()) ids.push_back(c->id);
  }
  return {fixture, ids, vm};
}

// Each chosen case's settings, all validated before any case runs. A float
// formula starts from the library's float defaults; a point that fixes every
// value is one trial. Flags and a fixture still override.
std::vector<runner::CaseSettings> case_settings(const runner::SettingsSource& source,
                                                const std::vector<const runner::CheckCase*>& chosen) {
  std::vector<runner::CaseSettings> settings;
  settings.reserve(chosen.size());
  for (const auto* c : chosen) {
    runner::CaseSettings defaults;
    if (c->precision == "float") {
      defaults.check = CheckOptions::single_precision();
      defaults.check.threads = 0;  // as runner_check_options: formula files are pure
    }
    if (c->one_point) defaults.trials = 1;
    settings.push_back(source.for_case(c->id, defaults));
    runner::check_entries(*c, settings.back(), source.origin(c->id, "entries"));
  }
  return settings;
}

// Runs `chosen` (built-in cases, or formula files when `files` names them)
// and writes the reports.
int run(const Cli& cli, const std::string& command_line, const std::vector<const runner::CheckCase*>& chosen,
        const std::vector<std::string>& formula_files = {}) {
  const std::string fixture = fixture_path(cli.vm, !formula_files.empty());
  const runner::SettingsSource source = settings_source(cli.vm, fixture, chosen);
  const std::uint64_t seed = source.seed();
  const std::vector<runner::CaseSettings> settings = case_settings(source, chosen);
  std::optional<int> trial;
  if (cli.vm.count("trial") != 0U) {
    trial = cli.vm["trial"].as<int>();
    if (*trial < 0) throw Error(fmt::format("trial {} is invalid: expected a trial number >= 0", *trial));
  }
  const std::filesystem::path dir = cli.vm["report_dir"].as<std::string>();
  report::prepare_report_dir(dir);                   // fail before the work, not after it
  for (std::size_t i = 0; i < chosen.size(); ++i) {  // mode auto: what it will do, up front
    if (const std::string plan = runner::plan_text(*chosen[i], settings[i]); !plan.empty()) fmt::print("{}\n", plan);
  }

  const bool colour = use_colour();
  std::vector<runner::CaseReport> reports;
  const std::string flags = setting_flags_given(cli.vm);
  Progress progress(chosen.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const runner::CheckCase& c = *chosen[i];
    const int trials = trial ? 1 : settings[i].trials;
    const runner::RecordOptions how{
        .only_trial = trial,
        .reproduce_flags = flags,
        .reproduce_target = formula_files.empty() ? std::string() : "formula " + formula_files[i],
        .progress = [&](int done) { progress.update(i, c.id, done, trials); }};
    reports.push_back(runner::record_case(c, settings[i], seed, how));
    progress.clear();
    fmt::print("{}", report::case_summary(reports.back(), colour));
  }
  progress.clear();
  const report::RunInfo info{
      .seed = seed, .fixture = fixture, .command_line = command_line, .seconds = progress.elapsed()};
  // All four are written to temporaries first, then renamed into place.
  const std::vector<std::pair<std::filesystem::path, std::string>> files = {
      {dir / "gradcheck.json", report::to_json(reports, info).dump(2) + "\n"},
      {dir / "gradcheck.md", report::to_markdown(reports, info)},
      {dir / "gradcheck.html", report::to_html(reports, info)},
      {dir / "junit.xml", report::to_junit(reports, info)},
  };
  report::write_atomically(files);
  const report::Totals totals = report::totals(reports);
  const int failed = totals.cases - totals.passed;
  std::string written;
  for (const auto& [path, text] : files) written += (written.empty() ? "" : ", ") + path.string();
  fmt::print("\nreports: {}\n", written);
  if (totals.inconclusive > 0) {
    fmt::print("{} of the failed cases were inconclusive in every trial\n", totals.inconclusive);
  }
  fmt::print("{} passed, {} failed\n", totals.passed, failed);
  return failed == 0 ? exit_passed : exit_failed;
}

// `gradcheck formula FILE...`: each formula file becomes a case (src/formula/).
int formula_command(const Cli& cli, const std::string& command_line) {
  if (cli.patterns.empty()) throw Error("formula needs at least one formula file (.gcf)");
  // A formula file declares its own sizes: a size flag would be ignored, so it is refused.
  const runner::CaseSettings names;
  runner::for_each_setting(names, [&](const runner::Setting& setting, const auto& /*field*/) {
    if (!setting.applies_to.formula_files && cli.vm.count(setting.name) != 0U) {
      throw Error(
          fmt::format("--{} does not apply to formula files: a formula file declares its own sizes and "
                      "distributions (e.g. 'n in 2..10', 'x: vector[n] ~ normal(0, 3)')",
                      setting.name));
    }
  });
  formula::LoadOptions options;
  options.single_precision = cli.vm.count("float32") != 0U;
  if (cli.vm.count("point") != 0U) {
    options.point_file = cli.vm["point"].as<std::string>();
    if (options.point_file.empty()) throw Error("--point '' is invalid: expected the path of a point file (JSON)");
  }
  std::vector<runner::CheckCase> cases;
  cases.reserve(cli.patterns.size());
  for (const auto& path : cli.patterns) {
    try {
      cases.push_back(formula::load_case(path, options));
    } catch (const Error& e) {
      fmt::print(stderr, "gradcheck: {}\n", e.what());
      if (const std::string excerpt = formula::caret_excerpt(e); !excerpt.empty()) fmt::print(stderr, "{}\n", excerpt);
      return exit_usage;
    }
  }
  std::vector<const runner::CheckCase*> chosen;
  chosen.reserve(cases.size());
  for (const auto& c : cases) chosen.push_back(&c);
  return run(cli, command_line, chosen, cli.patterns);
}

int calibrate(const Cli& cli) {
  const auto chosen = select(cli.patterns);
  const runner::SettingsSource source = settings_source(cli.vm, fixture_path(cli.vm), chosen);
  return cli::calibrate_command(chosen, case_settings(source, chosen), source.seed(), cli.vm);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Cli cli = parse(argc, argv);
    if (cli.vm.count("help") != 0U && cli.command == "formula") {
      fmt::print("{}", formula::syntax_summary());
      return exit_passed;
    }
    if (cli.vm.count("help") != 0U) {
      po::options_description shown;
      shown.add(run_options());
      std::cout << usage << '\n' << shown;
      return exit_passed;
    }
    if (cli.vm.count("version") != 0U) {
      fmt::print("gradcheck {}\n", GRADCHECK_VERSION);
      return exit_passed;
    }
    for (const char* only : {"float32", "point"}) {
      if (cli.vm.count(only) != 0U && cli.command != "formula") {
        throw Error(fmt::format("--{} applies to formula files only: use it with 'gradcheck formula FILE.gcf'", only));
      }
    }
    if (cli.command == "list") return list(cli);
    if (cli.command == "run") return run(cli, joined_command_line(argc, argv), select(cli.patterns));
    if (cli.command == "formula") return formula_command(cli, joined_command_line(argc, argv));
    if (cli.command == "calibrate") return calibrate(cli);
    if (cli.command.empty())
      throw Error("no command given: expected 'list', 'run', 'formula' or 'calibrate' (see 'gradcheck --help')");
    const std::string hint = meant(cli.command, {"list", "run", "formula", "calibrate"});
    throw Error(fmt::format(
        "unknown command '{}'{}", cli.command,
        hint.empty() ? ": expected 'list', 'run', 'formula' or 'calibrate' (see 'gradcheck --help')" : hint));
  } catch (const po::unknown_option& e) {
    const std::string hint = option_hint(e.get_option_name());
    fmt::print(stderr, "gradcheck: {}{}\n", runner::text::printable_line(runner::setting_error_text(e)),
               hint.empty() ? " (see 'gradcheck --help')" : hint);
  } catch (const po::error& e) {
    fmt::print(stderr, "gradcheck: {} (see 'gradcheck --help')\n",
               runner::text::printable_line(runner::setting_error_text(e)));
  } catch (const Error& e) {
    fmt::print(stderr, "gradcheck: {}\n", runner::text::printable_line(e.what()));
  } catch (const std::exception& e) {
    fmt::print(stderr, "gradcheck: unexpected error: {}\n", runner::text::printable_line(e.what()));
  }
  return exit_usage;
}
