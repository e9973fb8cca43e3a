// Tests of runner/diagnosis: each class of wrong claim is named, with its
// exact text, and claims that are wrong at random are named as nothing.
#include <boost/test/unit_test.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gradcheck/check.hpp"
#include "runner/diagnosis.hpp"

using namespace gradcheck;
using namespace gradcheck::runner;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// A full gradient check's result (1 × n, columns the coordinates) of the
// claim `analytic` against `numeric`, with the default allowance rtol · |numeric|.
CheckResult judged(const MatrixXd& analytic, const MatrixXd& numeric) {
  CheckResult r;
  r.verdict = Verdict::fail;
  r.analytic = analytic.reshaped(1, analytic.size());
  r.numeric = numeric.reshaped(1, numeric.size());
  r.allowance = (1e-8 * r.numeric.array().abs()).max(1e-12).matrix();
  return r;
}

// Entries drawn from N(0, 1), reproducibly.
MatrixXd normal(Index rows, Index cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z;
  MatrixXd m(rows, cols);
  for (Index k = 0; k < m.size(); ++k) m.data()[k] = z(rng);
  return m;
}

std::string text_of(const std::optional<Diagnosis>& d) { return d ? d->text : std::string("(none)"); }

const std::vector<Block> x5 = {{"x", 5, 1}};
// v_c (3) then U (4 × 3), packed column-major.
const std::vector<Block> two_blocks = {{"v_c", 3, 1}, {"U", 4, 3}};

}  // namespace

BOOST_AUTO_TEST_SUITE(diagnosis)

BOOST_AUTO_TEST_CASE(sign_flip) {
  const MatrixXd n = normal(5, 1, 1);
  const auto d = diagnose(judged(-n, n), x5, ProblemKind::gradient);
  BOOST_TEST(text_of(d) ==
             "sign flip: the claim for x is \u22121 \u00d7 the numeric derivative at every failing entry");
  BOOST_TEST(d->kind == "sign");
}

BOOST_AUTO_TEST_CASE(factor_two_either_way) {
  const MatrixXd n = normal(5, 1, 2);
  const auto twice = diagnose(judged(2 * n, n), x5, ProblemKind::gradient);
  BOOST_TEST(text_of(twice) ==
             "a factor 2 too many: the claim for x is 2 \u00d7 the numeric derivative at every failing entry");
  const auto half = diagnose(judged(0.5 * n, n), x5, ProblemKind::gradient);
  BOOST_TEST(text_of(half) ==
             "a missing factor 2: the claim for x is \u00bd \u00d7 the numeric derivative at every failing entry");
  BOOST_TEST(half->kind == "factor");
  // Other simple ratios are named as a constant factor.
  const auto third = diagnose(judged(-n / 3, n), x5, ProblemKind::gradient);
  BOOST_TEST(text_of(third) ==
             "a wrong constant factor: the claim for x is \u22121/3 \u00d7 the numeric derivative at every failing "
             "entry");
  // A ratio that is not simple (1.37) is no diagnosis.
  BOOST_TEST(!diagnose(judged(1.37 * n, n), x5, ProblemKind::gradient));
}

BOOST_AUTO_TEST_CASE(sign_flip_in_one_block) {
  MatrixXd n = normal(15, 1, 3);
  MatrixXd a = n;
  a.bottomRows(12) *= -1.0;  // U's entries only
  const auto d = diagnose(judged(a, n), two_blocks, ProblemKind::gradient);
  BOOST_TEST(text_of(d) ==
             "sign flip: the claim for U is \u22121 \u00d7 the numeric derivative at every failing entry; only the "
             "entries of U are wrong; v_c passes");
}

BOOST_AUTO_TEST_CASE(transposed_square_block) {
  const MatrixXd n = normal(3, 3, 4);
  const std::vector<Block> w = {{"W", 3, 3}};
  const auto d = diagnose(judged(n.transpose(), n), w, ProblemKind::gradient);
  BOOST_TEST(text_of(d) ==
             "transpose: the claim for W is the transpose of the numeric derivative (a square block, so the shapes "
             "agree)");
  BOOST_TEST(d->key == "transpose W");
  // Negative control: a symmetric numeric derivative (nothing fails) and a
  // random square claim are not transposes.
  BOOST_TEST(!diagnose(judged(n + n.transpose(), n + n.transpose()), w, ProblemKind::gradient));
  BOOST_TEST(!diagnose(judged(normal(3, 3, 5), n), w, ProblemKind::gradient));
}

