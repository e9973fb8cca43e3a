// Tests of gradcheck/parameters.hpp: named blocks in the user's storage, on the
// MLP of src/examples/mlp (correct and with a planted bug), Eigen::Maps of
// user arrays, subsets, shape errors and misuse.
#include <boost/test/unit_test.hpp>
#include <regex>
#include <string>
#include <vector>

#include "gradcheck/check.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/parameters.hpp"
#include "mlp.hpp"

using namespace gradcheck;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool one_line(const std::string& text) { return !text.empty() && text.find('\n') == std::string::npos; }

// The MLP with its parameters named, and its loss and gradient as the check
// takes them (reading the model's storage).
struct NamedMlp {
  mlp::Model m;
  mlp::Bug bug = mlp::Bug::none;
  Parameters params{{"W1", m.W1}, {"b1", m.b1}, {"W2", m.W2}, {"b2", m.b2}};
  long loss_calls = 0;

  auto loss() {
    return [this] {
      ++loss_calls;
      return mlp::loss(m.batch, m.W1, m.b1, m.W2, m.b2);
    };
  }
  auto grad() {
    return [this] {
      const mlp::Gradient g = mlp::gradient(m.batch, m.W1, m.b1, m.W2, m.b2, bug);
      return blocks(g.W1, g.b1, g.W2, g.b2);
    };
  }
};

// Gives the message a chance to be read when a test fails.
std::string text_of(const CheckResult& r) {
  std::ostringstream out;
  out << r;
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parameters)

BOOST_AUTO_TEST_CASE(mlp_named_blocks_pass_and_the_planted_bug_is_named) {
  NamedMlp good;
  const CheckResult r = check_gradient(good.loss(), good.grad(), good.params);
  BOOST_TEST_REQUIRE(r.verdict == Verdict::pass, text_of(r));
  BOOST_TEST(r.failing_entries == 0);
  BOOST_TEST(r.analytic.size() == 67);  // 32 + 8 + 24 + 3
  BOOST_TEST_REQUIRE(r.blocks.size() == 4U);
  const std::vector<std::string> names{"W1", "b1", "W2", "b2"};
  const std::vector<long> judged{32, 8, 24, 3};
  for (std::size_t b = 0; b < 4; ++b) {
    BOOST_TEST(r.blocks[b].name == names[b]);
    BOOST_TEST(r.blocks[b].judged == judged[b]);
    BOOST_TEST(r.blocks[b].failing == 0);
  }

  NamedMlp bad;  // negative control: W1's last column gets no gradient
  bad.bug = mlp::Bug::last_input_skipped;
  const CheckResult f = check_gradient(bad.loss(), bad.grad(), bad.params);
  BOOST_TEST(f.verdict == Verdict::fail);
  BOOST_TEST(!f.passed);
  BOOST_TEST(f.failure == Failure::wrong_value);
  BOOST_TEST(f.failing_entries == 8);  // W1[0..7,3]
  BOOST_TEST(f.blocks[0].failing == 8);
  BOOST_TEST(f.blocks[1].failing + f.blocks[2].failing + f.blocks[3].failing == 0);
  BOOST_TEST(std::regex_search(f.message, std::regex(R"(^gradient entry W1\[[0-7],3\]: analytic 0 vs numeric )")),
             f.message);
  BOOST_TEST(!contains(f.message, "x["), f.message);
  BOOST_TEST(one_line(f.message));
  BOOST_TEST(entry_name(f, 0, f.worst_input).substr(0, 3) == "W1[");
}

BOOST_AUTO_TEST_CASE(storage_is_moved_during_and_restored_after) {
  NamedMlp net;
  const MatrixXd W1 = net.m.W1;
  const VectorXd b2 = net.m.b2;
  const CheckResult r = check_gradient(net.loss(), net.grad(), net.params);
  BOOST_TEST(r.verdict == Verdict::pass);
  BOOST_TEST(net.loss_calls == r.evaluations);  // every evaluation of f is a call of loss
  BOOST_TEST((net.m.W1.array() == W1.array()).all());
  BOOST_TEST((net.m.b2.array() == b2.array()).all());

  // Restored when loss throws mid-check; the throw is a FAIL, not an exception.
  NamedMlp throwing;
  const MatrixXd before = throwing.m.W1;
  long calls = 0;
  const auto loss = [&] {
    if (++calls == 12) throw std::runtime_error("out of memory in the forward pass");
    return mlp::loss(throwing.m.batch, throwing.m.W1, throwing.m.b1, throwing.m.W2, throwing.m.b2);
  };
  const CheckResult t = check_gradient(loss, throwing.grad(), throwing.params);
  BOOST_TEST(t.verdict == Verdict::fail);
  BOOST_TEST(t.failure == Failure::exception);
  BOOST_TEST(contains(t.message, "out of memory in the forward pass"), t.message);
  BOOST_TEST((throwing.m.W1.array() == before.array()).all());
}

