// Tests of the case runner: entry names, block shapes, verdicts of a case and
// its controls, reproducibility of trials, fixture settings and report files.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cases.hpp"
#include "gradcheck/error.hpp"
#include "report/atomic_write.hpp"
#include "report/queries.hpp"
#include "report/report.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"
#include "scratch.hpp"

using namespace gradcheck;
using namespace gradcheck::report;
using namespace gradcheck::runner;
using Eigen::MatrixXd;
using Eigen::VectorXd;
namespace fs = std::filesystem;

namespace {

// A toy case: J(x) = ½‖x‖², gradient x; control 0 is wrong (2x), control 1
// is wrong only if `second_control_wrong`.
CheckCase toy_case(bool second_control_wrong = true) {
  return name_controls({
      .id = "toy",
      .notes = "(t)",
      .description = "toy",
      .formula = "dJ/dx = x",
      .convention = "x in R^n",
      .sample =
          [second_control_wrong](Rng& rng, const CaseSettings& s, int) {
            const Eigen::Index n = random_index(rng, s.sizes.n.lo, s.sizes.n.hi);
            Problem p;
            p.point = "n=" + std::to_string(n);
            p.layout = {{"x", n, 1}};
            p.x = random_normal(rng, n);
            p.f = [](const VectorXd& x) { return VectorXd::Constant(1, 0.5 * x.squaredNorm()); };
            p.claim = [](const VectorXd& x) { return std::vector<MatrixXd>{x}; };
            p.controls = {
                {"doubled", "2x", [](const VectorXd& x) { return std::vector<MatrixXd>{2.0 * x}; }},
                {"maybe", "x or -x",
                 [second_control_wrong](const VectorXd& x) {
                   return std::vector<MatrixXd>{second_control_wrong ? MatrixXd(-x) : MatrixXd(x)};
                 }},
            };
            return p;
          },
  });
}

// −s_o + logsumexp(s) with its gradient ŷ − y (xent_grad_logits in small).
// The first point of each trial is the one xent_grad_logits drew in trial
// 3131 at scale 30 (seed 1): the whole gradient is below 1e-13, under the
// resolution of f (the grid of 67); redraws are mild points (scores ~1).
// Control 0 is the sign flip y − ŷ, control 1 forgets y (ŷ).
CheckCase below_resolution_case() {
  auto draws = std::make_shared<std::pair<int, int>>(-1, 0);  // (trial, points drawn in it)
  return {
      .id = "saturated_xent",
      .notes = "(t)",
      .description = "cross-entropy gradient, first at a point below resolution",
      .formula = "dJ/ds = yhat - y",
      .convention = "s in R^11, o = 4",
      // Listed by hand: name_controls would draw a point and advance `draws`.
      .controls = {{"sign_flipped", "y - yhat"}, {"forgot_y", "yhat"}},
      .sample =
          [draws](Rng& rng, const CaseSettings&, int trial) {
            if (draws->first != trial) *draws = {trial, 0};
            const bool saturated = draws->second++ == 0;
            constexpr Eigen::Index o = 4;
            const VectorXd drawn = (VectorXd(11) << 15.72153864064856, 36.04711586266242, 2.453549732341493,
                                    -98.09568364588607, 66.87949602884169, -42.93600514454671, 12.247953055582915,
                                    13.221347062888643, -31.8965846413707, 15.673196167630445, -36.6072099534015)
                                       .finished();
            const auto gradient = [](const VectorXd& s) -> VectorXd {
              VectorXd yhat = (s.array() - s.maxCoeff()).exp();
              yhat /= yhat.sum();
              yhat(o) -= 1.0;
              return yhat;
            };
            Problem p;
            p.point = saturated ? "saturated" : "mild";
            p.layout = {{"s", 11, 1}};
            p.x = saturated ? drawn : VectorXd(random_normal(rng, 11));
            p.f = [](const VectorXd& s) {
              const double top = s.maxCoeff();
              return VectorXd::Constant(1, top + std::log((s.array() - top).exp().sum()) - s(o));
            };
            p.claim = [gradient](const VectorXd& s) { return std::vector<MatrixXd>{gradient(s)}; };
            p.controls = {
                {"sign_flipped", "y - yhat",
                 [gradient](const VectorXd& s) { return std::vector<MatrixXd>{-gradient(s)}; }},
                {"forgot_y", "yhat",
                 [gradient](const VectorXd& s) {
                   VectorXd g = gradient(s);
                   g(o) += 1.0;
                   return std::vector<MatrixXd>{g};
                 }},
            };
            return p;
          },
  };
}

// A judgement with only what the control accounting reads.
Judgement judged(Verdict verdict, bool indistinguishable = false) {
  Judgement j;
  j.result.verdict = verdict;
  j.result.passed = verdict == Verdict::pass;
  j.indistinguishable = indistinguishable;
  return j;
}

// J(x) = ½‖x‖² + |x_0|, gradient x + sgn(x_0) e_0 (0 at x_0 = 0, the value of
// the central difference there). Trial 0 is at the kink, x_0 = 0, where
// control "equal" is the formula itself, "near" is 1.105 times it (accepted
// under rtol 0.1, yet beyond the formula's allowance of 0.1 of each entry) and
// "kink" claims the right slope 1 for x_0 (INCONCLUSIVE there); in trial 1,
// at x_0 = 0.6, all three are 3 times the formula, as "wrong" always is.
CheckCase accounting_case() {
  return name_controls({
      .id = "accounting",
      .notes = "(t)",
      .description = "controls rejected, accepted, indistinguishable, inconclusive",
      .formula = "dJ/dx = x + sgn(x_0) e_0",
      .convention = "x in R^3",
      .sample =
          [](Rng&, const CaseSettings&, int trial) {
            const auto gradient = [](const VectorXd& x) -> MatrixXd {
              VectorXd g = x;
              g(0) += x(0) > 0.0 ? 1.0 : x(0) < 0.0 ? -1.0 : 0.0;
              return g;
            };
            const bool at_kink = trial == 0;
            const auto control = [gradient, at_kink](double here, std::optional<double> slope = std::nullopt) {
              return [=](const VectorXd& x) {
                if (!at_kink) return std::vector<MatrixXd>{3.0 * gradient(x)};
                MatrixXd g = here * gradient(x);
                if (slope) g(0) = *slope;
                return std::vector<MatrixXd>{g};
              };
            };
            Problem p;
            p.point = at_kink ? "x_0 = 0" : "x_0 = 0.6";
            p.layout = {{"x", 3, 1}};
            p.x = (VectorXd(3) << (at_kink ? 0.0 : 0.6), 0.5, -0.8).finished();
            p.f = [](const VectorXd& x) { return VectorXd::Constant(1, 0.5 * x.squaredNorm() + std::abs(x(0))); };
            p.claim = [gradient](const VectorXd& x) { return std::vector<MatrixXd>{gradient(x)}; };
            p.controls = {
                {"equal", "the formula at x_0 = 0", control(1.0)},
                {"near", "1.105 times it", control(1.105)},
                {"kink", "slope 1 at the kink", control(1.0, 1.0)},
                {"wrong", "3 times it",
                 [gradient](const VectorXd& x) { return std::vector<MatrixXd>{3.0 * gradient(x)}; }},
            };
            return p;
          },
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(runner)

BOOST_AUTO_TEST_CASE(entries_are_named_by_block_row_and_column) {
  const std::vector<Block> layout = {{"v_c", 3, 1}, {"U", 2, 3}, {"J", 1, 1}};
  BOOST_TEST(entry_name(layout, 0) == "v_c[0]");
  BOOST_TEST(entry_name(layout, 2) == "v_c[2]");
  BOOST_TEST(entry_name(layout, 3) == "U[0,0]");  // column-major: U[0,0], U[1,0], U[0,1], ...
  BOOST_TEST(entry_name(layout, 4) == "U[1,0]");
  BOOST_TEST(entry_name(layout, 5) == "U[0,1]");
  BOOST_TEST(entry_name(layout, 8) == "U[1,2]");
  BOOST_TEST(entry_name(layout, 9) == "J");
  BOOST_TEST(layout_size(layout) == 10);
}

BOOST_AUTO_TEST_CASE(a_claim_of_the_wrong_block_shape_is_named) {
  Problem p;
  p.layout = {{"U", 2, 3}};
  p.x = VectorXd::Ones(6);
  p.f = [](const VectorXd& x) { return VectorXd::Constant(1, x.sum()); };
  const Judgement j = judge_claim(p, [](const VectorXd&) { return std::vector<MatrixXd>{MatrixXd::Ones(3, 2)}; }, {});
  BOOST_TEST(j.result.failure == Failure::wrong_shape);
  BOOST_TEST(j.result.message == "your claim for U is 3\u00d72; U is 2\u00d73 (the transpose)");
  const Judgement right =
      judge_claim(p, [](const VectorXd&) { return std::vector<MatrixXd>{MatrixXd::Ones(2, 3)}; }, {});
  BOOST_TEST(right.result.passed, right.result.message);
  const Judgement wrong = judge_claim(p,
                                      [](const VectorXd&) {
                                        MatrixXd g = MatrixXd::Ones(2, 3);
                                        g(1, 2) = 5.0;
                                        return std::vector<MatrixXd>{g};
                                      },
                                      {});
  BOOST_TEST(!wrong.result.passed);
  BOOST_TEST(wrong.worst_entry == "U[1,2]");
  BOOST_TEST(wrong.result.message.rfind("U[1,2]: ", 0) == 0U, wrong.result.message);
}

BOOST_AUTO_TEST_CASE(case_passes_only_if_every_control_is_rejected) {
  CaseSettings s;
  s.trials = 5;
  const CheckCase good = toy_case(true);
  const CaseReport r = run_case(good, s, 42);
  BOOST_TEST(r.trials.size() == 5U);
  BOOST_TEST(r.formula_passes() == 5);
  BOOST_TEST(r.control_rejections(0) == 5);
  BOOST_TEST(r.passed());

  const CheckCase weak = toy_case(false);  // control "maybe" is the right formula
  const CaseReport w = run_case(weak, s, 42);
  BOOST_TEST(w.control_rejections(1) == 0);
  BOOST_TEST(!w.passed());
}

// Each control is declared once, with its claim, where the point is drawn;
// the case's list of names is read from a drawn point.
BOOST_AUTO_TEST_CASE(controls_are_named_from_a_drawn_point) {
  const CheckCase c = toy_case();
  BOOST_TEST_REQUIRE(c.controls.size() == 2U);
  BOOST_TEST(c.controls[0].id == "doubled");
  BOOST_TEST(c.controls[1].description == "x or -x");
}

// Control: a case whose list of names is not what its points carry fails
// every trial, naming both lists, rather than counting rejections under the
// wrong names.
BOOST_AUTO_TEST_CASE(a_point_whose_controls_differ_from_the_case_fails_its_trial) {
  CheckCase c = toy_case();
  c.controls.pop_back();
  CaseSettings s;
  s.trials = 2;
  const CaseReport r = run_case(c, s, 42);
  BOOST_TEST(!r.passed());
  for (const TrialReport& t : r.trials) {
    BOOST_TEST((t.formula.result.failure == Failure::exception));
    BOOST_TEST(t.formula.result.message.find("the point has the controls [doubled, maybe], the case lists [doubled]") !=
                   std::string::npos,
               t.formula.result.message);
  }
}

// A control at a point where the whole gradient is below resolution is not
// counted as accepted (its sign flip passed there like the formula, and the
// case failed): the formula and the control are INCONCLUSIVE, the point is
// redrawn, and the control is judged, and rejected, at the next one.
BOOST_AUTO_TEST_CASE(a_control_below_resolution_is_redrawn_not_accepted) {
  CaseSettings s;
  s.trials = 3;
  const CheckCase c = below_resolution_case();
  const CaseReport r = run_case(c, s, 7);
  for (const TrialReport& t : r.trials) {
    BOOST_TEST(t.points == 2);
    BOOST_TEST(t.point == "mild");
    BOOST_TEST(t.formula.result.verdict == Verdict::pass, t.formula.result.message);
    BOOST_TEST(t.controls[0].result.verdict == Verdict::fail, t.controls[0].result.message);
  }
  BOOST_TEST(r.inconclusive_points() == 3);
  BOOST_TEST(accepted_trials(r, 0).empty());
  BOOST_TEST(r.controls_caught() == 2);
  BOOST_TEST(r.passed());

  // Not redrawn: the trial stays inconclusive, counted, neither a failure of
  // the formula nor an acceptance of the sign flip; forgetting y (1 where the
  // derivative is 0) is rejected even there.
  s.resample = 0;
  const CaseReport once = run_case(c, s, 7);
  for (const TrialReport& t : once.trials) {
    BOOST_TEST(t.point == "saturated");
    BOOST_TEST(t.formula.result.verdict == Verdict::inconclusive, t.formula.result.message);
    BOOST_TEST(t.controls[0].result.verdict == Verdict::inconclusive, t.controls[0].result.message);
    BOOST_TEST(t.controls[1].result.verdict == Verdict::fail, t.controls[1].result.message);
  }
  BOOST_TEST(once.formula_failures() == 0);
  BOOST_TEST(once.inconclusive_trials() == 3);
  BOOST_TEST(accepted_trials(once, 0).empty());
  BOOST_TEST(once.verdict() == Verdict::inconclusive);
}

// naive_softmax_grad_center, trial 8794 at scale 30 (seed 1): a loss of 1e4
// whose softmax switches within 0.02 along v_c[6], inside Ridders' ladder.
// A ladder from 1e-3 extrapolated -20.28232524, 4e-5 off with an estimate of
// 3.4e-6, and the correct -20.28236562 FAILED. The ladder is now kept below
// the bend (its one-sided bends disagree there, as across a kink): the
// correct claim PASSES, and wrong claims still FAIL.
BOOST_AUTO_TEST_CASE(ridders_biased_by_a_bend_within_its_ladder_is_not_a_failure) {
  const CheckCase* c = &checks::find_case("naive_softmax_grad_center");
  CaseSettings s;
  s.scale = 30.0;
  constexpr int trial = 8794;
  Rng rng = trial_rng(1, c->id, trial);
  const Problem p = c->sample(rng, s, trial);
  BOOST_TEST_REQUIRE(p.point == "V=47 d=9 o=29");  // the point the calibration drew
  CheckOptions o = s.check;
  o.seed = trial_rng(1, c->id + "/check", trial)();
  const Judgement right = judge_claim(p, p.claim, o);
  BOOST_TEST(right.result.verdict == Verdict::pass, right.result.message);
  for (std::size_t k = 0; k < p.controls.size(); ++k) {
    const Judgement control = judge_claim(p, p.controls[k].claim, o);
    BOOST_TEST(control.result.verdict == Verdict::fail, c->controls[k].id << ": " << control.result.message);
  }
  // A relative error in the entry concerned: 1e-5 is below what small steps
  // past the bend show wrong (kink_fail_share), never passed; 1e-2 FAILs.
  // And an error of 1e-4 in every entry FAILs.
  const auto one_entry = [&p](double error) -> Claim {
    return [&p, error](const VectorXd& x) {
      std::vector<MatrixXd> g = p.claim(x);
      g[0](6) *= 1.0 + error;
      return g;
    };
  };
  BOOST_TEST(judge_claim(p, one_entry(1e-5), o).result.verdict != Verdict::pass);
  BOOST_TEST(judge_claim(p, one_entry(1e-2), o).result.verdict == Verdict::fail,
             judge_claim(p, one_entry(1e-2), o).result.message);
  const Claim all = [&p](const VectorXd& x) { return std::vector<MatrixXd>{(1.0 + 1e-4) * p.claim(x)[0]}; };
  BOOST_TEST(judge_claim(p, all, o).result.verdict == Verdict::fail);
}

// naive_softmax_grad_center, trial 594 at scale 30 (seed 11): a saturated
// point where f does not move along v_c[17] at any step tried, and the
// correct claim -1.7e-12 predicts a change over the first step below f's
// rounding. It FAILED against the flat 0; it is INCONCLUSIVE (the runner
// draws another point). A claim of 1e-6 there, a change far above f's
// rounding, still FAILs.
BOOST_AUTO_TEST_CASE(a_claim_where_f_never_moves_is_not_failed_below_its_rounding) {
  const CheckCase* c = &checks::find_case("naive_softmax_grad_center");
  CaseSettings s;
  s.scale = 30.0;
  constexpr int trial = 594;
  Rng rng = trial_rng(11, c->id, trial);
  const Problem p = c->sample(rng, s, trial);
  BOOST_TEST_REQUIRE(p.point == "V=8 d=19 o=6");
  CheckOptions o = s.check;
  o.seed = trial_rng(11, c->id + "/check", trial)();
  const Judgement right = judge_claim(p, p.claim, o);
  BOOST_TEST(right.result.verdict != Verdict::fail, right.result.message);
  const Claim wrong = [&p](const VectorXd& x) {
    std::vector<MatrixXd> g = p.claim(x);
    g[0](17) = 1e-6;
    return g;
  };
  const Judgement rejected = judge_claim(p, wrong, o);
  BOOST_TEST(rejected.result.verdict == Verdict::fail, rejected.result.message);
  BOOST_TEST(rejected.result.worst_input == 17);
}

BOOST_AUTO_TEST_CASE(an_exception_while_drawing_fails_that_trial_only) {
  CheckCase c = toy_case();
  const auto sample = c.sample;
  c.sample = [sample](Rng& rng, const CaseSettings& s, int trial) {
    if (trial == 1) throw std::runtime_error("bad draw");
    return sample(rng, s, trial);
  };
  CaseSettings s;
  s.trials = 3;
  const CaseReport r = run_case(c, s, 1);
  BOOST_TEST(r.formula_passes() == 2);
  BOOST_TEST(r.trials[1].formula.result.failure == Failure::exception);
  BOOST_TEST(r.trials[1].formula.result.message == "drawing the point threw: bad draw");
  BOOST_TEST(!r.passed());
}

BOOST_AUTO_TEST_CASE(one_trial_reruns_exactly_the_same_point) {
  CaseSettings s;
  s.trials = 6;
  const CheckCase c = toy_case();
  const CaseReport all = run_case(c, s, 99);
  const CaseReport again = run_case(c, s, 99);
  const CaseReport one = run_case(c, s, 99, 4);
  BOOST_TEST_REQUIRE(one.trials.size() == 1U);
  BOOST_TEST(one.trials[0].point == all.trials[4].point);
  BOOST_TEST(one.trials[0].formula.result.max_abs_error == all.trials[4].formula.result.max_abs_error);
  BOOST_TEST(one.trials[0].controls[0].result.worst_numeric == all.trials[4].controls[0].result.worst_numeric);
  for (std::size_t t = 0; t < all.trials.size(); ++t) {
    BOOST_TEST((all.trials[t].formula.result.numeric == again.trials[t].formula.result.numeric));
  }
  BOOST_TEST(all.reproduce(4) == "gradcheck run toy --seed 99 --trial 4");
}

BOOST_AUTO_TEST_CASE(fixture_sections_override_top_level_and_flags_override_both) {
  const fs::path path = tests::scratch("runner", "fixture.cfg");
  std::ofstream(path) << "seed = 5\ntrials = 5\nV = 3..9\n[toy]\ntrials = 7\n";
  const SettingsSource plain(path.string(), {"toy", "other"});
  BOOST_TEST(plain.for_case("toy").trials == 7);
  BOOST_TEST(plain.for_case("other").trials == 5);
  BOOST_TEST((plain.for_case("other").sizes.V == Range{3, 9}));
  BOOST_TEST(plain.seed() == 5U);

  namespace po = boost::program_options;
  po::options_description flags = setting_flags();
  flags.add_options()("seed", po::value<std::string>());
  const char* argv[] = {"gradcheck", "--trials", "11", "--seed", "8"};
  po::variables_map vm;
  po::store(po::parse_command_line(5, argv, flags), vm);
  const SettingsSource overridden(path.string(), {"toy"}, vm);
  BOOST_TEST(overridden.for_case("toy").trials == 11);
  BOOST_TEST(overridden.seed() == 8U);
}

// Entries named as the reports name them (entry_name) resolve back to their
// coordinates; names the layout does not have are refused, naming them.
BOOST_AUTO_TEST_CASE(named_entries_resolve_to_the_coordinates_entry_name_prints) {
  namespace po = boost::program_options;
  const std::vector<Block> layout = {{"v_c", 3, 1}, {"U", 4, 3}, {"b", 1, 1}, {"r", 1, 2}};
  const auto parse = [](const std::string& text) {
    boost::any v;
    validate(v, {text}, static_cast<EntryNames*>(nullptr), 0);
    return boost::any_cast<EntryNames>(v);
  };
  for (Eigen::Index k = 0; k < layout_size(layout); ++k) {
    const std::string name = entry_name(layout, k);
    const std::vector<Eigen::Index> back = resolve_entries(layout, parse(name));
    BOOST_TEST_REQUIRE(back.size() == 1U);
    BOOST_TEST(back[0] == k, name);
  }
  const EntryNames two = parse(" U[3, 1] ,v_c[0]");
  BOOST_TEST(to_string(two) == "U[3,1],v_c[0]");
  BOOST_TEST((resolve_entries(layout, two) == std::vector<Eigen::Index>{3 + 3 + 1 * 4, 0}));
  BOOST_TEST((resolve_entries(layout, parse("v_c[2,0], b[0,0]")) == std::vector<Eigen::Index>{2, 15}));
  BOOST_TEST(parse("").entries.empty());
  for (const char* bad : {"U[3", "U[3,1,2]", "U[-1,0]", "3[1]", "U[1],", "U[1] V[2]", "U[99999999999999999999]"}) {
    BOOST_CHECK_THROW(parse(bad), po::error);
  }
  const auto refusal = [&](const std::string& text) -> std::string {
    try {
      resolve_entries(layout, parse(text));
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  BOOST_TEST(refusal("W[1,0]") == "W[1,0] names no block of x: expected one of v_c, U, b, r");
  BOOST_TEST(refusal("r[1]") != "no error");  // a row block's entries are r[0,k]
  // The parser reads no sign, but EntryNames is a plain struct: a negative index is refused too.
  EntryNames negative;
  negative.entries = {{.block = "U", .index = {-1, 0}}};
  BOOST_CHECK_THROW(resolve_entries(layout, negative), Error);
  // A name is at most 256 characters: no regex runs over a hostile megabyte.
  BOOST_CHECK_THROW(parse(std::string(300, 'a')), po::error);
  BOOST_CHECK_THROW(parse("U" + std::string(100000, ' ') + "!"), po::error);
  BOOST_TEST(refusal("U[4,0]") ==
             "U[4,0] is not an entry of U, which is 4 x 3: expected U[row,col] with row < 4 and col < 3");
  BOOST_TEST(refusal("U[1]") ==
             "U[1] is not an entry of U, which is 4 x 3: expected U[row,col] with row < 4 and col < 3");
  BOOST_TEST(refusal("v_c[3]").find("expected v_c[index] or v_c[index,0] with row < 3") != std::string::npos);
  BOOST_TEST(refusal("U") != "no error");
}

// A sampled check judges a named entry besides its draws: a claim wrong only
// in an entry the draws miss passes without it and fails, naming it, with it.
BOOST_AUTO_TEST_CASE(a_sampled_check_judges_the_named_entries) {
  const CheckCase* c = &checks::find_case("naive_softmax_grad_outside");
  CaseSettings s;
  s.sizes.V = {40, 40};
  s.sizes.d = {6, 6};
  Rng rng = trial_rng(1, c->id, 0);
  const Problem p = c->sample(rng, s, 0);
  CheckOptions o;
  o.mode = Mode::sampled;
  o.samples = 2;
  o.seed = 7;
  const Judgement drawn = judge_claim(p, p.claim, o);
  BOOST_TEST_REQUIRE(drawn.result.passed, drawn.result.message);
  // The first coordinate of U the draws left out.
  const std::vector<Eigen::Index>& judged = drawn.result.inputs;
  Eigen::Index missed = 0;
  while (std::find(judged.begin(), judged.end(), missed) != judged.end()) ++missed;
  const std::string name = entry_name(p.layout, missed);
  const Claim wrong_there = [&p, missed](const VectorXd& x) {
    std::vector<MatrixXd> g = p.claim(x);
    g[0](missed) += 1e-3;
    return g;
  };
  BOOST_TEST(judge_claim(p, wrong_there, o).result.passed);  // not drawn: not judged
  boost::any v;
  validate(v, {name}, static_cast<EntryNames*>(nullptr), 0);
  const EntryNames named = boost::any_cast<EntryNames>(v);
  const Judgement caught = judge_claim(p, wrong_there, o, named);
  BOOST_TEST(caught.result.verdict == Verdict::fail, caught.result.message);
  BOOST_TEST(caught.worst_entry == name, name);
  BOOST_TEST(judge_claim(p, p.claim, o, named).result.passed);
  BOOST_TEST(judge_claim(p, p.claim, o, named).result.inputs.size() == judged.size() + 1);
}

// The fixture key and the mode it needs; an entry the smallest point lacks is
// refused before any trial.
BOOST_AUTO_TEST_CASE(entries_come_from_the_fixture_and_are_checked_up_front) {
  const fs::path path = tests::scratch("runner", "entries.cfg");
  std::ofstream(path) << "n = 3..9\n[toy]\nmode = sampled\nsamples = 1\nentries = x[2]\n";
  const SettingsSource source(path.string(), {"toy"});
  const CaseSettings s = source.for_case("toy");
  BOOST_TEST(to_string(s.entries) == "x[2]");
  BOOST_CHECK_NO_THROW(check_entries(toy_case(), s));
  const CheckCase toy = toy_case();  // the report points at it
  const CaseReport r = run_case(toy, s, 1);
  for (const TrialReport& t : r.trials) {  // one drawn coordinate, and x[2]
    const std::vector<Eigen::Index>& inputs = t.formula.result.inputs;
    BOOST_TEST((std::find(inputs.begin(), inputs.end(), 2) != inputs.end() && inputs.size() <= 2U), t.point);
  }
  std::ofstream(path) << "n = 2..9\n[toy]\nmode = sampled\nentries = x[2]\n";
  try {
    check_entries(toy_case(), SettingsSource(path.string(), {"toy"}).for_case("toy"));
    BOOST_FAIL("x[2] accepted at n = 2");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()) ==
               "entries = x[2] is invalid for case toy at its smallest sizes: x[2] is not an entry of x, "
               "which is 2 x 1: expected x[index] or x[index,0] with row < 2 and col < 1");
  }
  // Named by where the value came from, as every setting's error is.
  const SettingsSource from_file(path.string(), {"toy"});
  try {
    check_entries(toy_case(), from_file.for_case("toy"), from_file.origin("toy", "entries"));
    BOOST_FAIL("x[2] accepted at n = 2");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("fixture '" + path.string() + "', [toy] entries = x[2] is invalid") == 0U,
               e.what());
  }
  // The JSON report records the entries under the same name.
  const auto j = to_json({r}, {.seed = 1, .fixture = {}, .command_line = "test"});
  BOOST_TEST(j["cases"][0]["settings"]["entries"].dump() == R"(["x[2]"])");
  std::ofstream(path) << "[toy]\nmode = directional\nentries = x[0]\n";
  try {
    SettingsSource(path.string(), {"toy"}).for_case("toy");
    BOOST_FAIL("entries accepted in directional mode");
  } catch (const Error& e) {
    BOOST_TEST(
        std::string(e.what()).find("[toy] entries = x[0] is invalid: expected mode sampled") != std::string::npos,
        e.what());
  }
}

// A case whose draws add entries at random (leaky ReLU's kink entries, on half
// its draws) says what its smallest point is; a value case has no x to name.
BOOST_AUTO_TEST_CASE(entries_are_checked_against_the_true_smallest_point) {
  const CheckCase& leaky = checks::find_case("leaky_relu_derivative");
  CaseSettings s;
  s.sizes.n = {2, 20};
  s.check.mode = Mode::sampled;
  s.entries.entries = {{.block = "x", .index = {1}}};
  BOOST_CHECK_NO_THROW(check_entries(leaky, s));
  s.entries.entries = {{.block = "x", .index = {2}}};  // a drawn point of n = 2 may have 4 entries, the smallest 2
  BOOST_CHECK_THROW(check_entries(leaky, s), Error);
  s.entries.entries = {{.block = "J", .index = {}}};
  BOOST_CHECK_THROW(check_entries(checks::find_case("xent_onehot_identity"), s), Error);
}

// Mode auto prints its plan up front: the mode and evaluations at the smallest
// and largest n and around the switch, and the checks then do just that.
BOOST_AUTO_TEST_CASE(an_auto_plan_is_printed_up_front_and_kept) {
  const CheckCase toy = toy_case();
  CaseSettings s;
  s.sizes.n = {3, 9};
  s.trials = 12;
  s.check.mode = Mode::automatic;
  s.check.budget = 20;  // 7 + 2n <= 20 up to n = 6; then (20 - 7) / 2 = 6 directions
  const std::string more =
      " (at least, per check of the formula or a control: refinement, the noise probe's widening and narrowing "
      "down a failing direction add more)";
  BOOST_TEST(plan_text(toy, s) ==
             "plan: toy, mode auto, budget 20: n = 3: full, 13 evaluations ... n = 6: full, 19 evaluations; "
             "n = 7: directional with 6 directions, 19 evaluations ... n = 9: directional with 6 directions, 19 "
             "evaluations" +
                 more);
  const CaseReport r = run_case(toy, s, 3);
  bool saw_full = false;
  bool saw_directional = false;
  for (const TrialReport& t : r.trials) {
    const CheckResult& c = t.formula.result;
    const long n = std::stol(t.point.substr(2));  // the toy's point is "n=7"
    BOOST_TEST((c.options.mode == (n <= 6 ? Mode::full : Mode::directional)), t.point);
    BOOST_TEST(c.predicted_evaluations == (n <= 6 ? 7 + 2 * n : 19), t.point);
    BOOST_TEST(c.evaluations >= c.predicted_evaluations, t.point);
    // What the check judged: n coordinates, or 6 directions (input -1).
    const auto directions = std::count(c.inputs.begin(), c.inputs.end(), Eigen::Index{-1});
    BOOST_TEST((n <= 6 ? c.analytic.cols() == n && c.inputs.empty() : directions == 6), t.point);
    saw_full = saw_full || c.options.mode == Mode::full;
    saw_directional = saw_directional || c.options.mode == Mode::directional;
  }
  BOOST_TEST((saw_full && saw_directional));
  s.check.budget = 1000;
  BOOST_TEST(plan_text(toy, s) ==
             "plan: toy, mode auto, budget 1000: n = 3: full, 13 evaluations ... n = 9: full, 25 evaluations" + more);
  s.check.budget = 13;  // full at the smallest n only
  BOOST_TEST(plan_text(toy, s) ==
             "plan: toy, mode auto, budget 13: n = 3: full, 13 evaluations; n = 4: directional with 3 directions, 13 "
             "evaluations ... n = 9: directional with 3 directions, 13 evaluations" +
                 more);
  s.check.budget = 8;  // directional throughout, one direction at least
  BOOST_TEST(plan_text(toy, s) ==
             "plan: toy, mode auto, budget 8: n = 3: directional with 1 direction, 9 evaluations "
             "... n = 9: directional with 1 direction, 9 evaluations" +
                 more);
  s.sizes.n = {5, 5};
  BOOST_TEST(plan_text(toy, s) ==
             "plan: toy, mode auto, budget 8: n = 5: directional with 1 direction, 9 evaluations" + more);
  s.check.mode = Mode::full;
  BOOST_TEST(plan_text(toy, s).empty());
}

BOOST_AUTO_TEST_CASE(bad_fixtures_give_one_line_errors) {
  const auto message_of = [](const std::string& text) -> std::string {
    const fs::path path = tests::scratch("runner", "bad.cfg");
    std::ofstream(path) << text;
    try {
      SettingsSource(path.string(), {"toy"}).for_case("toy");
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  BOOST_TEST(message_of("tirals = 5\n").find("unrecognised option 'tirals'") != std::string::npos,
             message_of("tirals = 5\n"));
  BOOST_TEST(message_of("trials = many\n").find("trials") != std::string::npos);
  BOOST_TEST(message_of("V = 9..3\n").find("9..3") != std::string::npos, message_of("V = 9..3\n"));
  const std::string bad = tests::scratch("runner", "bad.cfg").string();
  BOOST_TEST(message_of("trials = 0\n") ==
             "fixture '" + bad + "': trials = 0 is invalid: expected a whole number >= 1");
  BOOST_TEST(message_of("[toy]\nalpha = 1.5\n") ==
             "fixture '" + bad + "', [toy] alpha = 1.5 is invalid: expected a number with 0 < alpha < 1");
  BOOST_CHECK_THROW(SettingsSource("/nonexistent/fixture.cfg", {"toy"}), Error);
}

BOOST_AUTO_TEST_CASE(reports_are_written_whole_or_not_at_all) {
  CaseSettings s;
  s.trials = 2;
  const CheckCase c = toy_case();
  const std::vector<CaseReport> reports = {run_case(c, s, 3)};
  const auto json = to_json(reports, {.seed = 3, .fixture = "", .command_line = "test"});
  BOOST_TEST(json["summary"]["cases"].get<int>() == 1);
  BOOST_TEST(json["summary"]["passed"].get<int>() == 1);
  BOOST_TEST(json["summary"]["negative_controls_rejected"].get<int>() == 2);
  BOOST_TEST(json["cases"][0]["negative_controls"][0]["verdict"].get<std::string>() == "rejected");
  BOOST_TEST(json["cases"][0]["trial_results"].size() == 2U);

  const fs::path dir = tests::scratch("runner", "reports");
  prepare_report_dir(dir);
  write_atomically(dir / "r.json", json.dump());
  write_atomically(dir / "r.json", json.dump(2));  // replaces, leaves no temporary behind
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  BOOST_TEST(files == 1);
  BOOST_TEST((nlohmann::json::parse(std::ifstream(dir / "r.json")) == nlohmann::json::parse(json.dump())));

  BOOST_CHECK_THROW(prepare_report_dir(dir / "r.json"), Error);  // a file, not a directory
  BOOST_CHECK_THROW(prepare_report_dir("/proc/gradcheck-cannot-create"), Error);
}

// How a case's verdict counts its controls (run_case.hpp): per conclusive
// trial (the formula PASS or FAIL), a control is rejected (FAIL), or
// indistinguishable (not rejected, but equal to the formula within its
// allowance: no checker can tell them apart there), or accepted (anything
// else, INCONCLUSIVE included). A control is caught if it was rejected at
// least once and accepted nowhere; the case passes if its formula never
// failed, some trial was conclusive and every control was caught.
BOOST_AUTO_TEST_CASE(controls_count_as_rejected_indistinguishable_or_accepted) {
  CheckCase c = toy_case();
  c.controls = {{"rejected", ""}, {"equal_once", ""}, {"inconclusive_once", ""}, {"never_rejected", ""}};
  const auto trial = [](int t, Verdict formula, std::vector<Judgement> controls) {
    TrialReport r;
    r.trial = t;
    r.formula = judged(formula);
    r.controls = std::move(controls);
    return r;
  };
  const Judgement fail = judged(Verdict::fail);
  const Judgement equal = judged(Verdict::pass, true);
  CaseReport r;
  r.check_case = &c;
  r.trials = {
      trial(0, Verdict::pass, {fail, fail, fail, equal}),
      trial(1, Verdict::pass, {fail, equal, judged(Verdict::inconclusive), equal}),
      trial(2, Verdict::pass, {fail, fail, fail, equal}),
      // An inconclusive formula: the controls there count for nothing, not even accepted.
      trial(3, Verdict::inconclusive, {judged(Verdict::pass), judged(Verdict::pass), fail, fail}),
  };
  BOOST_TEST(r.formula_passes() == 3);
  BOOST_TEST(r.inconclusive_trials() == 1);
  BOOST_TEST((std::vector{r.control_rejections(0), r.control_rejections(1), r.control_rejections(2),
                          r.control_rejections(3)} == std::vector{3, 2, 2, 0}),
             boost::test_tools::per_element());
  BOOST_TEST((std::vector{r.control_indistinguishable(0), r.control_indistinguishable(1),
                          r.control_indistinguishable(2), r.control_indistinguishable(3)} == std::vector{0, 1, 0, 3}),
             boost::test_tools::per_element());
  BOOST_TEST(r.control_caught(0));
  BOOST_TEST(r.control_caught(1));   // equal to the formula once: not held against it
  BOOST_TEST(!r.control_caught(2));  // inconclusive once while the formula passed: not rejected
  BOOST_TEST(!r.control_caught(3));  // equal everywhere: no control at all
  BOOST_TEST((accepted_trials(r, 2) == std::vector<std::size_t>{1}));
  BOOST_TEST(accepted_trials(r, 3).empty());
  BOOST_TEST(r.controls_caught() == 2);
  BOOST_TEST((r.verdict() == Verdict::fail));

  // Without the two uncaught controls the case passes; a failed formula fails
  // it, and no conclusive trial leaves it inconclusive.
  c.controls.resize(2);
  for (TrialReport& t : r.trials) t.controls.resize(2);
  BOOST_TEST((r.verdict() == Verdict::pass));
  CaseReport failed = r;
  failed.trials[2].formula = judged(Verdict::fail);
  BOOST_TEST((failed.verdict() == Verdict::fail));
  CaseReport none = r;
  for (TrialReport& t : none.trials) t.formula = judged(Verdict::inconclusive);
  BOOST_TEST((none.verdict() == Verdict::inconclusive));
}

// run_trial marks a control indistinguishable only where the formula passed
// and the control's claim is within the formula's allowance of it, entry by
// entry; a control accepted beyond it, or left INCONCLUSIVE, is not, and the
// case fails although every control was rejected somewhere.
BOOST_AUTO_TEST_CASE(a_control_is_indistinguishable_only_within_the_formulas_allowance) {
  CaseSettings s;
  s.trials = 2;
  s.resample = 0;
  s.check.rtol = 0.1;
  const CheckCase c = accounting_case();
  const CaseReport r = run_case(c, s, 1);
  const TrialReport& kink = r.trials[0];
  BOOST_TEST_REQUIRE((kink.formula.result.verdict == Verdict::pass), kink.formula.result.message);
  const std::vector<Judgement>& k = kink.controls;
  BOOST_TEST((k[0].result.verdict == Verdict::pass));
  BOOST_TEST(k[0].indistinguishable);
  BOOST_TEST((k[1].result.verdict == Verdict::pass), k[1].result.message);
  BOOST_TEST(!k[1].indistinguishable);
  BOOST_TEST((k[2].result.verdict == Verdict::inconclusive), k[2].result.message);
  BOOST_TEST(!k[2].indistinguishable);
  BOOST_TEST((k[3].result.verdict == Verdict::fail));
  BOOST_TEST(!k[3].indistinguishable);
  for (const Judgement& j : r.trials[1].controls) {
    BOOST_TEST((j.result.verdict == Verdict::fail));
    BOOST_TEST(!j.indistinguishable);
  }
  BOOST_TEST(r.control_caught(0));
  BOOST_TEST(!r.control_caught(1));
  BOOST_TEST(!r.control_caught(2));
  BOOST_TEST(r.control_caught(3));
  BOOST_TEST((r.verdict() == Verdict::fail));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(registry)

// The registry holds exactly the 13 derivations of docs/cases.md "The checks",
// in that order, and that table lists the same: ctest's derivation.*
// tests are discovered from the registry, so a case or a whole family left
// out of all_cases() would otherwise leave every test green.
BOOST_AUTO_TEST_CASE(the_registry_holds_exactly_the_documented_cases) {
  const std::vector<std::string> documented = {
      "xent_onehot_identity",
      "xent_grad_logits",
      "naive_softmax_grad_center",
      "naive_softmax_grad_outside",
      "leaky_relu_derivative",
      "sigmoid_derivative",
      "neg_sampling_grad_center",
      "neg_sampling_grad_outside_true",
      "neg_sampling_grad_outside_negatives",
      "neg_sampling_repeated_negatives",
      "skipgram_grad_outside",
      "skipgram_grad_center",
      "skipgram_grad_other_centers_zero",
  };
  std::vector<std::string> ids;
  for (const CheckCase& c : checks::all_cases()) ids.push_back(c.id);
  BOOST_TEST(ids == documented, boost::test_tools::per_element());
  for (const std::string& id : documented) BOOST_TEST(checks::find_case(id).id == id);

  std::ifstream cases_doc(fs::path(GRADCHECK_SOURCE_DIR) / "docs" / "cases.md");
  BOOST_TEST_REQUIRE(cases_doc.good());
  std::vector<std::string> listed;
  bool in_section = false;
  const std::regex row(R"(^\| `([a-z0-9_]+)` \|)");
  for (std::string line; std::getline(cases_doc, line);) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## The checks";
    std::smatch m;
    if (in_section && std::regex_search(line, m, row)) listed.push_back(m[1]);
  }
  BOOST_TEST(listed == documented, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