BOOST_AUTO_TEST_CASE(wrong_shapes) {
  const Diagnosis t = shape_diagnosis({"W", 7, 2}, 2, 7);
  BOOST_TEST(t.text == "your claim for W is 2\u00d77; W is 7\u00d72 (the transpose)");
  BOOST_TEST(t.kind == "transpose");
  const Diagnosis s = shape_diagnosis({"v_c", 3, 1}, 8, 1);
  BOOST_TEST(s.text == "your claim for v_c is 8\u00d71; v_c is 3\u00d71");
  BOOST_TEST(s.kind == "shape");
  // Same key whatever the sizes, so that trials with different sizes collapse.
  BOOST_TEST(shape_diagnosis({"v_c", 5, 1}, 9, 1).key == s.key);
}

BOOST_AUTO_TEST_CASE(one_block_row_column_or_entry) {
  const MatrixXd n = normal(15, 1, 6);
  const MatrixXd noise = normal(15, 1, 7);
  const auto wrong_at = [&](const std::vector<Index>& coordinates) {
    MatrixXd a = n;
    for (const Index k : coordinates) a(k) += noise(k);  // wrong by a random amount each
    return diagnose(judged(a, n), two_blocks, ProblemKind::gradient);
  };
  // U[i, j] is coordinate 3 + i + 4 j.
  BOOST_TEST(text_of(wrong_at({3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14})) ==
             "only the entries of U are wrong; v_c passes");
  BOOST_TEST(text_of(wrong_at({5, 9, 13})) == "only row 2 of U is wrong; v_c passes");
  BOOST_TEST(text_of(wrong_at({7, 8, 9, 10})) == "only column 1 of U is wrong; v_c passes");
  BOOST_TEST(text_of(wrong_at({8})) == "only U[1,1] is wrong; v_c passes");
  BOOST_TEST(text_of(wrong_at({1})) == "only v_c[1] is wrong; U passes");
  BOOST_TEST(wrong_at({5, 9, 13})->key == "row U");
  // Negative control: wrong in both blocks, at random: no pattern.
  BOOST_TEST(!wrong_at({0, 2, 4, 8, 11, 14}));
}

// Claims wrong at random fit no class, over many draws; a right claim has no diagnosis.
BOOST_AUTO_TEST_CASE(random_wrong_claims_are_not_diagnosed) {
  int named = 0;
  for (unsigned seed = 0; seed < 200; ++seed) {
    const MatrixXd n = normal(15, 1, 100 + seed);
    named += diagnose(judged(normal(15, 1, 1000 + seed), n), two_blocks, ProblemKind::gradient) ? 1 : 0;
  }
  BOOST_TEST(named == 0);
  const MatrixXd n = normal(15, 1, 8);
  CheckResult right = judged(n, n);
  right.verdict = Verdict::pass;
  BOOST_TEST(!diagnose(right, two_blocks, ProblemKind::gradient));
}

namespace {

// Leaky ReLU (α = 0.1) and the one-sided slopes the engine measures at x
// over the step h for the entry (0, column).
double leaky(double t) { return t > 0.0 ? t : 0.1 * t; }
double leaky_slope(double t) { return t > 0.0 ? 1.0 : 0.1; }
KinkSlopes slopes_at(double x, double h, Index column) {
  return {0,
          column,
          (leaky(x) - leaky(x - h)) / h,
          (leaky(x + h) - leaky(x)) / h,
          (leaky(x) - leaky(x - 2 * h)) / (2 * h),
          (leaky(x + 2 * h) - leaky(x)) / (2 * h)};
}

// A gradient check of Σ leaky(x_j) at points within 2h of the kink, the claim
// given per entry; the numeric value is the slope of the point's side.
CheckResult at_kink(const std::vector<double>& x, const std::vector<double>& claim, double h = 6e-6) {
  MatrixXd a(1, static_cast<Index>(x.size()));
  MatrixXd n(1, static_cast<Index>(x.size()));
  for (std::size_t j = 0; j < x.size(); ++j) {
    a(static_cast<Index>(j)) = claim[j];
    n(static_cast<Index>(j)) = leaky_slope(x[j]);
  }
  CheckResult r = judged(a, n);
  for (std::size_t j = 0; j < x.size(); ++j) r.kinks.push_back(slopes_at(x[j], h, static_cast<Index>(j)));
  return r;
}

const std::vector<Block> x4 = {{"x", 4, 1}};
const std::vector<double> near_kink = {2e-6, -3e-6, 1e-6, -1.5e-6};

}  // namespace

