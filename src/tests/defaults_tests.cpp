// Tests of the library's defaults on code written as users write it: a loss
// that caches its forward pass in members is checked correctly under default
// options (one thread), and a wrong entry of its gradient still FAILs.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "cases.hpp"
#include "gradcheck/autodiff.hpp"
#include "gradcheck/check.hpp"
#include "gradcheck/random.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"
#include "seeds.hpp"
#include "tally.hpp"

using namespace gradcheck;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// Softmax regression written as layer code usually is: loss() runs the
// forward pass and keeps its logits and probabilities in members, gradient()
// runs the backward pass from them. Two loss() calls at once overwrite each
// other's members: f is not safe to call concurrently, as most such code.
// Parameters: W (classes × features, column-major), then the bias (classes).
class CachingSoftmaxLayer {
 public:
  CachingSoftmaxLayer(Index classes, Index features, Index batch, Rng& rng)
      : classes_(classes), inputs_(random_normal(rng, features, batch)) {
    for (Index b = 0; b < batch; ++b) labels_.push_back(random_index(rng, 0, classes - 1));
  }
  Index size() const { return classes_ * inputs_.rows() + classes_; }

  double loss(const VectorXd& params) {
    const Eigen::Map<const MatrixXd> W(params.data(), classes_, inputs_.rows());
    logits_.noalias() = W * inputs_;
    logits_.colwise() += params.tail(classes_);
    probabilities_.resize(logits_.rows(), logits_.cols());
    double total = 0.0;
    for (Index b = 0; b < logits_.cols(); ++b) {
      const double top = logits_.col(b).maxCoeff();
      const double log_sum = top + std::log((logits_.col(b).array() - top).exp().sum());
      probabilities_.col(b) = (logits_.col(b).array() - log_sum).exp().matrix();
      total += log_sum - logits_(labels_[static_cast<std::size_t>(b)], b);
    }
    return total / static_cast<double>(logits_.cols());
  }

  // The gradient of the loss at the parameters of the last loss() call.
  VectorXd gradient() const {
    MatrixXd delta = probabilities_;
    for (Index b = 0; b < delta.cols(); ++b) delta(labels_[static_cast<std::size_t>(b)], b) -= 1.0;
    delta /= static_cast<double>(delta.cols());
    VectorXd g(size());
    Eigen::Map<MatrixXd>(g.data(), classes_, inputs_.rows()).noalias() = delta * inputs_.transpose();
    g.tail(classes_) = delta.rowwise().sum();
    return g;
  }

 private:
  Index classes_;
  MatrixXd inputs_;  // features × batch
  std::vector<Index> labels_;
  MatrixXd logits_;         // cached forward pass: classes × batch
  MatrixXd probabilities_;  // softmax of each column of logits_
};

using tests::Tally;

constexpr int points = 100;

