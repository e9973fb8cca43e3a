// User functions that misbehave: a case's sampler, its function f, its claim
// or a negative control throws, returns NaN or Inf, or returns the wrong
// shape, at the first or at the last trial. Each is reported for that trial of
// that case (a verdict and a one-line message); the other trials and the other
// cases still run, and the reports written afterwards hold every case.
#include <algorithm>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "gradcheck/autodiff.hpp"
#include "gradcheck/check.hpp"
#include "gradcheck/error.hpp"
#include "report/atomic_write.hpp"
#include "report/report.hpp"
#include "runner/run_case.hpp"
#include "runner/step_curve.hpp"
#include "scratch.hpp"

using namespace gradcheck;
using namespace gradcheck::report;
using namespace gradcheck::runner;
using Eigen::MatrixXd;
using Eigen::VectorXd;
namespace fs = std::filesystem;

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr int trials = 3;

// What goes wrong, and in which of the user's functions.
enum class Misbehaviour {
  sample_throws,
  sample_empty_x,
  f_throws,
  f_throws_non_standard,
  f_nan,
  f_inf,
  f_no_values,
  f_two_values,
  claim_throws,
  claim_nan,
  claim_inf,
  claim_wrong_block_shape,
  claim_wrong_block_count,
  control_throws,
  control_nan,
};

struct Expected {
  Misbehaviour what;
  const char* id;
  Verdict trial_verdict;  // of the formula, at the hostile trial
  Failure failure;        // of the formula (or of control 0, for the control cases)
  const char* message;    // a part of that judgement's one-line message
  Verdict case_verdict;
};

// The other trials pass, so a FAIL at one trial fails the case, while an
// INCONCLUSIVE one (f not finite: the numerics cannot judge there) does not.
const Expected expectations[] = {
    {Misbehaviour::sample_throws, "sample_throws", Verdict::fail, Failure::exception,
     "drawing the point threw: hostile sampler", Verdict::fail},
    // No coordinate to check: the library refuses it (gradcheck::Error), the
    // runner fails that trial naming why, and the controls there too.
    {Misbehaviour::sample_empty_x, "sample_empty_x", Verdict::fail, Failure::exception,
     "the check refused the point: x is empty: nothing to check", Verdict::fail},
    {Misbehaviour::f_throws, "f_throws", Verdict::fail, Failure::exception, "f threw at x: hostile f", Verdict::fail},
    {Misbehaviour::f_throws_non_standard, "f_throws_non_standard", Verdict::fail, Failure::exception,
     "an exception not derived from std::exception", Verdict::fail},
    {Misbehaviour::f_nan, "f_nan", Verdict::inconclusive, Failure::non_finite, "not finite", Verdict::pass},
    {Misbehaviour::f_inf, "f_inf", Verdict::inconclusive, Failure::non_finite, "not finite", Verdict::pass},
    {Misbehaviour::f_no_values, "f_no_values", Verdict::fail, Failure::exception,
     "f returned 0 values, expected 1 (the loss)", Verdict::fail},
    {Misbehaviour::f_two_values, "f_two_values", Verdict::fail, Failure::exception,
     "f returned 2 values, expected 1 (the loss)", Verdict::fail},
    {Misbehaviour::claim_throws, "claim_throws", Verdict::fail, Failure::exception, "the claim threw: hostile claim",
     Verdict::fail},
    {Misbehaviour::claim_nan, "claim_nan", Verdict::fail, Failure::non_finite, "not finite", Verdict::fail},
    {Misbehaviour::claim_inf, "claim_inf", Verdict::fail, Failure::non_finite, "not finite", Verdict::fail},
    {Misbehaviour::claim_wrong_block_shape, "claim_wrong_block_shape", Verdict::fail, Failure::wrong_shape,
     "your claim for x is 1\u00d7", Verdict::fail},
    {Misbehaviour::claim_wrong_block_count, "claim_wrong_block_count", Verdict::fail, Failure::wrong_shape,
     "claim has 2 blocks, expected 1", Verdict::fail},
    // A control that cannot be evaluated is rejected there (it is not the
    // formula); the formula still passes, and so does the case.
    {Misbehaviour::control_throws, "control_throws", Verdict::pass, Failure::exception,
     "the claim threw: hostile control", Verdict::pass},
    {Misbehaviour::control_nan, "control_nan", Verdict::pass, Failure::non_finite, "not finite", Verdict::pass},
};

