#include "formula/sample.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "formula/shapes.hpp"

namespace gradcheck::formula {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// `count` distinct indices of [0, bound) other than `excluded` (-1: none), by a
// partial Fisher-Yates shuffle on random_index (reproducible everywhere, which
// std::shuffle is not). False if there are not enough.
bool draw_distinct(Rng& rng, MatrixXd& out, Index bound, Index excluded) {
  std::vector<Index> pool;
  for (Index w = 0; w < bound; ++w) {
    if (w != excluded) pool.push_back(w);
  }
  const Index count = out.size();
  if (count > static_cast<Index>(pool.size())) return false;
  const auto last = static_cast<Index>(pool.size()) - 1;
  for (Index k = 0; k < count; ++k) {
    std::swap(pool[static_cast<std::size_t>(k)], pool[static_cast<std::size_t>(random_index(rng, k, last))]);
    out.data()[k] = static_cast<double>(pool[static_cast<std::size_t>(k)]);
  }
  return true;
}

// A real parameter: from its distribution, whose arguments may use the
// parameters drawn before it, or else standard normal.
MatrixXd draw_real(const Program& program, const ParamDecl& p, Rng& rng, const Point& point, Index rows, Index cols,
                   long max_steps) {
  if (!p.distribution) return random_normal(rng, rows, cols);
  Evaluator e(program, point, max_steps);
  const double a = e.evaluate(p.distribution->a)(0, 0);
  const double b = e.evaluate(p.distribution->b)(0, 0);
  if (p.distribution->family == Distribution::Family::normal) {
    if (!std::isfinite(a) || !std::isfinite(b) || b < 0.0) {
      program.source->fail(p.distribution->position,
                           fmt::format("normal({}, {}) needs a finite mean and standard deviation >= 0", a, b));
    }
    return ((random_normal(rng, rows, cols) * b).array() + a).matrix();
  }
  if (!std::isfinite(a) || !std::isfinite(b) || !(a < b)) {
    program.source->fail(p.distribution->position, fmt::format("uniform({}, {}) needs finite low < high", a, b));
  }
  MatrixXd value(rows, cols);
  for (Index k = 0; k < value.size(); ++k) value.data()[k] = random_uniform(rng, a, b);
  return value;
}

// An index or a list of indices of [0, bound), distinct or avoiding another
// index parameter if the declaration says so; false (and why) if it cannot be.
bool draw_indices(const ParamDecl& p, Rng& rng, const Point& point, MatrixXd& value, std::string& why) {
  const Index bound = resolve(p.bound.dim, point.dims);
  const Index excluded =
      p.excluding_param < 0 ? -1 : static_cast<Index>(point.params[static_cast<std::size_t>(p.excluding_param)](0, 0));
  if (p.distinct) {
    if (draw_distinct(rng, value, bound, excluded)) return true;
    why = fmt::format("{} needs {} distinct indices of {}", p.name, value.size(), bound - (excluded < 0 ? 0 : 1));
    return false;
  }
  if (excluded < 0 || excluded >= bound) {  // nothing in range to avoid
    for (Index k = 0; k < value.size(); ++k) value.data()[k] = static_cast<double>(random_index(rng, 0, bound - 1));
    return true;
  }
  if (bound == 1) {
    why = fmt::format("{} must avoid its only index", p.name);
    return false;
  }
  for (Index k = 0; k < value.size(); ++k) {
    Index w = random_index(rng, 0, bound - 2);  // then skip the excluded one
    if (w >= excluded) ++w;
    value.data()[k] = static_cast<double>(w);
  }
  return true;
}

bool assumptions_hold(const Program& program, const Point& point, long max_steps, std::string& why) {
  for (const AssumeDecl& a : program.assumes) {
    Evaluator e(program, point, max_steps);
    const double holds = e.evaluate(a.expr)(0, 0);
    if (!(holds != 0.0) || std::isnan(holds)) {
      why = fmt::format("the assumption at {}:{}", a.position.line, a.position.column);
      return false;
    }
  }
  return true;
}

// One attempt; false if it must be redrawn, with `why` the reason.
bool attempt(const Program& program, Rng& rng, Point& point, long max_steps, std::string& why,
             const FixedPoint* fixed) {
  point.dims.clear();
  point.params.assign(program.params.size(), MatrixXd());
  for (std::size_t k = 0; k < program.dims.size(); ++k) {
    const DimDecl& d = program.dims[k];
    const bool given = fixed != nullptr && fixed->dims[k].has_value();
    point.dims.push_back(given ? *fixed->dims[k] : random_index(rng, d.lo, d.hi));
  }
  for (std::size_t i = 0; i < program.params.size(); ++i) {
    const ParamDecl& p = program.params[i];
    const Index rows = resolve(p.rows.dim, point.dims);
    const Index cols = resolve(p.cols.dim, point.dims);
    MatrixXd& value = point.params[i];
    if (fixed != nullptr && fixed->params[i].has_value()) {
      value = *fixed->params[i];
    } else if (p.kind == ParamKind::real) {
      value = draw_real(program, p, rng, point, rows, cols, max_steps);
    } else {
      value.resize(rows, cols);
      if (!draw_indices(p, rng, point, value, why)) return false;
    }
  }
  return assumptions_hold(program, point, max_steps, why);
}

}  // namespace

bool FixedPoint::complete() const {
  return std::all_of(params.begin(), params.end(), [](const auto& p) { return p.has_value(); });
}

Point draw_point(const Program& program, Rng& rng, int trial, long max_steps, int draws, const FixedPoint* fixed) {
  Point point;
  point.trial = trial;
  std::string why;
  const bool one_point = fixed != nullptr && fixed->complete();  // every draw would be the same
  for (int k = 0; k < (one_point ? 1 : draws); ++k) {
    if (attempt(program, rng, point, max_steps, why, fixed)) return point;
  }
  if (!one_point) {
    const Position where = program.assumes.empty() ? Position{1, 1} : program.assumes.front().position;
    program.source->fail(where, fmt::format("no point found in {} draws: {} failed in the last", draws, why));
  }
  throw FormulaError(fixed->file, fmt::format("the point breaks {}", why));
}

std::string describe_point(const Program& program, const Point& point) {
  std::string text;
  const auto add = [&](const std::string& item) { text += (text.empty() ? "" : " ") + item; };
  for (std::size_t i = 0; i < program.dims.size(); ++i) add(fmt::format("{}={}", program.dims[i].name, point.dims[i]));
  for (std::size_t i = 0; i < program.params.size(); ++i) {
    const ParamDecl& p = program.params[i];
    const MatrixXd& v = point.params[i];
    if (p.kind == ParamKind::index) {
      add(fmt::format("{}={}", p.name, v(0, 0)));
    } else if (p.kind == ParamKind::index_list) {
      // Row by row: "[1, 4, 4]" for a list, "[[1, 2], [0, 3]]" for a matrix of indices.
      const auto row = [&](Index r) {
        std::string items;
        for (Index c = 0; c < v.cols(); ++c) items += fmt::format("{}{}", c == 0 ? "" : ", ", v(r, c));
        return "[" + items + "]";
      };
      std::string items;
      if (v.cols() == 1) {
        for (Index r = 0; r < v.rows(); ++r) items += fmt::format("{}{}", r == 0 ? "" : ", ", v(r, 0));
        add(fmt::format("{}=[{}]", p.name, items));
      } else {
        for (Index r = 0; r < v.rows(); ++r) items += (r == 0 ? "" : ", ") + row(r);
        add(fmt::format("{}=[{}]", p.name, items));
      }
    }
  }
  return text;
}

}  // namespace gradcheck::formula
