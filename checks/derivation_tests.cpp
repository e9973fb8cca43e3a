// The derivation checks as a Boost.Test suite: one test case per CheckCase of
// the registry, registered at start-up, so the cases are defined once (in
// checks/) for the CLI, Boost.Test and CTest. Arguments after `--`:
//   --fixture FILE      per-case settings (default: the shipped fixture)
//   --report_dir DIR    write derivation.<id>.json there (default: none)
//   --seed N and every setting flag of `gradcheck run` (--trials, --step, ...)
#define BOOST_TEST_ALTERNATIVE_INIT_API
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <optional>

#include "cases.hpp"
#include "report/report.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"

namespace po = boost::program_options;
namespace ut = boost::unit_test;
using namespace gradcheck;

namespace {

struct SuiteConfig {
  std::string fixture;
  std::optional<runner::SettingsSource> source;
  std::string report_dir;
};

SuiteConfig& config() {
  static SuiteConfig c;
  return c;
}

void parse_arguments(int argc, char** argv) {
  po::options_description options;
  options.add_options()("fixture", po::value<std::string>())("report_dir", po::value<std::string>())(
      "seed", po::value<std::string>());
  options.add(runner::setting_flags());
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, options), vm);
  std::vector<std::string> ids;
  for (const auto& c : checks::all_cases()) ids.push_back(c.id);
  SuiteConfig& c = config();
  c.fixture = vm.count("fixture") != 0U ? vm["fixture"].as<std::string>() : runner::default_fixture_path();
  if (vm.count("report_dir") != 0U) c.report_dir = vm["report_dir"].as<std::string>();
  c.source.emplace(c.fixture, ids, vm);
}

void check_derivation(const runner::CheckCase& c) {
  const SuiteConfig& cfg = config();
  const std::uint64_t seed = cfg.source->seed();
  const runner::CaseReport r = runner::run_case(c, cfg.source->for_case(c.id), seed);
  BOOST_TEST_MESSAGE(fmt::format("{} {}: seed {}, {} trials; reproduce a trial with: {}", c.id, c.notes, seed,
                                 r.trials.size(), r.reproduce(0)));
  BOOST_CHECK_MESSAGE(r.verdict() != Verdict::inconclusive, fmt::format("every trial of {} was inconclusive: {}", c.id,
                                                                        r.trials.front().formula.result.message));
  for (const auto& t : r.trials) {
    BOOST_CHECK_MESSAGE(t.formula.result.verdict != Verdict::fail,
                        fmt::format("formula rejected in trial {} ({}): {}\n  reproduce: {}", t.trial, t.point,
                                    t.formula.result.message, r.reproduce(t.trial)));
    if (t.formula.result.verdict == Verdict::inconclusive) continue;  // neither a pass nor a failure
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      BOOST_CHECK_MESSAGE(t.controls[k].result.verdict == Verdict::fail || t.controls[k].indistinguishable,
                          fmt::format("negative control {} ({}) not rejected in trial {} ({}): {}\n  reproduce: {}",
                                      c.controls[k].id, c.controls[k].description, t.trial, t.point,
                                      to_string(t.controls[k].result.verdict), r.reproduce(t.trial)));
    }
  }
  for (std::size_t k = 0; k < c.controls.size(); ++k) {
    BOOST_CHECK_MESSAGE(r.control_rejections(k) > 0,
                        fmt::format("negative control {} was never rejected", c.controls[k].id));
  }
  double worst = 0.0;
  for (const auto& t : r.trials) worst = std::max(worst, t.formula.result.max_rel_error);
  BOOST_TEST_MESSAGE(
      fmt::format("{}: formula passed {}/{} trials ({} inconclusive points redrawn), largest relative "
                  "error {:.2e}; {} controls",
                  c.id, r.formula_passes(), r.trials.size(), r.inconclusive_points(), worst, c.controls.size()));
  if (!cfg.report_dir.empty()) {
    const std::filesystem::path dir = cfg.report_dir;
    runner::prepare_report_dir(dir);
    const runner::RunInfo info{.seed = seed, .fixture = cfg.fixture, .command_line = "ctest -R derivation." + c.id};
    runner::write_atomically(dir / fmt::format("derivation.{}.json", c.id), runner::to_json({r}, info).dump(2) + "\n");
  }
}

}  // namespace

bool init_unit_test() {
  auto& master = ut::framework::master_test_suite();
  master.p_name.value = "derivations";
  parse_arguments(master.argc, master.argv);
  for (const auto& c : checks::all_cases()) {
    master.add(ut::make_test_case([&c] { check_derivation(c); }, c.id, __FILE__, __LINE__));
  }
  return true;
}

int main(int argc, char* argv[]) { return ut::unit_test_main(&init_unit_test, argc, argv); }