// J(x) = ½‖x‖² with gradient x, and two controls wrong at every point (2x,
// −x); `what` happens at trial `bad_trial` only (or at every trial if -1),
// at every point drawn in it, so no redraw escapes it.
CheckCase hostile_case(const Expected& e, int bad_trial) {
  const Misbehaviour what = e.what;
  return {
      .id = e.id,
      .notes = "(h)",
      .description = std::string("hostile: ") + e.id,
      .formula = "dJ/dx = x",
      .convention = "x in R^n",
      // Listed by hand: name_controls cannot draw from a sampler that throws.
      .controls = {{"doubled", "2x"}, {"negated", "-x"}},
      .sample =
          [what, bad_trial](Rng& rng, const CaseSettings& s, int trial) {
            const bool bad = bad_trial < 0 || trial == bad_trial;
            if (bad && what == Misbehaviour::sample_throws) throw std::runtime_error("hostile sampler");
            const Eigen::Index n =
                bad && what == Misbehaviour::sample_empty_x ? 0 : random_index(rng, s.sizes.n.lo, s.sizes.n.hi);
            Problem p;
            p.point = "n=" + std::to_string(n);
            p.layout = {{"x", n, 1}};
            p.x = random_normal(rng, n);
            p.f = [what, bad](const VectorXd& x) -> VectorXd {
              if (!bad) return VectorXd::Constant(1, 0.5 * x.squaredNorm());
              switch (what) {
                case Misbehaviour::f_throws:
                  throw std::runtime_error("hostile f");
                case Misbehaviour::f_throws_non_standard:
                  throw 42;
                case Misbehaviour::f_nan:
                  return VectorXd::Constant(1, nan);
                case Misbehaviour::f_inf:
                  return VectorXd::Constant(1, inf);
                case Misbehaviour::f_no_values:
                  return VectorXd();
                case Misbehaviour::f_two_values:
                  return VectorXd::Constant(2, 0.5 * x.squaredNorm());
                default:
                  return VectorXd::Constant(1, 0.5 * x.squaredNorm());
              }
            };
            p.claim = [what, bad](const VectorXd& x) -> std::vector<MatrixXd> {
              if (!bad) return {x};
              switch (what) {
                case Misbehaviour::claim_throws:
                  throw std::runtime_error("hostile claim");
                case Misbehaviour::claim_nan:
                  return {VectorXd::Constant(x.size(), nan)};
                case Misbehaviour::claim_inf: {
                  VectorXd g = x;
                  g(g.size() - 1) = -inf;  // the last entry only
                  return {g};
                }
                case Misbehaviour::claim_wrong_block_shape:
                  return {MatrixXd(x.transpose())};
                case Misbehaviour::claim_wrong_block_count:
                  return {x, x};
                default:
                  return {x};
              }
            };
            p.controls = {{"doubled", "2x",
                           [what, bad](const VectorXd& x) -> std::vector<MatrixXd> {
                             if (bad && what == Misbehaviour::control_throws) {
                               throw std::runtime_error("hostile control");
                             }
                             if (bad && what == Misbehaviour::control_nan) return {VectorXd::Constant(x.size(), nan)};
                             return {2.0 * x};
                           }},
                          {"negated", "-x", [](const VectorXd& x) { return std::vector<MatrixXd>{-x}; }}};
            return p;
          },
  };
}

CaseSettings settings() {
  CaseSettings s;
  s.trials = trials;
  s.sizes.n = {2, 6};
  return s;
}

// A case that behaves, run beside the hostile ones.
CheckCase good_case() {
  Expected e{Misbehaviour::f_nan, "well_behaved", Verdict::pass, Failure::none, "", Verdict::pass};
  return hostile_case(e, trials + 1);  // the bad trial is never run
}

const Judgement& judged(const TrialReport& t, Misbehaviour what) {
  return what == Misbehaviour::control_throws || what == Misbehaviour::control_nan ? t.controls[0] : t.formula;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile)

