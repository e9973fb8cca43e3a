// The second opinion (gradcheck/autodiff.hpp): forward-mode AD of the
// templated losses equals the notes' closed forms and disagrees with the
// wrong ones; every derivation case reports an exact derivative that agrees
// with its finite difference and with its formula, not with its controls; a
// planted disagreement is visible in the result and the JSON without changing
// a verdict; a throwing or non-finite exact derivative is a note, not a crash.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cases.hpp"
#include "gradcheck/autodiff.hpp"
#include "gradcheck/random.hpp"
#include "gradcheck/word2vec.hpp"
#include "report/queries.hpp"
#include "report/report.hpp"
#include "runner/run_case.hpp"
#include "runner/settings.hpp"

using namespace gradcheck;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
namespace w2v = gradcheck::word2vec;

namespace {

constexpr int points = 40;  // random points per scale and loss
// Points at unit scale and saturated (scores in the thousands).
constexpr double scales[] = {1.0, 30.0};

template <class V>
using scalar_of = typename std::remove_cvref_t<V>::Scalar;

// Gradients are compared relative to `scale`: the larger of the closed
// form's size and `terms`, the size of the quantities it is summed from (|U|
// for Uᵀ(ŷ − y)). Where a softmax saturates the gradient is a difference of
// nearly equal terms (ŷ_o ≈ 1), even below the smallest double (e^-2000), and
// both computations carry rounding of order ε · terms, not ε · gradient.
double difference(const MatrixXd& a, const MatrixXd& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return HUGE_VAL;
  return a.size() == 0 ? 0.0 : (a - b).cwiseAbs().maxCoeff();
}
double size_of(const MatrixXd& m) { return m.size() == 0 ? 0.0 : m.cwiseAbs().maxCoeff(); }

void expect_agrees(const MatrixXd& ad, const MatrixXd& closed_form, const std::string& label, double terms = 0.0) {
  const double scale = std::max({size_of(closed_form), terms, 1e-300});
  const double diff = difference(ad, closed_form) / scale;
  BOOST_TEST(diff <= 1e-12, label << ": AD and the closed form differ by " << diff << " (relative)");
}

// A wrong closed form is told apart by far more than the rounding of either,
// wherever the two are resolved at all: where both are below the rounding of
// their terms (a saturated softmax with o its maximum: every form is 0), no
// derivative can tell them apart, and the point is skipped.
int disagreements_checked = 0;
void expect_disagrees(const MatrixXd& ad, const MatrixXd& wrong, const std::string& label, double terms = 0.0) {
  const double size = std::max(size_of(ad), size_of(wrong));
  if (size <= 1e-10 * terms) return;
  ++disagreements_checked;
  const double diff = difference(ad, wrong) / size;
  BOOST_TEST(diff > 1e-6, label << ": AD agrees with a wrong closed form (" << diff << ")");
}

// Point generators, all reproducible from (name, point).
struct Draw {
  Rng rng;
  double scale;
  Draw(const std::string& name, int point, double s)
      : rng(trial_rng(11, name, static_cast<std::uint64_t>(point))), scale(s) {}
  Index size(Index lo, Index hi) { return random_index(rng, lo, hi); }
  MatrixXd normal(Index rows, Index cols = 1) { return random_normal(rng, rows, cols) * scale; }
  std::vector<Index> indices(Index count, Index vocab) {
    std::vector<Index> v(static_cast<std::size_t>(count));
    for (auto& w : v) w = random_index(rng, 0, vocab - 1);
    return v;
  }
};

template <class Body>
void for_points(const std::string& name, Body body) {
  for (const double scale : scales) {
    for (int k = 0; k < points; ++k) {
      Draw draw(name, k, scale);
      body(draw, fmt::format("{} scale {} point {}", name, scale, k));
    }
  }
}

// The derivation cases' settings from the shipped fixture.
runner::CaseSettings settings_for(const std::string& id) {
  std::vector<std::string> ids;
  for (const auto& c : checks::all_cases()) ids.push_back(c.id);
  return runner::SettingsSource(runner::default_fixture_path(), ids).for_case(id);
}

// `base` with its exact derivative replaced by `exact(p)` (given the drawn problem).
template <class Exact>
runner::CheckCase with_exact(const runner::CheckCase& base, Exact exact) {
  runner::CheckCase c = base;
  c.sample = [sample = base.sample, exact](Rng& rng, const runner::CaseSettings& s, int trial) {
    runner::Problem p = sample(rng, s, trial);
    p.exact = exact(p);
    return p;
  };
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(autodiff)

BOOST_AUTO_TEST_CASE(gradient_and_jacobian_across_chunk_boundaries) {
  // n around multiples of the chunk: every coordinate is seeded exactly once.
  for (const Index n : {Index{1}, Index{15}, Index{16}, Index{17}, Index{33}, Index{50}}) {
    Rng rng = trial_rng(3, "chunks", static_cast<std::uint64_t>(n));
    const VectorXd x = random_normal(rng, n);
    const MatrixXd A = random_normal(rng, 7, n);
    // f(x) = Σ_i x_i³ / 3 + (Ax)·(Ax) / 2: ∇f = x² + AᵀAx.
    const auto f = [&A](const auto& v) {
      using T = scalar_of<decltype(v)>;
      const w2v::Vector<T> Av = A.template cast<T>() * v;
      return T((v.array() * v.array() * v.array()).sum() / 3.0 + Av.dot(Av) / 2.0);
    };
    const VectorXd closed = x.array().square().matrix() + A.transpose() * (A * x);
    expect_agrees(forward_mode_gradient(f, x), closed, fmt::format("gradient n={}", n));
    // g(x) = A x: the Jacobian is A (7 × n, not square).
    const auto g = [&A](const auto& v) {
      using T = scalar_of<decltype(v)>;
      return w2v::Vector<T>(A.template cast<T>() * v);
    };
    expect_agrees(forward_mode_jacobian(g, x), A, fmt::format("Jacobian n={}", n));
    // u ↦ u / ‖u‖, the notes' (c): (I − ûûᵀ) / ‖u‖.
    const auto normalize = [](const auto& u) {
      using T = scalar_of<decltype(u)>;
      using std::sqrt;
      return w2v::Vector<T>(u / T(sqrt(T(u.dot(u)))));
    };
    expect_agrees(forward_mode_jacobian(normalize, x), w2v::normalize_jacobian(x), fmt::format("normalize n={}", n));
  }
  BOOST_TEST(forward_mode_gradient([](const auto& v) { return v.sum(); }, VectorXd(0)).size() == 0);
}

BOOST_AUTO_TEST_CASE(forward_mode_equals_the_closed_forms) {
  for_points("logsumexp", [](Draw& draw, const std::string& label) {
    const Index V = draw.size(1, 50);
    const Index o = draw.size(0, V - 1);
    const VectorXd s = draw.normal(V);
    const VectorXd y = w2v::onehot(o, V);
    const VectorXd lse = forward_mode_gradient([](const auto& v) { return w2v::logsumexp(v); }, s);
    expect_agrees(lse, w2v::softmax(s), label + " dlogsumexp/ds = softmax", 1.0);
    const VectorXd xent = forward_mode_gradient([&y](const auto& v) { return w2v::cross_entropy(y, v); }, s);
    expect_agrees(xent, w2v::softmax(s) - y, label + " dJ/ds = yhat - y", 1.0);
    expect_disagrees(xent, y - w2v::softmax(s), label + " sign flipped", 1.0);
    expect_disagrees(xent, w2v::softmax(s), label + " forgot y", 1.0);
  });

  for_points("naive_softmax", [](Draw& draw, const std::string& label) {
    const Index V = draw.size(2, 50);
    const Index d = draw.size(1, 20);
    const Index o = draw.size(0, V - 1);
    const VectorXd vc = draw.normal(d);
    const MatrixXd U = draw.normal(V, d);
    const w2v::LossAndGradients closed = w2v::naive_softmax_loss_and_gradient(vc, o, U);
    const VectorXd g_vc = forward_mode_gradient(
        [&](const auto& v) {
          using T = scalar_of<decltype(v)>;
          return w2v::naive_softmax_loss<T>(v, o, U.template cast<T>());
        },
        vc);
    const MatrixXd g_U = forward_mode_gradient(
                             [&](const auto& u) {
                               using T = scalar_of<decltype(u)>;
                               return w2v::naive_softmax_loss<T>(vc.template cast<T>(), o, u.reshaped(V, d));
                             },
                             U.reshaped())
                             .reshaped(V, d);
    const double u_size = size_of(U);
    const double vc_size = size_of(vc);
    expect_agrees(g_vc, closed.grad_center, label + " dJ/dv_c = U^T(yhat - y)", u_size);
    expect_agrees(g_U, closed.grad_outside, label + " dJ/dU = (yhat - y) v_c^T", vc_size);
    expect_disagrees(g_vc, -closed.grad_center, label + " dJ/dv_c sign flipped", u_size);
    expect_disagrees(g_vc, U.transpose() * w2v::softmax(U * vc), label + " dJ/dv_c forgot y", u_size);
    expect_disagrees(g_U, -closed.grad_outside, label + " dJ/dU sign flipped", vc_size);
    expect_disagrees(g_U, w2v::onehot(o, V) * vc.transpose(), label + " dJ/dU y for yhat", vc_size);
  });

  for_points("neg_sampling", [](Draw& draw, const std::string& label) {
    const Index V = draw.size(2, 30);
    const Index d = draw.size(1, 20);
    const Index o = draw.size(0, V - 1);
    const std::vector<Index> negatives = draw.indices(draw.size(1, 15), V);
    const VectorXd vc = draw.normal(d) / std::sqrt(static_cast<double>(d));
    const MatrixXd U = draw.normal(V, d);
    const w2v::LossAndGradients closed = w2v::neg_sampling_loss_and_gradient(vc, o, U, negatives);
    const VectorXd g_vc = forward_mode_gradient(
        [&](const auto& v) {
          using T = scalar_of<decltype(v)>;
          return w2v::neg_sampling_loss<T>(v, o, U.template cast<T>(), negatives);
        },
        vc);
    const MatrixXd g_U = forward_mode_gradient(
                             [&](const auto& u) {
                               using T = scalar_of<decltype(u)>;
                               return w2v::neg_sampling_loss<T>(vc.template cast<T>(), o, u.reshaped(V, d), negatives);
                             },
                             U.reshaped())
                             .reshaped(V, d);
    const double u_size = size_of(U);
    const double vc_size = size_of(vc);
    expect_agrees(g_vc, closed.grad_center, label + " dJ_neg/dv_c", u_size);
    expect_agrees(g_U, closed.grad_outside, label + " dJ_neg/dU", vc_size);
    expect_disagrees(g_vc, -closed.grad_center, label + " dJ_neg/dv_c sign flipped", u_size);
    // Assigning instead of accumulating repeated samples: row w gets one term however often w was drawn.
    MatrixXd assigned = MatrixXd::Zero(V, d);
    assigned.row(o) = -w2v::sigmoid(-U.row(o).dot(vc)) * vc.transpose();
    for (const Index w : negatives) assigned.row(w) = w2v::sigmoid(U.row(w).dot(vc)) * vc.transpose();
    if (difference(assigned, closed.grad_outside) > 1e-6 * size_of(closed.grad_outside)) {  // only when w repeats
      expect_disagrees(g_U, assigned, label + " dJ_neg/dU assigned, not accumulated", vc_size);
    }
    expect_disagrees(g_U, -closed.grad_outside, label + " dJ_neg/dU sign flipped", vc_size);
  });

  for_points("skipgram", [](Draw& draw, const std::string& label) {
    const Index V = draw.size(2, 30);
    const Index d = draw.size(1, 12);
    const Index c = draw.size(0, V - 1);
    const std::vector<Index> window = draw.indices(2 * draw.size(1, 4), V);
    std::vector<std::vector<Index>> negatives;
    for (std::size_t j = 0; j < window.size(); ++j) negatives.push_back(draw.indices(draw.size(1, 8), V));
    const MatrixXd C = draw.normal(V, d) / std::sqrt(static_cast<double>(d));
    const MatrixXd U = draw.normal(V, d);
    for (const bool neg : {false, true}) {
      const auto loss = [&](const auto& centers, const auto& outsides) {
        using T = scalar_of<decltype(centers)>;
        return neg ? w2v::skipgram_neg_sampling_loss<T>(c, window, centers, outsides, negatives)
                   : w2v::skipgram_naive_softmax_loss<T>(c, window, centers, outsides);
      };
      const w2v::SkipGramResult closed =
          neg ? w2v::skipgram_neg_sampling(c, window, C, U, negatives) : w2v::skipgram_naive_softmax(c, window, C, U);
      const MatrixXd g_C = forward_mode_gradient(
                               [&](const auto& x) {
                                 using T = scalar_of<decltype(x)>;
                                 return loss(w2v::Matrix<T>(x.reshaped(V, d)), w2v::Matrix<T>(U.template cast<T>()));
                               },
                               C.reshaped())
                               .reshaped(V, d);
      const MatrixXd g_U = forward_mode_gradient(
                               [&](const auto& x) {
                                 using T = scalar_of<decltype(x)>;
                                 return loss(w2v::Matrix<T>(C.template cast<T>()), w2v::Matrix<T>(x.reshaped(V, d)));
                               },
                               U.reshaped())
                               .reshaped(V, d);
      const std::string which = label + (neg ? " neg-sampling" : " naive-softmax");
      // Each word's terms are of the size of U (for v_c) or v_c (for U); the window sums 2m of them.
      const double window_size = static_cast<double>(window.size());
      const double u_size = window_size * size_of(U);
      const double c_size = window_size * size_of(C);
      expect_agrees(g_C, closed.grad_center_vectors, which + " dJ_sg/d(center_vectors), zero off row c", u_size);
      expect_agrees(g_U, closed.grad_outside_vectors, which + " dJ_sg/dU", c_size);
      expect_disagrees(g_U, closed.grad_outside_vectors / window_size, which + " dJ_sg/dU averaged", c_size);
      expect_disagrees(g_C, closed.grad_center_vectors / window_size, which + " dJ_sg/dv_c averaged", u_size);
      expect_disagrees(g_C, closed.grad_center_vectors.row(c).replicate(V, 1), which + " other centres non-zero",
                       u_size);
    }
  });

  for_points("activations", [](Draw& draw, const std::string& label) {
    const Index n = draw.size(2, 20);
    VectorXd x = draw.normal(n);
    x(0) = std::abs(x(0)) + 0.1;   // both signs present, none at the kink
    x(1) = -std::abs(x(1)) - 0.1;  // (x ≥ 0.1 at scale 1: σ² and σ(1 − σ) differ)
    const double alpha = 0.1;
    const VectorXd sigma_d = forward_mode_jacobian([](const auto& v) { return w2v::sigmoid(v); }, x).diagonal();
    const VectorXd relu_d =
        forward_mode_jacobian([alpha](const auto& v) { return w2v::leaky_relu(v, alpha); }, x).diagonal();
    // Σ_i log σ(x_i): its gradient is (log σ)′ entry by entry.
    const VectorXd log_sigma_d = forward_mode_gradient(
        [](const auto& v) {
          using T = scalar_of<decltype(v)>;
          T sum(0.0);
          for (Index i = 0; i < v.size(); ++i) sum += w2v::log_sigmoid(T(v(i)));
          return sum;
        },
        x);
    expect_agrees(sigma_d, w2v::sigmoid_derivative(x), label + " sigma' = sigma (1 - sigma)");
    expect_agrees(relu_d, w2v::leaky_relu_derivative(x, alpha), label + " leaky relu'");
    expect_agrees(log_sigma_d, w2v::sigmoid(VectorXd(-x)), label + " (log sigma)' = 1 - sigma");
    const Eigen::ArrayXd s = w2v::sigmoid(x).array();
    expect_disagrees(sigma_d, (s * s).matrix(), label + " sigma^2");
    expect_disagrees(sigma_d, (s * (1.0 + s)).matrix(), label + " sigma (1 + sigma)");
    expect_disagrees(relu_d, VectorXd::Constant(n, alpha), label + " alpha both sides");
    expect_disagrees(relu_d, VectorXd::Ones(n), label + " one both sides");
  });
  BOOST_TEST_MESSAGE(disagreements_checked << " wrong closed forms told apart from AD");
  BOOST_TEST(disagreements_checked > 1000);
}

BOOST_AUTO_TEST_CASE(every_derivation_case_has_an_agreeing_exact_derivative) {
  for (const runner::CheckCase& c : checks::all_cases()) {
    const runner::CaseReport r = runner::run_case(c, settings_for(c.id), 1);
    int compared = 0;
    for (const runner::TrialReport& t : r.trials) {
      const CheckResult& f = t.formula.result;
      if (t.kind == runner::ProblemKind::value) {
        BOOST_TEST(f.exact.size() == 0, c.id << ": a value identity has no derivative to compare");
        continue;
      }
      BOOST_TEST_REQUIRE(f.exact.rows() == f.analytic.rows(), c.id << " trial " << t.trial << ": " << f.message);
      BOOST_TEST_REQUIRE(f.exact.cols() == f.analytic.cols());
      // NaN only where the check left entries unjudged (a kink drawn in every redraw).
      if (f.inconclusive_entries > 0) {
        BOOST_TEST(std::isnan(f.exact_vs_numeric));
      } else {
        ++compared;
        BOOST_TEST(f.exact_vs_numeric <= 1.0, c.id << " trial " << t.trial << ": exact_vs_numeric "
                                                   << f.exact_vs_numeric << " (" << t.point << ")");
      }
      BOOST_TEST(f.exact_vs_analytic <= 1e-10,
                 c.id << " trial " << t.trial << ": the formula differs from AD by " << f.exact_vs_analytic);
      for (std::size_t k = 0; k < t.controls.size(); ++k) {
        const CheckResult& w = t.controls[k].result;
        if (w.failure == Failure::wrong_shape) {
          BOOST_TEST(w.exact.size() == 0, "a claim of the wrong shape has nothing to compare with");
          continue;
        }
        if (w.verdict != Verdict::fail) continue;  // indistinguishable here (e.g. saturated)
        BOOST_TEST(w.exact_vs_analytic > 1e-3, c.id << " control " << c.controls[k].id << " trial " << t.trial
                                                    << ": exact_vs_analytic only " << w.exact_vs_analytic);
        // The exact derivative does not depend on the claim: every judgement of a point agrees on it.
        if (w.exact.rows() == f.exact.rows() && w.exact.cols() == f.exact.cols()) BOOST_TEST(bool(w.exact == f.exact));
      }
    }
    if (c.id != "xent_onehot_identity") BOOST_TEST(compared > 0, c.id << ": no trial compared");
    BOOST_TEST(r.verdict() == Verdict::pass, c.id);
  }
}

// A case whose "exact" derivative is deliberately wrong (twice the truth):
// the finite difference is right and so is the formula, so the verdict stays
// PASS, but the disagreement is in the result, the JSON and the Markdown.
BOOST_AUTO_TEST_CASE(a_planted_disagreement_is_visible_and_changes_no_verdict) {
  const runner::CheckCase& base = checks::find_case("naive_softmax_grad_center");
  // Same id, so the same points as the honest case.
  const runner::CheckCase planted = with_exact(base, [](const runner::Problem& p) {
    return [exact = p.exact](const VectorXd& x) -> VectorXd { return 2.0 * exact(x); };
  });
  runner::CaseSettings settings = settings_for(base.id);
  settings.trials = 5;
  const runner::CaseReport honest = runner::run_case(base, settings, 1);
  const runner::CaseReport r = runner::run_case(planted, settings, 1);
  BOOST_TEST(r.verdict() == Verdict::pass);
  BOOST_TEST(r.controls_caught() == honest.controls_caught());
  for (std::size_t t = 0; t < r.trials.size(); ++t) {
    const CheckResult& f = r.trials[t].formula.result;
    BOOST_TEST(f.verdict == honest.trials[t].formula.result.verdict);
    BOOST_TEST(f.worst_ratio == honest.trials[t].formula.result.worst_ratio);
    BOOST_TEST(f.exact_vs_numeric > 1.0, "trial " << t << ": exact_vs_numeric " << f.exact_vs_numeric);
    BOOST_TEST(f.exact_vs_analytic == 0.5, boost::test_tools::tolerance(1e-9));  // |g − 2g| / |2g|
    BOOST_TEST(honest.trials[t].formula.result.exact_vs_numeric <= 1.0);
  }
  const std::optional<report::ExactSummary> summary = report::exact_summary(r);
  BOOST_TEST_REQUIRE(summary.has_value());
  BOOST_TEST(summary->disagreements.size() == r.trials.size());
  BOOST_TEST(report::exact_summary(honest)->disagreements.empty());

  const nlohmann::ordered_json j = report::to_json({r}, {.seed = 1, .fixture = {}, .command_line = "test"});
  const auto& cj = j["cases"][0];
  BOOST_TEST(cj["verdict"] == "pass");
  BOOST_TEST(cj["exact_disagreements"] == r.trials.size());
  BOOST_TEST(cj["exact_vs_numeric"].get<double>() > 1.0);
  for (const auto& tj : cj["trial_results"]) {
    BOOST_TEST(tj["verdict"] == "pass");
    BOOST_TEST(tj["exact_vs_numeric"].get<double>() > 1.0);
    BOOST_TEST(tj["exact_vs_analytic"].get<double>() > 0.49);
    // The worst entry's exact value is twice its analytic value.
    BOOST_TEST(tj["exact"].get<double>() == 2.0 * tj["analytic"].get<double>(), boost::test_tools::tolerance(1e-9));
  }
  for (const auto& e : cj["worst_trial"]["worst_entries"]) BOOST_TEST(e["exact"].is_number());
  const std::string md = report::to_markdown({r}, {.seed = 1, .fixture = {}, .command_line = "test"});
  BOOST_TEST(md.find("- `naive_softmax_grad_center` trial 0") != std::string::npos, md);
  BOOST_TEST(md.find("exact_vs_numeric") != std::string::npos);
  const std::string html = report::to_html({r}, {.seed = 1, .fixture = {}, .command_line = "test"});
  BOOST_TEST(html.find("exact (AD)") != std::string::npos);
  BOOST_TEST(html.find("DISAGREES in 5 trials") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_throwing_or_non_finite_exact_derivative_is_a_note) {
  const runner::CheckCase& base = checks::find_case("sigmoid_derivative");
  runner::CaseSettings settings = settings_for(base.id);
  settings.trials = 3;
  // The cases outlive their reports (CaseReport points to its case).
  std::vector<runner::CheckCase> cases;
  cases.reserve(3);
  const auto run = [&](auto exact) {
    cases.push_back(with_exact(base, [exact](const runner::Problem&) { return exact; }));
    return runner::run_case(cases.back(), settings, 1);
  };
  const runner::CaseReport threw =
      run([](const VectorXd&) -> VectorXd { throw std::runtime_error("no AD for this f"); });
  const runner::CaseReport nan = run([](const VectorXd& x) -> VectorXd {
    return VectorXd::Constant(x.size(), std::numeric_limits<double>::quiet_NaN());
  });
  const runner::CaseReport short_one = run([](const VectorXd&) -> VectorXd { return VectorXd::Ones(1); });
  const runner::CaseReport honest = runner::run_case(base, settings, 1);
  for (const auto* r : {&threw, &nan, &short_one}) {
    BOOST_TEST(r->verdict() == honest.verdict());
    for (std::size_t t = 0; t < r->trials.size(); ++t) {
      const CheckResult& f = r->trials[t].formula.result;
      BOOST_TEST(f.verdict == honest.trials[t].formula.result.verdict);
      BOOST_TEST(std::isnan(f.exact_vs_numeric));
      BOOST_TEST(std::isnan(f.exact_vs_analytic));
    }
    const auto j = report::to_json({*r}, {.seed = 1, .fixture = {}, .command_line = "test"});
    BOOST_TEST(j["cases"][0]["trial_results"][0]["exact_vs_numeric"].is_null());
  }
  BOOST_TEST(threw.trials[0].formula.result.message == "exact (AD) derivative unavailable: no AD for this f");
  BOOST_TEST(threw.trials[0].formula.result.exact.size() == 0);
  const std::string& nan_message = nan.trials[0].formula.result.message;
  BOOST_TEST((nan_message.find("exact (AD) derivative entry") != std::string::npos &&
              nan_message.find("is not finite (nan): not compared") != std::string::npos),
             nan_message);
  BOOST_TEST(short_one.trials[0].formula.result.message.find("unavailable: it has 1 entries") != std::string::npos,
             short_one.trials[0].formula.result.message);
}

BOOST_AUTO_TEST_CASE(check_gradient_templated_fills_the_exact_column) {
  Rng rng = trial_rng(5, "templated", 0);
  const Index V = 9;
  const Index d = 20;  // more than one chunk
  const Index o = 4;
  const MatrixXd U = random_normal(rng, V, d);
  const VectorXd vc = random_normal(rng, d);
  const auto loss = [&](const auto& v) {
    using T = scalar_of<decltype(v)>;
    return w2v::naive_softmax_loss<T>(v, o, U.template cast<T>());
  };
  const auto grad = [&](const VectorXd& v) -> VectorXd {
    return w2v::naive_softmax_loss_and_gradient(v, o, U).grad_center;
  };
  const CheckResult right = check_gradient_templated(loss, grad, vc);
  BOOST_TEST(right.passed, right.message);
  BOOST_TEST(right.exact.rows() == 1);
  BOOST_TEST(right.exact.cols() == d);
  BOOST_TEST(right.exact_vs_numeric <= 1.0);
  BOOST_TEST(right.exact_vs_analytic <= 1e-12);
  const CheckResult wrong = check_gradient_templated(
      loss, [&](const VectorXd& v) -> VectorXd { return -grad(v); }, vc);
  BOOST_TEST(wrong.verdict == Verdict::fail);
  BOOST_TEST(wrong.exact_vs_numeric <= 1.0);  // the references agree; the claim is wrong
  BOOST_TEST(wrong.exact_vs_analytic == 2.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
