// The 13 derivations written as formula files (fixtures/formulas/<id>.gcf): each
// passes under the shipped fixture's settings (20 trials) and every negative
// control is rejected in every trial. One test case per file, so that CTest runs
// each alone as formula.<id> (`formula_tests --run_test=shipped/<id>`).
#include <fmt/format.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "formula/formula.hpp"
#include "gradcheck/check.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"

namespace {

using namespace gradcheck;

// The fixture's sections name built-in cases; they are declared to the
// settings reader along with the formula's id so that it accepts the file.
std::vector<std::string> fixture_sections(const std::string& path, const std::string& id) {
  std::vector<std::string> ids{id};
  std::ifstream in(path);
  const std::regex section(R"(^\s*\[([^\]]+)\]\s*$)");
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, m, section)) ids.push_back(m[1]);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void check_shipped(const std::string& id) {
  const runner::CheckCase c = formula::load_case(fmt::format("{}/{}.gcf", GRADCHECK_FORMULA_DIR, id));
  BOOST_TEST(c.id == id);
  BOOST_TEST(c.controls.size() >= 2U, "every shipped formula has at least two negative controls");
  const runner::SettingsSource source(GRADCHECK_FIXTURE, fixture_sections(GRADCHECK_FIXTURE, id));
  const runner::CaseSettings settings = source.for_case(id);
  // Mode auto, the default, keeps every shipped formula full at its largest sizes.
  const Eigen::Index largest = runner::layout_size(runner::layout_at(c, settings, runner::Bound::largest));
  BOOST_TEST(settings.check.mode == Mode::automatic);
  if (largest > 0) BOOST_TEST((plan(largest, settings.check).mode == Mode::full), id << " at n = " << largest);
  const runner::CaseReport r = runner::run_case(c, settings, source.seed());
  const int trials = static_cast<int>(r.trials.size());
  BOOST_TEST(trials == settings.trials);
  for (const auto& t : r.trials) {
    BOOST_CHECK_MESSAGE(t.formula.result.passed, fmt::format("formula rejected in trial {} ({}): {}", t.trial, t.point,
                                                             t.formula.result.message));
    for (std::size_t k = 0; k < c.controls.size(); ++k) {
      BOOST_CHECK_MESSAGE(!t.controls[k].result.passed, fmt::format("negative control {} accepted in trial {} ({})",
                                                                    c.controls[k].id, t.trial, t.point));
    }
  }
  BOOST_TEST(r.formula_passes() == trials);
  for (std::size_t k = 0; k < c.controls.size(); ++k) BOOST_TEST(r.control_rejections(k) == trials);
  BOOST_TEST(r.passed());
  double worst = 0.0;
  for (const auto& t : r.trials) worst = std::max(worst, t.formula.result.max_rel_error);
  BOOST_TEST_MESSAGE(
      fmt::format("{}: formula passed {}/{} trials, largest relative error {:.1e}; {} controls rejected "
                  "in every trial",
                  id, r.formula_passes(), trials, worst, c.controls.size()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shipped)

// One line per file of fixtures/formulas (the same list as src/formula/CMakeLists.txt).
#define GRADCHECK_SHIPPED(id) \
  BOOST_AUTO_TEST_CASE(id) { check_shipped(#id); }
GRADCHECK_SHIPPED(xent_onehot_identity)
GRADCHECK_SHIPPED(xent_grad_logits)
GRADCHECK_SHIPPED(naive_softmax_grad_center)
GRADCHECK_SHIPPED(naive_softmax_grad_outside)
GRADCHECK_SHIPPED(leaky_relu_derivative)
GRADCHECK_SHIPPED(sigmoid_derivative)
GRADCHECK_SHIPPED(neg_sampling_grad_center)
GRADCHECK_SHIPPED(neg_sampling_grad_outside_true)
GRADCHECK_SHIPPED(neg_sampling_grad_outside_negatives)
GRADCHECK_SHIPPED(neg_sampling_repeated_negatives)
GRADCHECK_SHIPPED(skipgram_grad_outside)
GRADCHECK_SHIPPED(skipgram_grad_center)
GRADCHECK_SHIPPED(skipgram_grad_other_centers_zero)
#undef GRADCHECK_SHIPPED

BOOST_AUTO_TEST_SUITE_END()
