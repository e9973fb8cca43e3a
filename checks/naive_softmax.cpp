// The cross-entropy and naive-softmax derivations, notes (a)-(d).
#include <fmt/format.h>

#include "cases.hpp"
#include "gradcheck/word2vec.hpp"
#include "sampling.hpp"

namespace gradcheck::checks {
namespace {

const char* const row_convention = "row convention: U is V x d, row w is u_w; s = U v_c; y = onehot(o)";

VectorXd scalar(double v) { return VectorXd::Constant(1, v); }

CheckCase xent_onehot_identity() {
  return {
      .id = "xent_onehot_identity",
      .notes = "(a)",
      .description = "cross-entropy with a one-hot y equals -log yhat_o",
      .formula = "-sum_w y_w log yhat_w = -log yhat_o",
      .convention = "s in R^V, yhat = softmax(s), y = onehot(o)",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Index V = draw(rng, s.sizes.V);
            const Index o = random_index(rng, 0, V - 1);
            Problem p;
            p.kind = ProblemKind::value;
            p.point = fmt::format("V={} o={}", V, o);
            p.layout = {{"J", 1, 1}};
            p.x = normal(rng, s, V);
            // Reference: the definition, summed over every word.
            p.f = [o, V](const VectorXd& logits) { return scalar(w2v::cross_entropy(w2v::onehot(o, V), logits)); };
            const auto log_yhat = [](const VectorXd& logits) {
              return (logits.array() - w2v::logsumexp(logits)).matrix().eval();
            };
            p.claim = [=](const VectorXd& logits) { return std::vector<MatrixXd>{scalar(-log_yhat(logits)(o))}; };
            p.controls = {
                {"forgot_y", "-sum_w log yhat_w (y dropped from the sum)",
                 [=](const VectorXd& logits) { return std::vector<MatrixXd>{scalar(-log_yhat(logits).sum())}; }},
                {"sign_dropped", "log yhat_o (minus sign lost)",
                 [=](const VectorXd& logits) { return std::vector<MatrixXd>{scalar(log_yhat(logits)(o))}; }},
            };
            return p;
          },
  };
}

CheckCase xent_grad_logits() {
  return {
      .id = "xent_grad_logits",
      .notes = "(a)/(b)",
      .description = "gradient of the cross-entropy w.r.t. the scores",
      .formula = "dJ/ds = yhat - y",
      .convention = "s in R^V, J = -log softmax(s)_o",
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Index V = draw(rng, s.sizes.V);
            const Index o = random_index(rng, 0, V - 1);
            const VectorXd y = w2v::onehot(o, V);
            Problem p;
            p.point = fmt::format("V={} o={}", V, o);
            p.layout = {{"s", V, 1}};
            p.x = normal(rng, s, V);
            set_loss(p, [y](const auto& logits) { return w2v::cross_entropy(y, logits); });
            const auto grad = [y](auto&& form) {
              return [y, form](const VectorXd& logits) { return std::vector<MatrixXd>{form(w2v::softmax(logits), y)}; };
            };
            p.claim = grad([](const VectorXd& yhat, const VectorXd& yv) -> VectorXd { return yhat - yv; });
            p.controls = {
                {"sign_flipped", "y - yhat",
                 grad([](const VectorXd& yhat, const VectorXd& yv) -> VectorXd { return yv - yhat; })},
                {"forgot_y", "yhat", grad([](const VectorXd& yhat, const VectorXd&) -> VectorXd { return yhat; })},
                {"grad_wrt_yhat", "-y / yhat (the derivative w.r.t. yhat, not s)",
                 grad([](const VectorXd& yhat, const VectorXd& yv) -> VectorXd {
                   return -(yv.array() / yhat.array()).matrix();
                 })},
            };
            return p;
          },
  };
}