BOOST_AUTO_TEST_CASE(maps_of_user_storage_and_a_plain_double) {
  // f(W, s) = s · Σ W_ij² + s², W a 3 × 2 matrix in a std::vector the user owns.
  std::vector<double> storage{0.5, -1.0, 2.0, 0.25, 1.5, -0.75};
  double s = 1.3;
  Parameters params{{"W", Eigen::Map<MatrixXd>(storage.data(), 3, 2)}, {"s", s}};
  const auto loss = [&] {
    double sum = 0.0;
    for (const double w : storage) sum += w * w;  // reads the raw array, not a Map
    return s * sum + s * s;
  };
  const auto grad_with = [&](double slip) {
    return [&storage, &s, slip] {
      const Eigen::Map<const MatrixXd> W(storage.data(), 3, 2);
      MatrixXd gW = 2.0 * s * W;
      gW(1, 0) += slip;
      return blocks(gW, Eigen::Matrix<double, 1, 1>(W.squaredNorm() + 2.0 * s));
    };
  };
  const CheckResult r = check_gradient(loss, grad_with(0.0), params);
  BOOST_TEST(r.verdict == Verdict::pass, text_of(r));
  BOOST_TEST(r.analytic.size() == 7);
  const CheckResult f = check_gradient(loss, grad_with(1e-4), params);  // negative control
  BOOST_TEST(f.verdict == Verdict::fail);
  BOOST_TEST(f.failing_entries == 1);
  BOOST_TEST(contains(f.message, "gradient entry W[1,0]:"), f.message);
  BOOST_TEST(entry_name(f, 0, 6) == "s");  // a 1 × 1 block is its name
}

BOOST_AUTO_TEST_CASE(a_strided_map_is_moved_in_place) {
  // A 2 × 2 block of a 3 × 3 matrix (outer stride 3): f = Σ exp(B_ij).
  MatrixXd big = MatrixXd::Constant(3, 3, 0.2);
  Parameters params{
      {"B", Eigen::Map<MatrixXd, 0, Eigen::OuterStride<>>(big.data() + 1, 2, 2, Eigen::OuterStride<>(3))}};
  const auto loss = [&] { return big.bottomLeftCorner(2, 2).array().exp().sum(); };
  const auto grad = [&] { return blocks(MatrixXd(big.bottomLeftCorner(2, 2).array().exp())); };
  BOOST_TEST(check_gradient(loss, grad, params).verdict == Verdict::pass);
  // Negative control: the gradient of the wrong block (top-left corner) is rejected.
  big(0, 0) = 0.9;
  const auto wrong = [&] { return blocks(MatrixXd(big.topLeftCorner(2, 2).array().exp())); };
  BOOST_TEST(check_gradient(loss, wrong, params).verdict == Verdict::fail);
  BOOST_TEST((big.col(2).array() == 0.2).all());  // outside the block: never written
}

BOOST_AUTO_TEST_CASE(one_parameter_alone_others_held_fixed) {
  NamedMlp net;
  net.bug = mlp::Bug::last_input_skipped;  // W1 is wrong, b1 right
  const MatrixXd W2 = net.m.W2;
  bool W2_moved = false;
  const auto loss = [&] {
    W2_moved = W2_moved || (net.m.W2.array() != W2.array()).any();
    return mlp::loss(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2);
  };
  const CheckResult b1 = check_gradient(loss, net.grad(), net.params.only("b1"));
  BOOST_TEST(b1.verdict == Verdict::pass, text_of(b1));
  BOOST_TEST(b1.analytic.size() == 8);
  BOOST_TEST_REQUIRE(b1.blocks.size() == 1U);
  BOOST_TEST(b1.blocks[0].name == "b1");
  BOOST_TEST(!W2_moved);
  const CheckResult W1 = check_gradient(loss, net.grad(), net.params.only("W1"));  // negative control
  BOOST_TEST(W1.verdict == Verdict::fail);
  BOOST_TEST(W1.failing_entries == 8);
  BOOST_TEST(W1.analytic.size() == 32);
  BOOST_TEST(std::regex_search(W1.message, std::regex(R"(entry W1\[[0-7],3\])")), W1.message);
  const CheckResult two = check_gradient(loss, net.grad(), net.params.only({"b2", "b1"}));
  BOOST_TEST(two.verdict == Verdict::pass);
  BOOST_TEST_REQUIRE(two.blocks.size() == 2U);  // in the parameters' order
  BOOST_TEST(two.blocks[0].name == "b1");
  BOOST_TEST(two.blocks[1].offset == 8);
}

