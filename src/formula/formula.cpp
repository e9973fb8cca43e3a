#include "formula/formula.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "formula/ast.hpp"
#include "formula/evaluate.hpp"
#include "formula/load_checks.hpp"
#include "formula/parser.hpp"
#include "formula/point_file.hpp"
#include "formula/sample.hpp"
#include "formula/shapes.hpp"

namespace gradcheck::formula {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw FormulaError(path, "cannot read formula file: it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormulaError(path, fmt::format("cannot read formula file: {}", std::strerror(errno)));
  // Read one byte past the limit: enough to know the file is too large.
  std::string text(max_file_size + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw FormulaError(path, "cannot read formula file: read error");
  return text;
}

// The parameters a problem differentiates, packed column-major like runner::Block.
struct Layout {
  std::vector<int> params;
  std::vector<runner::Block> blocks;
};

Layout layout_of(const Program& program, const Point& point) {
  Layout layout;
  for (const ClaimDecl& c : program.claims) {
    const ParamDecl& p = program.params[static_cast<std::size_t>(c.param)];
    layout.params.push_back(c.param);
    layout.blocks.push_back({p.name, resolve(p.rows.dim, point.dims), resolve(p.cols.dim, point.dims)});
  }
  return layout;
}

VectorXd flat(const MatrixXd& m) { return m.reshaped(); }

// Evaluates `exprs` at x: the laid-out parameters take their values from x.
class Evaluation {
 public:
  Evaluation(std::shared_ptr<const Program> program, std::shared_ptr<const Point> point, Layout layout,
             bool single_precision)
      : program_(std::move(program)),
        point_(std::move(point)),
        layout_(std::move(layout)),
        single_precision_(single_precision) {}

  std::vector<MatrixXd> operator()(const VectorXd& x, const std::vector<int>& exprs) const {
    std::vector<MatrixXd> values;
    Eigen::Index offset = 0;
    for (const auto& b : layout_.blocks) {
      values.emplace_back(x.segment(offset, b.rows * b.cols).reshaped(b.rows, b.cols));
      offset += b.rows * b.cols;
    }
    Evaluator e(*program_, *point_);
    if (single_precision_) e.round_to_float();
    for (std::size_t k = 0; k < values.size(); ++k) e.override_param(layout_.params[k], values[k]);
    std::vector<MatrixXd> out;
    out.reserve(exprs.size());
    for (const int expr : exprs) out.push_back(e.evaluate(expr));
    return out;
  }

 private:
  std::shared_ptr<const Program> program_;
  std::shared_ptr<const Point> point_;
  Layout layout_;
  bool single_precision_;
};

std::string default_convention(const Program& program) {
  std::string text;
  for (const ParamDecl& p : program.params)
    text += fmt::format("{}{}: {}", text.empty() ? "" : ", ", p.name, p.type_text);
  return text + "; indices 0-based, matrices column-major";
}

runner::Problem sample(const std::shared_ptr<const Program>& program, Rng& rng, int trial, bool single_precision,
                       const FixedPoint* fixed) {
  auto point = std::make_shared<const Point>(draw_point(*program, rng, trial, default_max_steps, max_draws, fixed));
  runner::Problem problem;
  problem.single_precision = single_precision;
  problem.point = describe_point(*program, *point);
  if (fixed != nullptr) problem.point += (problem.point.empty() ? "" : " ") + ("from " + fixed->file);
  const auto claims_of = [&](const std::vector<ClaimDecl>& claims) {
    // A control replaces the claims it names; the other blocks keep the formula's.
    std::vector<int> exprs;
    for (const ClaimDecl& main : program->claims) {
      int expr = main.expr;
      for (const ClaimDecl& c : claims) {
        if (c.param == main.param) expr = c.expr;
      }
      exprs.push_back(expr);
    }
    return exprs;
  };

  const int function = program->function;

  // A value claim differentiates nothing: f is the reference value, the claim
  // the claimed value, and x is empty. Otherwise x packs the parameters.
  const bool value = program->claim_kind == ClaimKind::value;
  Layout layout = value ? Layout{} : layout_of(*program, *point);
  problem.kind = value                                    ? runner::ProblemKind::value
                 : program->claim_kind == ClaimKind::grad ? runner::ProblemKind::gradient
                                                          : runner::ProblemKind::elementwise;
  if (!value) {
    problem.layout = layout.blocks;
    problem.x.resize(runner::layout_size(layout.blocks));
    Eigen::Index offset = 0;
    for (const int param : layout.params) {
      const MatrixXd& v = point->params[static_cast<std::size_t>(param)];
      problem.x.segment(offset, v.size()) = v.reshaped();
      offset += v.size();
    }
    // In float the check's point is float: the claims are evaluated at that point too.
    if (single_precision) problem.x = problem.x.cast<float>().cast<double>();
  }
  const Evaluation evaluation(program, point, std::move(layout), single_precision);
  if (value) {
    const MatrixXd reference = evaluation(VectorXd(), {function}).front();
    problem.layout = {{"loss", reference.rows(), reference.cols()}};
  }
  problem.f = [evaluation, function](const VectorXd& x) { return flat(evaluation(x, {function}).front()); };
  const auto claim = [evaluation](const std::vector<int>& exprs) -> runner::Claim {
    return [evaluation, exprs](const VectorXd& x) { return evaluation(x, exprs); };
  };
  problem.claim = claim(claims_of({}));
  for (const ControlDecl& k : program->controls) {
    problem.controls.push_back({k.id, k.description, claim(claims_of(k.claims))});
  }
  return problem;
}

}  // namespace

std::shared_ptr<const Program> compile(const std::string& text, const std::string& name) {
  auto source = std::make_shared<const Source>(name, text);
  if (text.size() > max_file_size) {
    throw FormulaError(name, Position{1, 1}, fmt::format("file is larger than 1 MiB ({}+ bytes)", text.size()), {});
  }
  auto program = std::make_shared<Program>(parse(source));
  check(*program);
  return program;
}

runner::CheckCase make_case(const std::shared_ptr<const Program>& program, const std::string& id, bool single_precision,
                            const std::shared_ptr<const FixedPoint>& fixed) {
  runner::CheckCase c;
  c.id = id;
  c.formula_file = true;
  c.precision = single_precision ? "float" : "double";
  c.one_point = fixed && fixed->complete();
  c.notes = program->notes;
  c.description =
      program->description.empty() ? fmt::format("formula file {}", program->source->name()) : program->description;
  if (program->formula.empty()) {
    for (const ClaimDecl& k : program->claims) c.formula += (c.formula.empty() ? "" : "; ") + k.text;
  } else {
    c.formula = program->formula;
  }
  c.convention = program->convention.empty() ? default_convention(*program) : program->convention;
  for (const ControlDecl& k : program->controls) c.controls.push_back({k.id, k.description});
  c.sample = [program, single_precision, fixed](Rng& rng, const runner::CaseSettings& /*settings*/, int trial) {
    return sample(program, rng, trial, single_precision, fixed.get());
  };
  // The file's own size ranges, each at that end (a value claim has no x).
  c.bound_layout = [program, fixed](const runner::CaseSettings& /*settings*/, runner::Bound bound) {
    if (program->claim_kind == ClaimKind::value) return std::vector<runner::Block>{};
    Point at;
    for (std::size_t k = 0; k < program->dims.size(); ++k) {
      const DimDecl& d = program->dims[k];
      const bool given = fixed && fixed->dims[k].has_value();
      at.dims.push_back(given ? *fixed->dims[k] : bound == runner::Bound::smallest ? d.lo : d.hi);
    }
    return layout_of(*program, at).blocks;
  };
  return c;
}

runner::CheckCase load_case_from_text(const std::string& text, const std::string& name, const LoadOptions& options) {
  const std::shared_ptr<const Program> program = compile(text, name);
  std::shared_ptr<const FixedPoint> fixed;
  if (!options.point_file.empty()) fixed = std::make_shared<const FixedPoint>(read_point(*program, options.point_file));
  check_at_load(*program, fixed.get());
  return make_case(program, std::filesystem::path(name).stem().string(), options.single_precision, fixed);
}

runner::CheckCase load_case(const std::string& path, const LoadOptions& options) {
  return load_case_from_text(read_file(path), path, options);
}

}  // namespace gradcheck::formula