BOOST_AUTO_TEST_CASE(kink_side) {
  // The sides swapped: each claim is the other side's slope.
  const auto d = diagnose(at_kink(near_kink, {0.1, 1.0, 0.1, 1.0}), x4, ProblemKind::gradient);
  BOOST_TEST(text_of(d) ==
             "kink side: the claim for x is the slope on the other side of a kink within the step at every failing "
             "entry (x[0] lies right of its kink; slope left 0.1, right 1): check which side of the kink the point "
             "lies on");
  BOOST_TEST(d->kind == "kink");
  BOOST_TEST(d->key == "kink x");
  // The kink between h and 2h of x = 8e-6: the left side's slope is seen only in
  // part beyond x − h (0.4), the claim 0.1 beyond it.
  const auto partial = diagnose(at_kink({8e-6, -3e-6, 0.5, -0.5}, {0.1, 1.0, 1.0, 0.1}), x4, ProblemKind::gradient);
  BOOST_TEST(text_of(partial) ==
             "kink side: the claim for x is the slope on the other side of a kink within the step at every failing "
             "entry (x[1] lies left of its kink; slope left 0.1, right 1): check which side of the kink the point "
             "lies on");
  const auto only_partial = diagnose(at_kink({8e-6, 0.5}, {0.1, 1.0}), x4, ProblemKind::gradient);
  BOOST_TEST(text_of(only_partial) ==
             "kink side: the claim for x is the slope on the other side of a kink within the step at every failing "
             "entry (x[0] lies right of its kink; slope left \u2264 0.4, right 1): check which side of the kink the "
             "point lies on; only x[0] is wrong");
}

// Negative controls at the same kinks: a factor 2 and a sign flip keep their
// names; a claim of neither side's slope, or a failing entry with no kink in
// its step, is no kink side.
BOOST_AUTO_TEST_CASE(kink_side_negative_controls) {
  const auto twice = diagnose(at_kink(near_kink, {2.0, 0.2, 2.0, 0.2}), x4, ProblemKind::gradient);
  BOOST_TEST(twice->kind == "factor");
  const auto flipped = diagnose(at_kink(near_kink, {-1.0, -0.1, -1.0, -0.1}), x4, ProblemKind::gradient);
  BOOST_TEST(flipped->kind == "sign");
  BOOST_TEST(!diagnose(at_kink(near_kink, {0.5, 0.7, 0.5, 0.7}), x4, ProblemKind::gradient));
  CheckResult unkinked = at_kink(near_kink, {0.1, 1.0, 0.1, 1.0});
  unkinked.kinks.pop_back();  // x[3] fails with no kink in its step
  BOOST_TEST(!diagnose(unkinked, x4, ProblemKind::gradient));
  // A smooth wrong formula (no kinks) stays a factor 2.
  const MatrixXd n = normal(4, 1, 9);
  BOOST_TEST(diagnose(judged(2 * n, n), x4, ProblemKind::gradient)->kind == "factor");
  // A leaky ReLU with α = ½ swapped at x > 0 is the other side, not a missing factor 2.
  CheckResult half = at_kink({2e-6, 1e-6}, {0.5, 0.5});
  for (KinkSlopes& k : half.kinks) {
    k.left = 0.5 + (k.left - 0.1) * 0.5 / 0.9;  // α = ½: rescale the left side's share
    k.left2 = 0.5 + (k.left2 - 0.1) * 0.5 / 0.9;
  }
  BOOST_TEST(diagnose(half, x4, ProblemKind::gradient)->kind == "kink");
}

// The engine's own record, as check_gradient makes it: the same text.
BOOST_AUTO_TEST_CASE(kink_side_from_the_engine) {
  const auto f = [](const Eigen::VectorXd& p) { return p.cwiseMax(0.1 * p).sum(); };
  const auto swapped = [](const Eigen::VectorXd& p) -> Eigen::VectorXd {
    return p.unaryExpr([](double v) { return v > 0.0 ? 0.1 : 1.0; });
  };
  const Eigen::Vector4d x(2e-6, -3e-6, 1e-6, -1.5e-6);
  const CheckResult r = check_gradient(f, swapped, x);
  BOOST_TEST(r.verdict == Verdict::fail);
  BOOST_TEST(text_of(diagnose(r, x4, ProblemKind::gradient)) ==
             "kink side: the claim for x is the slope on the other side of a kink within the step at every failing "
             "entry (x[0] lies right of its kink; slope left 0.1, right 1): check which side of the kink the point "
             "lies on");
  // Negative control: the right derivative passes there.
  const auto right = [](const Eigen::VectorXd& p) -> Eigen::VectorXd {
    return p.unaryExpr([](double v) { return v > 0.0 ? 1.0 : 0.1; });
  };
  BOOST_TEST(check_gradient(f, right, x).verdict == Verdict::pass);
}

BOOST_AUTO_TEST_SUITE_END()