// The user's own struct of gradients, passed whole: its members are the
// blocks in order. The same struct with two members swapped (a wrong order,
// caught by shape) and a struct of the planted bug (caught by value) FAIL.
BOOST_AUTO_TEST_CASE(a_struct_of_gradients_is_taken_member_by_member) {
  NamedMlp net;
  static_assert(detail::aggregate_members<mlp::Gradient>() == 4);
  const auto grad = [&] { return blocks(mlp::gradient(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2)); };
  const CheckResult r = check_gradient(net.loss(), grad, net.params);
  BOOST_TEST(r.verdict == Verdict::pass, text_of(r));

  struct Swapped {
    Eigen::VectorXd b1;
    Eigen::MatrixXd W1;
    Eigen::MatrixXd W2;
    Eigen::VectorXd b2;
  };
  const auto swapped = [&] {
    const mlp::Gradient g = mlp::gradient(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2);
    return blocks(Swapped{g.b1, g.W1, g.W2, g.b2});
  };
  const CheckResult s = check_gradient(net.loss(), swapped, net.params);
  BOOST_TEST(s.failure == Failure::wrong_shape, s.message);

  const auto buggy = [&] {
    return blocks(mlp::gradient(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2, mlp::Bug::last_input_skipped));
  };
  const CheckResult b = check_gradient(net.loss(), buggy, net.params);
  BOOST_TEST(b.verdict == Verdict::fail);
  BOOST_TEST(contains(b.message, "W1[7,3]"), b.message);

  struct Scalars {
    double a;
    float b;
  };
  const std::vector<MatrixXd> two = blocks(Scalars{1.5, 2.0F});
  BOOST_TEST_REQUIRE(two.size() == 2U);
  BOOST_TEST(two[1](0, 0) == 2.0);
}

BOOST_AUTO_TEST_CASE(wrong_shapes_are_one_line_failures) {
  NamedMlp net;
  const auto flat_W1 = [&] {
    const mlp::Gradient g = mlp::gradient(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2);
    return blocks(g.W1.reshaped(), g.b1, g.W2, g.b2);  // W1's gradient as a 32-vector
  };
  const CheckResult r = check_gradient(net.loss(), flat_W1, net.params);
  BOOST_TEST(r.verdict == Verdict::fail);
  BOOST_TEST(r.failure == Failure::wrong_shape);
  BOOST_TEST(r.message == "gradient block W1 has shape 32x1, expected 8x4 (the shape of W1)");
  BOOST_TEST(net.loss_calls == 0);

  const auto three = [&] {
    const mlp::Gradient g = mlp::gradient(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2);
    return blocks(g.W1, g.b1, g.W2);
  };
  const CheckResult c = check_gradient(net.loss(), three, net.params);
  BOOST_TEST(c.failure == Failure::wrong_shape);
  BOOST_TEST(c.message == "gradient has 3 blocks, expected 4 (one per parameter: W1, b1, W2, b2)");
  BOOST_TEST(one_line(c.message));

  // The same shapes the right way round pass (the control of the two above).
  BOOST_TEST(check_gradient(net.loss(), net.grad(), net.params).verdict == Verdict::pass);
}

BOOST_AUTO_TEST_CASE(claims_that_throw_or_are_not_finite) {
  NamedMlp net;
  const auto throws = []() -> std::vector<MatrixXd> { throw std::runtime_error("backward pass not implemented"); };
  const CheckResult t = check_gradient(net.loss(), throws, net.params);
  BOOST_TEST(t.failure == Failure::exception);
  BOOST_TEST(t.message == "the claimed gradient threw: backward pass not implemented");

  const auto nan_b1 = [&] {
    mlp::Gradient g = mlp::gradient(net.m.batch, net.m.W1, net.m.b1, net.m.W2, net.m.b2);
    g.b1(2) = std::nan("");
    return blocks(g.W1, g.b1, g.W2, g.b2);
  };
  const CheckResult n = check_gradient(net.loss(), nan_b1, net.params);
  BOOST_TEST(n.failure == Failure::non_finite);
  BOOST_TEST(n.message == "gradient entry b1[2] is not finite: nan");
}