BOOST_AUTO_TEST_CASE(each_misbehaviour_is_reported_for_its_trial_and_the_others_run) {
  for (const Expected& e : expectations) {
    for (const int bad : {0, trials - 1}) {
      BOOST_TEST_CONTEXT(e.id << " at trial " << bad) {
        const CheckCase c = hostile_case(e, bad);
        const CaseReport r = run_case(c, settings(), 7);
        BOOST_TEST_REQUIRE(r.trials.size() == static_cast<std::size_t>(trials));
        for (const TrialReport& t : r.trials) {
          BOOST_TEST_REQUIRE(t.controls.size() == 2U);
          const Judgement& j = judged(t, e.what);
          if (t.trial == bad) {
            BOOST_TEST(t.formula.result.verdict == e.trial_verdict);
            BOOST_TEST(j.result.failure == e.failure);
            BOOST_TEST(j.result.message.find(e.message) != std::string::npos, j.result.message);
            BOOST_TEST(j.result.message.find('\n') == std::string::npos);  // one line
          } else {
            BOOST_TEST(t.formula.result.verdict == Verdict::pass, t.formula.result.message);
            BOOST_TEST(t.controls[0].result.verdict == Verdict::fail);  // rejected
            BOOST_TEST(t.controls[1].result.verdict == Verdict::fail);
          }
        }
        BOOST_TEST(r.verdict() == e.case_verdict);
        // The plot of the trial the reports show (the hostile one when it
        // failed) is drawn again from the same point: gaps and notes, no crash.
        const int w = worst_trial(r);
        BOOST_TEST_REQUIRE(w >= 0);
        const StepCurves curves = step_curves(c, r.settings, r.seed, r.trials[static_cast<std::size_t>(w)].trial);
        BOOST_TEST(curves.trial == r.trials[static_cast<std::size_t>(w)].trial);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(f_not_finite_in_every_trial_leaves_the_case_inconclusive_not_passed) {
  const auto f_nan = std::find_if(std::begin(expectations), std::end(expectations),
                                  [](const Expected& e) { return e.what == Misbehaviour::f_nan; });
  const CheckCase c = hostile_case(*f_nan, -1);  // f_nan everywhere
  const CaseReport r = run_case(c, settings(), 7);
  BOOST_TEST(r.verdict() == Verdict::inconclusive);
  BOOST_TEST(!r.passed());
  for (const TrialReport& t : r.trials) BOOST_TEST(t.points == settings().resample + 1);  // every redraw tried
}

BOOST_AUTO_TEST_CASE(the_reports_of_a_run_with_hostile_cases_hold_every_case) {
  std::vector<CheckCase> cases = {good_case()};
  for (const Expected& e : expectations)
    cases.push_back(hostile_case(e, e.what == Misbehaviour::f_nan ? 0 : trials - 1));
  std::vector<CaseReport> reports;
  for (const CheckCase& c : cases) {
    reports.push_back(run_case(c, settings(), 5));
    CaseReport& r = reports.back();
    r.curves = step_curves(c, r.settings, r.seed, r.trials[static_cast<std::size_t>(worst_trial(r))].trial);
  }
  const RunInfo info{.seed = 5, .fixture = "", .command_line = "hostile_tests"};
  const fs::path dir = tests::scratch("hostile", "reports");
  fs::remove_all(dir);
  prepare_report_dir(dir);
  write_atomically({{dir / "gradcheck.json", to_json(reports, info).dump(2)},
                    {dir / "gradcheck.md", to_markdown(reports, info)},
                    {dir / "gradcheck.html", to_html(reports, info)},
                    {dir / "junit.xml", to_junit(reports, info)}});

  const nlohmann::json json = nlohmann::json::parse(std::ifstream(dir / "gradcheck.json"));
  BOOST_TEST_REQUIRE(json["cases"].size() == cases.size());
  BOOST_TEST(json["cases"][0]["id"] == "well_behaved");
  BOOST_TEST(json["cases"][0]["verdict"] == "pass");
  BOOST_TEST(json["cases"][0]["trials_passed"] == trials);
  int failed = 0;
  for (std::size_t k = 0; k < std::size(expectations); ++k) {
    const Expected& e = expectations[k];
    const auto& c = json["cases"][k + 1];
    BOOST_TEST_CONTEXT(e.id) {
      BOOST_TEST(c["id"] == e.id);
      BOOST_TEST(c["verdict"] == to_string(e.case_verdict));
      BOOST_TEST(c["trial_results"].size() == static_cast<std::size_t>(trials));
      failed += e.case_verdict == Verdict::fail ? 1 : 0;
    }
  }
  BOOST_TEST(json["summary"]["cases"] == cases.size());
  BOOST_TEST(json["summary"]["failed"] == failed);

  std::ifstream md(dir / "gradcheck.md");
  const std::string markdown(std::istreambuf_iterator<char>(md), {});
  for (const CheckCase& c : cases) BOOST_TEST(markdown.find("| `" + c.id + "` |") != std::string::npos, c.id);
  namespace pt = boost::property_tree;
  for (const char* xml : {"gradcheck.html", "junit.xml"}) {
    pt::ptree tree;
    BOOST_CHECK_NO_THROW(pt::read_xml((dir / xml).string(), tree));
  }
  std::ifstream junit(dir / "junit.xml");
  const std::string text(std::istreambuf_iterator<char>(junit), {});
  for (const CheckCase& c : cases) BOOST_TEST(text.find("name=\"" + c.id + "\"") != std::string::npos, c.id);
  fs::remove_all(dir.parent_path());
}

// An empty x has no derivative to compare (it segfaulted before): every entry
// point refuses it with gradcheck::Error, in every mode, before calling f or
// the claim. Control: the same functions at one coordinate are checked.
BOOST_AUTO_TEST_CASE(an_empty_x_is_refused_before_f_is_called) {
  int calls = 0;
  const auto f = [&calls](const auto& x) {
    ++calls;
    // The scalar type, not an AD expression holding the temporary squaredNorm() by reference.
    using Scalar = typename std::remove_cvref_t<decltype(x)>::Scalar;
    return Scalar(0.5 * x.squaredNorm());
  };
  const auto grad = [&calls](const auto& x) {
    ++calls;
    return x;
  };
  const auto refused = [](const Error& e) { return std::string(e.what()) == "x is empty: nothing to check"; };
  for (const Mode mode : {Mode::full, Mode::sampled, Mode::directional, Mode::automatic}) {
    BOOST_TEST_CONTEXT(to_string(mode)) {
      CheckOptions o;
      o.mode = mode;
      BOOST_CHECK_EXCEPTION(plan(0, o), Error, refused);
      BOOST_CHECK_EXCEPTION(check_gradient(f, grad, VectorXd(), o), Error, refused);
      BOOST_CHECK_EXCEPTION(
          check_jacobian([&f](const VectorXd& x) { return VectorXd::Constant(1, f(x)); },
                         [&grad](const VectorXd& x) { return MatrixXd(grad(x).transpose()); }, VectorXd(), o),
          Error, refused);
      BOOST_CHECK_EXCEPTION(check_gradient_templated(f, grad, VectorXd(), o), Error, refused);
    }
  }
  BOOST_CHECK_EXCEPTION(check_gradient(f, grad, Eigen::VectorXf()), Error, refused);
  BOOST_CHECK_EXCEPTION(check_gradient_templated(f, grad, Eigen::VectorXf()), Error, refused);
  // f : R^n → R^n, x ↦ x²/2 elementwise, with Jacobian diag(x), in every form.
  const auto halved_squares = [&calls](const auto& x) {
    ++calls;
    using Vector = std::remove_cvref_t<decltype(x)>;
    return Vector(0.5 * x.cwiseProduct(x));
  };
  const auto diagonal = [&calls](const auto& x) {
    ++calls;
    using Scalar = typename std::remove_cvref_t<decltype(x)>::Scalar;
    return Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>(x.asDiagonal());
  };
  BOOST_CHECK_EXCEPTION(check_jacobian(halved_squares, diagonal, Eigen::VectorXf()), Error, refused);
  BOOST_CHECK_EXCEPTION(check_jacobian_templated(halved_squares, diagonal, VectorXd()), Error, refused);
  BOOST_CHECK_EXCEPTION(check_jacobian_templated(halved_squares, diagonal, Eigen::VectorXf()), Error, refused);
  BOOST_TEST(calls == 0);
  BOOST_TEST(check_gradient(f, grad, VectorXd::Constant(1, 0.5)).passed);
  BOOST_TEST(check_gradient(f, grad, Eigen::VectorXf::Constant(1, 0.5F)).passed);
  BOOST_TEST(check_gradient_templated(f, grad, VectorXd(VectorXd::Constant(1, 0.5))).passed);
  BOOST_TEST(check_jacobian(halved_squares, diagonal, Eigen::VectorXf::Constant(1, 0.5F)).passed);
  BOOST_TEST(check_jacobian_templated(halved_squares, diagonal, VectorXd(VectorXd::Constant(1, 0.5))).passed);
  BOOST_TEST(
      check_jacobian_templated(halved_squares, diagonal, Eigen::VectorXf(Eigen::VectorXf::Constant(1, 0.5F))).passed);
  BOOST_TEST(calls > 0);
}

BOOST_AUTO_TEST_SUITE_END()
