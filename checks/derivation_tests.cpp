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
#include "report/atomic_write.hpp"
#include "report/report.hpp"
#include "report/summary.hpp"
#include "runner/record.hpp"
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

// The case's verdict and its summary, as `gradcheck run` prints them
// (report::case_summary): which trial failed, which control was accepted.
void check_derivation(const runner::CheckCase& c) {
  const SuiteConfig& cfg = config();
  const std::uint64_t seed = cfg.source->seed();
  const runner::CaseReport r = runner::record_case(c, cfg.source->for_case(c.id), seed);
  BOOST_TEST_MESSAGE(fmt::format("{} {}: seed {}, {} trials; reproduce a trial with: {}", c.id, c.notes, seed,
                                 r.trials.size(), r.reproduce(0)));
  const std::string summary = report::case_summary(r);
  if (r.passed()) BOOST_TEST_MESSAGE(summary);
  BOOST_TEST(r.passed(), summary);
  if (!cfg.report_dir.empty()) {
    const std::filesystem::path dir = cfg.report_dir;
    report::prepare_report_dir(dir);
    const report::RunInfo info{.seed = seed, .fixture = cfg.fixture, .command_line = "ctest -R derivation." + c.id};
    report::write_atomically(dir / fmt::format("derivation.{}.json", c.id), report::to_json({r}, info).dump(2) + "\n");
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