// Checks the layer's gradient at `points` random points with default options,
// and the same gradient with one random entry off by 1% (the control). The
// gradient callback runs the forward pass first, as a user's would. At least
// `min_pass` of the points must PASS (the rest INCONCLUSIVE, none FAIL).
void check_caching_layer(Index classes, Index features, std::uint64_t seed, Mode expected, int min_pass) {
  Tally right;
  Tally wrong;
  int named = 0;
  for (int t = 0; t < points; ++t) {
    Rng rng = trial_rng(seed, "caching_layer", static_cast<std::uint64_t>(t));
    CachingSoftmaxLayer layer(classes, features, 8, rng);
    const VectorXd w = random_normal(rng, layer.size()) / std::sqrt(static_cast<double>(features));
    const Index j = random_index(rng, 0, layer.size() - 1);
    const auto loss = [&layer](const VectorXd& p) { return layer.loss(p); };
    const auto gradient = [&layer](const VectorXd& p) {
      layer.loss(p);
      return layer.gradient();
    };
    const auto off = [&](const VectorXd& p) {
      VectorXd g = gradient(p);
      g(j) *= 1.01;
      return g;
    };
    const CheckResult r = check_gradient(loss, gradient, w);
    BOOST_TEST(r.options.mode == expected);
    BOOST_TEST(r.verdict != Verdict::fail, "point " << t << ": " << r.message);
    right.add(r);
    const CheckResult bad = check_gradient(loss, off, w);
    wrong.add(bad);
    named += bad.worst_input == j ? 1 : 0;
  }
  BOOST_TEST_MESSAGE("caching layer, " << classes * features + classes << " parameters, seed " << seed << ": correct "
                                       << right.pass << " pass, " << right.fail << " fail, " << right.inconclusive
                                       << " inconclusive; 1% off " << wrong.fail << " fail (" << named
                                       << " naming the entry), " << wrong.pass << " pass, " << wrong.inconclusive
                                       << " inconclusive, of " << points);
  BOOST_TEST(right.fail == 0);
  BOOST_TEST(right.pass >= min_pass);
  BOOST_TEST(wrong.fail == points);
  BOOST_TEST(named == points);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(defaults)

// The library runs f on one thread unless told otherwise; the CLI (and the
// fixture's cases, pure functions) on all cores.
BOOST_AUTO_TEST_CASE(one_thread_in_the_library_all_cores_in_the_cli) {
  BOOST_TEST(CheckOptions{}.threads == 1);
  BOOST_TEST(default_options<float>().threads == 1);
  BOOST_TEST(runner::CaseSettings{}.check.threads == 0);
  std::vector<std::string> ids;
  for (const auto& c : checks::all_cases()) ids.push_back(c.id);
  const runner::SettingsSource shipped(runner::default_fixture_path(), ids);
  for (const std::string& id : ids) BOOST_TEST(shipped.for_case(id).check.threads == 0, id);
}

// Full mode, where the threads default matters: 1,210 parameters. On all
// cores the same layer false-FAILed (its members overwritten mid-check).
BOOST_AUTO_TEST_CASE(a_caching_layer_passes_under_default_options) {
  for (const std::uint64_t seed : tests::seeds({1, 2})) check_caching_layer(10, 120, seed, Mode::full, points * 9 / 10);
}

// Above the budget the same layer (2,010 parameters, the size of the issue's
// report) is checked along directions, f on one thread whatever `threads`; a
// wrong entry is still caught and narrowed down to its name. More points are
// INCONCLUSIVE than in full mode: along a direction over all 2,010
// coordinates the loss curves far more than along one, and the first
// difference's truncation can exceed rtol where Ridders' value does not.
BOOST_AUTO_TEST_CASE(a_larger_caching_layer_is_checked_along_directions) {
  for (const std::uint64_t seed : tests::seeds({1, 2}))
    check_caching_layer(10, 200, seed, Mode::directional, points / 2);
}

// Auto by default, with a budget that keeps small problems full: every
// shipped case at its largest sizes, under the shipped fixture and under the
// settings' own defaults, plans a full check; one coordinate more than the
// budget allows goes directional.
BOOST_AUTO_TEST_CASE(auto_by_default_keeps_the_shipped_cases_full) {
  const CheckOptions o;
  BOOST_TEST(o.mode == Mode::automatic);
  const Plan largest_full = plan(1246, o);
  BOOST_TEST(largest_full.mode == Mode::full);
  BOOST_TEST(largest_full.evaluations == 2499);
  const Plan above = plan(1247, o);
  BOOST_TEST(above.mode == Mode::directional);
  BOOST_TEST(above.samples == 8);
  BOOST_TEST(above.evaluations == 23);
  std::vector<std::string> ids;
  for (const auto& c : checks::all_cases()) ids.push_back(c.id);
  const runner::SettingsSource shipped(runner::default_fixture_path(), ids);
  for (const auto& c : checks::all_cases()) {
    for (const runner::CaseSettings& s : {shipped.for_case(c.id), runner::CaseSettings{}}) {
      BOOST_TEST(s.check.mode == Mode::automatic, c.id);
      const Index n = runner::layout_size(runner::layout_at(c, s, runner::Bound::largest));
      BOOST_TEST_MESSAGE(c.id << ": n = " << n << " at its largest sizes");
      if (n > 0) BOOST_TEST((plan(n, s.check).mode == Mode::full), c.id << " at n = " << n);
    }
  }
}

// With auto by default a templated check of a large x goes directional: no
// exact column there, and no forward-mode pass spent on it (its cost grows
// with n, what a directional check saves); a sampled check's exact columns
// are its coordinates'; a full check's every coordinate (the control).
BOOST_AUTO_TEST_CASE(a_templated_check_takes_the_exact_derivative_of_the_judged_coordinates) {
  int ad_passes = 0;
  const auto f = [&ad_passes](const auto& x) {
    using T = typename std::remove_cvref_t<decltype(x)>::Scalar;
    if constexpr (!std::is_same_v<T, double>) ++ad_passes;
    using std::sin;
    T total(0.0);
    for (Index j = 0; j < x.size(); ++j) total += sin(x(j));
    return total;
  };
  const auto grad = [](const VectorXd& x) -> VectorXd { return x.array().cos().matrix(); };
  Rng rng = trial_rng(1, "templated", 0);
  const VectorXd large = random_normal(rng, 3000);
  const CheckResult directional = check_gradient_templated(f, grad, large);
  BOOST_TEST(directional.passed, directional.message);
  BOOST_TEST(directional.options.mode == Mode::directional);
  BOOST_TEST(directional.exact.size() == 0);
  BOOST_TEST(ad_passes == 0);
  CheckOptions sampled;
  sampled.mode = Mode::sampled;
  sampled.samples = 3;
  const CheckResult some = check_gradient_templated(f, grad, large, sampled);
  BOOST_TEST(some.passed, some.message);
  BOOST_TEST_REQUIRE(some.exact.cols() == 3);
  for (Index c = 0; c < 3; ++c) {
    const Index j = some.inputs[static_cast<std::size_t>(c)];
    BOOST_TEST(std::abs(some.exact(0, c) - std::cos(large(j))) < 1e-15);
  }
  const VectorXd small = large.head(50);
  const CheckResult full = check_gradient_templated(f, grad, small);
  BOOST_TEST(full.options.mode == Mode::full);
  BOOST_TEST(full.exact.cols() == 50);
  BOOST_TEST(full.exact_vs_numeric <= 1.0);
  BOOST_TEST(ad_passes > 0);
}

BOOST_AUTO_TEST_SUITE_END()
