// gradcheck: the command-line tool. `gradcheck --help` documents it.
//
// Exit codes: 0 every selected case passed; 1 a check failed (a formula was
// rejected or a negative control accepted); 2 usage or input error.
#include <fmt/color.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cases.hpp"
#include "gradcheck/error.hpp"
#include "runner/report.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"

namespace po = boost::program_options;
using namespace gradcheck;

namespace {

constexpr int exit_passed = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

const char* const usage = R"(Usage:
  gradcheck list [--ids]                 list the check cases
  gradcheck run [ID|GLOB ...] [options]  run cases (all by default), write reports
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
  po::options_description run("Run options");
  run.add_options()("seed", po::value<std::string>(), "seed of the run (default: the fixture's, else 1)")(
      "trial", po::value<int>(), "re-run only this trial number (as printed in a reproduce line)")(
      "report-dir", po::value<std::string>()->default_value("reports"),
      "directory for gradcheck.json and gradcheck.md")("fixture", po::value<std::string>(),
                                                       "fixture file of per-case settings (default: the shipped one)")(
      "ids", "with list: print the ids only, one per line");
  run.add(runner::setting_flags());
  return run;
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
    if (!matched) throw Error(fmt::format("no case matches '{}' (see 'gradcheck list')", pattern));
  }
  return chosen;
}

bool use_colour() { return ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr; }

std::string verdict_text(Verdict verdict, bool colour) {
  const std::string word = runner::upper(verdict);
  if (!colour) return word;
  const auto colour_of = verdict == Verdict::pass   ? fmt::terminal_color::green
                         : verdict == Verdict::fail ? fmt::terminal_color::red
                                                    : fmt::terminal_color::yellow;
  return fmt::format(fmt::fg(colour_of) | fmt::emphasis::bold, "{}", word);
}

void print_case(const runner::CaseReport& r, bool colour) {
  const auto& c = *r.check_case;
  double worst = 0.0;
  for (const auto& t : r.trials) worst = std::max(worst, t.formula.result.max_rel_error);
  const int conclusive = r.formula_passes() + r.formula_failures();
  std::size_t rejected = 0;
  for (std::size_t k = 0; k < c.controls.size(); ++k) rejected += r.control_rejections(k) == conclusive ? 1U : 0U;
  fmt::print(
      "{:<5} {:<36} {:<8} trials {}/{}  inconclusive points {}  max rel err {:.1e}  controls rejected {}/{}  seed {}\n",
      verdict_text(r.verdict(), colour), c.id, c.notes, r.formula_passes(), r.trials.size(), r.inconclusive_points(),
      worst, rejected, c.controls.size(), r.seed);
  if (r.verdict() == Verdict::inconclusive) {
    fmt::print(
        "      every trial was inconclusive: the numerics could not judge this formula at the points drawn ({})\n",
        r.trials.front().formula.result.message);
  }
  for (const auto& t : r.trials) {
    if (t.formula.result.verdict == Verdict::fail) {
      fmt::print("      trial {} ({}): {}\n      reproduce: {}\n", t.trial, t.point, t.formula.result.message,
                 r.reproduce(t.trial));
    }
    if (t.formula.result.verdict == Verdict::inconclusive) continue;
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      if (t.controls[k].result.verdict != Verdict::fail) {
        fmt::print("      negative control {} ({}) {} in trial {} ({})\n      reproduce: {}\n", c.controls[k].id,
                   c.controls[k].description,
                   t.controls[k].result.verdict == Verdict::pass ? "ACCEPTED" : "not rejected (inconclusive)", t.trial,
                   t.point, r.reproduce(t.trial));
      }
    }
  }
}

// The settings flags given on the command line, for reproduce lines.
std::string setting_flags_given(const po::variables_map& vm) {
  std::string flags;
  runner::CaseSettings names;
  runner::for_each_setting(names, [&](const char* name, const char* /*help*/, const auto& /*field*/) {
    if (vm.count(name) == 0U || std::string_view(name) == "trials") return;
    const auto& value = vm[name].value();
    std::string text;
    if (const auto* d = boost::any_cast<double>(&value)) text = fmt::format("{}", *d);
    if (const auto* i = boost::any_cast<int>(&value)) text = std::to_string(*i);
    if (const auto* r = boost::any_cast<runner::Range>(&value)) text = runner::to_string(*r);
    flags += fmt::format(" --{} {}", name, text);
  });
  if (vm.count("fixture") != 0U) flags += " --fixture " + vm["fixture"].as<std::string>();
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

int run(const Cli& cli, const std::string& command_line) {
  const auto chosen = select(cli.patterns);
  std::vector<std::string> ids;
  for (const auto& c : checks::all_cases()) ids.push_back(c.id);
  const std::string fixture =
      cli.vm.count("fixture") != 0U ? cli.vm["fixture"].as<std::string>() : runner::default_fixture_path();
  const runner::SettingsSource source(fixture, ids, cli.vm);
  const std::uint64_t seed = source.seed();
  std::vector<runner::CaseSettings> settings;
  for (const auto* c : chosen) settings.push_back(source.for_case(c->id));  // validate all before running any
  std::optional<int> trial;
  if (cli.vm.count("trial") != 0U) {
    trial = cli.vm["trial"].as<int>();
    if (*trial < 0) throw Error(fmt::format("trial {} is invalid: expected a trial number >= 0", *trial));
  }
  const std::filesystem::path dir = cli.vm["report-dir"].as<std::string>();
  runner::prepare_report_dir(dir);  // fail before the work, not after it

  const bool colour = use_colour();
  std::vector<runner::CaseReport> reports;
  int passed = 0;
  int inconclusive = 0;
  const std::string flags = setting_flags_given(cli.vm);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    reports.push_back(runner::run_case(*chosen[i], settings[i], seed, trial));
    reports.back().reproduce_flags = flags;
    print_case(reports.back(), colour);
    passed += reports.back().passed() ? 1 : 0;
    inconclusive += reports.back().verdict() == Verdict::inconclusive ? 1 : 0;
  }
  const runner::RunInfo info{.seed = seed, .fixture = fixture, .command_line = command_line};
  runner::write_atomically(dir / "gradcheck.json", runner::to_json(reports, info).dump(2) + "\n");
  runner::write_atomically(dir / "gradcheck.md", runner::to_markdown(reports, info));
  const int failed = static_cast<int>(reports.size()) - passed;
  fmt::print("\nreports: {}, {}\n", (dir / "gradcheck.json").string(), (dir / "gradcheck.md").string());
  if (inconclusive > 0) fmt::print("{} of the failed cases were inconclusive in every trial\n", inconclusive);
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed == 0 ? exit_passed : exit_failed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Cli cli = parse(argc, argv);
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
    if (cli.command == "list") return list(cli);
    if (cli.command == "run") return run(cli, joined_command_line(argc, argv));
    if (cli.command.empty()) throw Error("no command given: expected 'list' or 'run' (see 'gradcheck --help')");
    throw Error(fmt::format("unknown command '{}': expected 'list' or 'run' (see 'gradcheck --help')", cli.command));
  } catch (const po::error& e) {
    fmt::print(stderr, "gradcheck: {} (see 'gradcheck --help')\n", e.what());
  } catch (const Error& e) {
    fmt::print(stderr, "gradcheck: {}\n", e.what());
  } catch (const std::exception& e) {
    fmt::print(stderr, "gradcheck: unexpected error: {}\n", e.what());
  }
  return exit_usage;
}