BOOST_AUTO_TEST_CASE(misuse_is_a_one_line_error) {
  MatrixXd W(2, 2);
  W.setOnes();
  VectorXd b(2);
  b.setOnes();
  const auto message = [](const auto& make) {
    try {
      make();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  BOOST_TEST(message([&] {
               Parameters p{{"W", W}, {"W", b}};
             }) == "parameter name W is given twice (parameters 0 and 1): expected distinct names");
  BOOST_TEST(message([&] { Parameters p{{"", W}}; }) == "parameter 0 has an empty name: expected a name such as W1");
  BOOST_TEST(message([] { Parameters p{std::vector<Parameter>{}}; }) ==
             "Parameters is empty: expected at least one {\"name\", value}");
  const Parameters params{{"W", W}, {"b", b}};
  BOOST_TEST(message([&] { (void)params.only("V"); }) == "only(): no parameter named V: expected one of W, b");
  CheckOptions threads;
  threads.threads = 0;
  const auto loss = [&] { return W.sum() + b.sum(); };
  const auto grad = [&] { return blocks(MatrixXd::Ones(2, 2), VectorXd::Ones(2)); };
  BOOST_TEST(message([&] { check_gradient(loss, grad, params, threads); }) ==
             "threads must be 1 for a check of Parameters, got 0: the check moves the parameters' own storage, which "
             "loss reads");
  BOOST_TEST(check_gradient(loss, grad, params).verdict == Verdict::pass);  // the same check, well used
  MatrixXd empty(0, 3);
  const Parameters nothing{{"E", empty}};
  BOOST_TEST(message([&] { check_gradient([] { return 0.0; }, [] { return blocks(MatrixXd(0, 3)); }, nothing); }) ==
             "x is empty: nothing to check");
}

BOOST_AUTO_TEST_CASE(an_inconclusive_entry_is_named_and_counted) {
  // f(W) = Σ W_ij² + |W[1,0]| at W[1,0] = 0: a kink, where the claimed
  // right-hand slope can be neither passed nor failed.
  MatrixXd W(2, 2);
  W << 0.5, -1.0, 0.0, 2.0;
  VectorXd b(2);
  b << 0.3, 0.7;
  const Parameters params{{"b", b}, {"W", W}};
  const auto loss = [&] { return W.squaredNorm() + std::abs(W(1, 0)) + b.squaredNorm(); };
  const auto grad_with = [&](double slope) {
    return [&, slope] {
      MatrixXd gW = 2.0 * W;
      gW(1, 0) += slope;
      return blocks(VectorXd(2.0 * b), gW);
    };
  };
  const CheckResult r = check_gradient(loss, grad_with(1.0), params);
  BOOST_TEST_REQUIRE(r.verdict == Verdict::inconclusive, text_of(r));
  BOOST_TEST(contains(r.message, "at W[1,0]"), r.message);
  BOOST_TEST(!contains(r.message, "x["), r.message);
  BOOST_TEST(r.blocks[1].inconclusive == 1);
  BOOST_TEST(r.blocks[0].inconclusive + r.blocks[0].failing + r.blocks[1].failing == 0);
  // Negative control: a slope outside both sides (3) is a failure, named too.
  const CheckResult f = check_gradient(loss, grad_with(3.0), params);
  BOOST_TEST(f.verdict == Verdict::fail, text_of(f));
  BOOST_TEST(contains(f.message, "W[1,0]"), f.message);
}

BOOST_AUTO_TEST_CASE(sampled_mode_counts_the_drawn_entries_by_block) {
  NamedMlp net;
  net.bug = mlp::Bug::last_input_skipped;
  CheckOptions o;
  o.mode = Mode::sampled;
  o.samples = 3;
  o.blocks = {32, 8, 24, 3};  // draw per parameter
  o.entries = {12};           // W1[4,1]: coordinate 4 + 8·1
  const CheckResult r = check_gradient(net.loss(), net.grad(), net.params, o);
  BOOST_TEST_REQUIRE(r.blocks.size() == 4U);
  BOOST_TEST(r.blocks[0].judged >= 3);
  BOOST_TEST(r.blocks[1].judged == 3);
  BOOST_TEST(r.blocks[3].judged == 3);
  long judged = 0;
  for (const BlockSummary& b : r.blocks) judged += b.judged;
  BOOST_TEST(judged == r.analytic.size());
  BOOST_TEST(r.blocks[1].failing + r.blocks[2].failing + r.blocks[3].failing == 0);
  BOOST_TEST(r.failing_entries == r.blocks[0].failing);
}

BOOST_AUTO_TEST_SUITE_END()