CheckCase naive_softmax_grad_center() {
  return {
      .id = "naive_softmax_grad_center",
      .notes = "(b)",
      .description = "naive-softmax loss: gradient w.r.t. the centre vector v_c",
      .formula = "dJ/dv_c = U^T (yhat - y)   (handout's column convention: U (yhat - y))",
      .convention = row_convention,
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Index V = draw(rng, s.sizes.V);
            const Index d = draw(rng, s.sizes.d);
            const Index o = random_index(rng, 0, V - 1);
            const MatrixXd U = normal(rng, s, V, d);
            Problem p;
            p.point = fmt::format("V={} d={} o={}", V, d, o);
            p.layout = {{"v_c", d, 1}};
            p.x = normal(rng, s, d);
            set_loss(p, [U, o](const auto& vc) {
              using T = scalar_of<decltype(vc)>;
              return w2v::naive_softmax_loss<T>(vc, o, U.template cast<T>());
            });
            p.claim = [=](const VectorXd& vc) {
              return std::vector<MatrixXd>{w2v::naive_softmax_loss_and_gradient(vc, o, U).grad_center};
            };
            const VectorXd y = w2v::onehot(o, V);
            const auto with_yhat = [=](auto&& form) {
              return [=](const VectorXd& vc) { return std::vector<MatrixXd>{form(w2v::softmax(U * vc))}; };
            };
            p.controls = {
                {"sign_flipped", "U^T (y - yhat)",
                 with_yhat([=](const VectorXd& yhat) -> MatrixXd { return U.transpose() * (y - yhat); })},
                {"forgot_y", "U^T yhat",
                 with_yhat([=](const VectorXd& yhat) -> MatrixXd { return U.transpose() * yhat; })},
                {"grad_wrt_scores", "yhat - y (the gradient w.r.t. s, size V, not v_c)",
                 with_yhat([=](const VectorXd& yhat) -> MatrixXd { return yhat - y; })},
            };
            return p;
          },
  };
}

CheckCase naive_softmax_grad_outside() {
  return {
      .id = "naive_softmax_grad_outside",
      .notes = "(c),(d)",
      .description = "naive-softmax loss: gradient w.r.t. every outside vector u_w (all of U)",
      .formula = "dJ/du_w = (yhat_w - y_w) v_c, i.e. dJ/dU = (yhat - y) v_c^T",
      .convention = row_convention,
      .sample =
          [](Rng& rng, const CaseSettings& s, int /*trial*/) {
            const Index V = draw(rng, s.sizes.V);
            const Index d = draw(rng, s.sizes.d);
            const Index o = random_index(rng, 0, V - 1);
            const VectorXd vc = normal(rng, s, d);
            const MatrixXd U0 = normal(rng, s, V, d);
            Problem p;
            p.point = fmt::format("V={} d={} o={}", V, d, o);
            p.layout = {{"U", V, d}};
            p.x = pack({&U0});
            const auto layout = p.layout;
            set_loss(p, [vc, o, layout](const auto& x) {
              using T = scalar_of<decltype(x)>;
              return w2v::naive_softmax_loss<T>(vc.template cast<T>(), o, unpack(x, layout, 0));
            });
            p.claim = [=](const VectorXd& x) {
              return std::vector<MatrixXd>{
                  w2v::naive_softmax_loss_and_gradient(vc, o, unpack(x, layout, 0)).grad_outside};
            };
            const VectorXd y = w2v::onehot(o, V);
            const auto with_yhat = [=](auto&& form) {
              return [=](const VectorXd& x) {
                return std::vector<MatrixXd>{form(w2v::softmax(unpack(x, layout, 0) * vc))};
              };
            };
            p.controls = {
                {"sign_flipped", "(y - yhat) v_c^T",
                 with_yhat([=](const VectorXd& yhat) -> MatrixXd { return (y - yhat) * vc.transpose(); })},
                {"y_for_yhat", "y_w v_c: y used where yhat belongs",
                 with_yhat([=](const VectorXd&) -> MatrixXd { return y * vc.transpose(); })},
                {"transposed", "v_c (yhat - y)^T: column convention in a row-convention slot (d x V)",
                 with_yhat([=](const VectorXd& yhat) -> MatrixXd { return vc * (yhat - y).transpose(); })},
            };
            return p;
          },
  };
}

}  // namespace

std::vector<CheckCase> naive_softmax_cases() {
  return {xent_onehot_identity(), xent_grad_logits(), naive_softmax_grad_center(), naive_softmax_grad_outside()};
}

}  // namespace gradcheck::checks
