#include "formula/evaluate.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "formula/float_arithmetic.hpp"
#include "formula/shapes.hpp"
#include "gradcheck/word2vec.hpp"

namespace gradcheck::formula {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

MatrixXd scalar(double v) { return MatrixXd::Constant(1, 1, v); }

std::string size_text(const MatrixXd& m) { return fmt::format("{} x {}", m.rows(), m.cols()); }

bool is_vector(const MatrixXd& m) { return m.rows() == 1 || m.cols() == 1; }

// NaN-propagating, unlike std::max.
double maximum(double a, double b) { return std::isnan(a) || a >= b ? a : b; }
double minimum(double a, double b) { return std::isnan(a) || a <= b ? a : b; }

double floor_mod(double x, double y) { return x - y * std::floor(x / y); }

}  // namespace

Evaluator::Evaluator(const Program& program, const Point& point, long max_steps)
    : program_(program),
      point_(point),
      max_steps_(max_steps),
      overrides_(program.params.size(), nullptr),
      lets_(program.lets.size()),
      loops_(static_cast<std::size_t>(program.loop_slots), 0.0) {}

void Evaluator::override_param(int param, const MatrixXd& value) {
  overrides_[static_cast<std::size_t>(param)] = &value;
}

MatrixXd Evaluator::evaluate(int node) { return eval(node); }

void Evaluator::fail(const Node& n, const std::string& message) const { program_.source->fail(n.position, message); }

MatrixXd Evaluator::eval(int id) {
  if (!single_) return eval_op(id);
  return in_float::round(eval_op(id));
}

MatrixXd Evaluator::eval_op(int id) {
  const Node& n = program_.node(id);
  if (++steps_ > max_steps_) fail(n, fmt::format("evaluation takes more than {} steps (a loop too long?)", max_steps_));
  if (is_elementwise(n.op)) return binary(n, n.args[0], n.args[1]);
  switch (n.op) {
    case Op::number:
      return scalar(n.number);
    case Op::name:
      return name(n);
    case Op::neg:
      return -eval(n.args[0]);
    case Op::transpose:
      return eval(n.args[0]).transpose();
    case Op::mul:
      return product(n);
    case Op::call:
      return call(n);
    case Op::index:
      return index(n);
    case Op::sum_range:
    case Op::sum_list:
      return summation(n);
    case Op::cond: {
      const double c = eval(n.args[0])(0, 0);
      if (std::isnan(c)) fail(n, "the condition of 'if' is NaN");
      return eval(c != 0.0 ? n.args[1] : n.args[2]);
    }
    default:  // Op::colon, outside an index
      break;
  }
  fail(n, "':' selects a whole row or column: use it in U[i, :] or U[:, j]");
}

const MatrixXd* Evaluator::stored(const Node& n) {
  if (n.op != Op::name) return nullptr;
  if (n.ref == Ref::param) {
    const auto slot = static_cast<std::size_t>(n.slot);
    return overrides_[slot] != nullptr ? overrides_[slot] : &point_.params[slot];
  }
  if (n.ref == Ref::let) {
    auto& memo = lets_[static_cast<std::size_t>(n.slot)];
    // Definitions cannot see summation variables, so one value serves the whole evaluation.
    if (!memo) memo = eval(program_.lets[static_cast<std::size_t>(n.slot)].expr);
    return &*memo;
  }
  return nullptr;
}

MatrixXd Evaluator::name(const Node& n) {
  if (const MatrixXd* m = stored(n)) return *m;
  switch (n.ref) {
    case Ref::dim:
      return scalar(static_cast<double>(point_.dims[static_cast<std::size_t>(n.slot)]));
    case Ref::loop:
      return scalar(loops_[static_cast<std::size_t>(n.slot)]);
    case Ref::trial:
      return scalar(point_.trial);
    default:
      break;
  }
  fail(n, fmt::format("'{}' has no value", n.name));
}

MatrixXd Evaluator::product(const Node& n) {
  const MatrixXd a = eval(n.args[0]);
  const MatrixXd b = eval(n.args[1]);
  if (n.broadcast == Broadcast::left_scalar) return a(0, 0) * b;
  if (n.broadcast == Broadcast::right_scalar) return a * b(0, 0);
  if (a.cols() != b.rows()) {
    // Equal shapes are no match for a product: say what it needs (and the
    // elementwise product, which is what equal shapes usually mean).
    fail(n,
         fmt::format("shape mismatch in '{}': {} is {} but {} is {}; a matrix product needs the left's columns ({}) "
                     "to equal the right's rows ({}){}",
                     n.name, quoted(program_, n.args[0]), size_text(a), quoted(program_, n.args[1]), size_text(b),
                     a.cols(), b.rows(),
                     a.rows() == b.rows() && a.cols() == b.cols() ? ": for the elementwise product write '.*'" : ""));
  }
  if (static_cast<double>(a.rows()) * static_cast<double>(b.cols()) > static_cast<double>(max_result_entries)) {
    fail(n, fmt::format("the product is {} x {}, more than {} entries", a.rows(), b.cols(), max_result_entries));
  }
  if (single_) return in_float::product(a, b);
  return a * b;
}

MatrixXd Evaluator::binary(const Node& n, int lhs, int rhs) {
  const MatrixXd a = eval(lhs);
  const MatrixXd b = eval(rhs);
  double (*f)(double, double) = nullptr;
  switch (n.op) {
    case Op::add:
      f = [](double x, double y) { return x + y; };
      break;
    case Op::sub:
      f = [](double x, double y) { return x - y; };
      break;
    case Op::emul:
      f = [](double x, double y) { return x * y; };
      break;
    case Op::ediv:
      f = [](double x, double y) { return x / y; };
      break;
    case Op::mod:
      f = single_ ? in_float::mod : floor_mod;
      break;
    case Op::pow:
      f = [](double x, double y) { return std::pow(x, y); };
      break;
    case Op::lt:
      f = [](double x, double y) { return x < y ? 1.0 : 0.0; };
      break;
    case Op::le:
      f = [](double x, double y) { return x <= y ? 1.0 : 0.0; };
      break;
    case Op::gt:
      f = [](double x, double y) { return x > y ? 1.0 : 0.0; };
      break;
    case Op::ge:
      f = [](double x, double y) { return x >= y ? 1.0 : 0.0; };
      break;
    case Op::eq:
      f = [](double x, double y) { return x == y ? 1.0 : 0.0; };
      break;
    case Op::ne:
      f = [](double x, double y) { return x != y ? 1.0 : 0.0; };
      break;
    case Op::call:
      f = n.builtin == Builtin::max ? maximum : minimum;
      break;
    default:
      fail(n, "not an elementwise operation");
  }
  switch (n.broadcast) {
    case Broadcast::left_scalar: {
      const double s = a(0, 0);
      return b.unaryExpr([&](double y) { return f(s, y); });
    }
    case Broadcast::right_scalar: {
      const double s = b(0, 0);
      return a.unaryExpr([&](double x) { return f(x, s); });
    }
    case Broadcast::none:
      break;
  }
  if (a.rows() != b.rows() || a.cols() != b.cols()) {
    const std::string op = n.op == Op::call ? n.name + "(...)" : "'" + n.name + "'";
    fail(n, fmt::format("shape mismatch in {}: {} is {} but {} is {}", op, quoted(program_, lhs), size_text(a),
                        quoted(program_, rhs), size_text(b)));
  }
  return a.binaryExpr(b, [f](double x, double y) { return f(x, y); });
}

namespace {

// A whole number in [0, size), or a message saying why not.
std::optional<std::string> bad_index(double v, Index size) {
  if (!std::isfinite(v) || v != std::floor(v)) return fmt::format("index {} is not a whole number", v);
  if (v < 0.0 || v >= static_cast<double>(size)) {
    return fmt::format("index {} is out of range 0..{}", v, size - 1);
  }
  return std::nullopt;
}

}  // namespace

MatrixXd Evaluator::call(const Node& n) {
  const auto arg = [&](std::size_t k) { return eval(n.args[k]); };
  switch (n.builtin) {
    case Builtin::exp:
      return arg(0).array().exp().matrix();
    case Builtin::log:
      return arg(0).array().log().matrix();
    case Builtin::tanh:
      return arg(0).array().tanh().matrix();
    case Builtin::abs:
      return arg(0).array().abs().matrix();
    case Builtin::sqrt:
      return arg(0).array().sqrt().matrix();
    case Builtin::relu:  // max(x, 0): NaN stays NaN, as in maximum()
      return arg(0).unaryExpr([](double x) { return maximum(x, 0.0); });
    case Builtin::sigmoid:
      return arg(0).unaryExpr([](double x) { return word2vec::sigmoid(x); });
    case Builtin::transpose:
      return arg(0).transpose();
    case Builtin::softmax:
    case Builtin::logsumexp:
    case Builtin::sum:
    case Builtin::norm:
    case Builtin::dot:
      return entry_sum(n);
    case Builtin::max:
    case Builtin::min:
      if (n.args.size() == 2) return binary(n, n.args[0], n.args[1]);
      return scalar(n.builtin == Builtin::max ? arg(0).maxCoeff() : arg(0).minCoeff());
    case Builtin::any:
      return scalar((arg(0).array() != 0.0).any() ? 1.0 : 0.0);
    case Builtin::all:
      return scalar((arg(0).array() != 0.0).all() ? 1.0 : 0.0);
    case Builtin::outer: {
      const MatrixXd a = arg(0);
      const MatrixXd b = arg(1);
      if (static_cast<double>(a.size()) * static_cast<double>(b.size()) > static_cast<double>(max_result_entries)) {
        fail(n, fmt::format("outer(...) would have more than {} entries", max_result_entries));
      }
      return a.reshaped() * b.reshaped().transpose();
    }
    case Builtin::onehot: {
      const double i = arg(0)(0, 0);
      const long size = resolve(n.type.rows, point_.dims);
      if (const auto why = bad_index(i, size)) fail(n, fmt::format("onehot: {}", *why));
      MatrixXd e = MatrixXd::Zero(size, 1);
      e(static_cast<Index>(i), 0) = 1.0;
      return e;
    }
    case Builtin::zeros:
    case Builtin::ones:
      return MatrixXd::Constant(resolve(n.type.rows, point_.dims), resolve(n.type.cols, point_.dims),
                                n.builtin == Builtin::ones ? 1.0 : 0.0);
    case Builtin::none:
      break;
  }
  fail(n, fmt::format("unknown function '{}'", n.name));
}

// The builtins that sum over entries: in double by Eigen (and word2vec), in
// float left to right with every partial sum a float (float_arithmetic.hpp).
MatrixXd Evaluator::entry_sum(const Node& n) {
  const MatrixXd a = eval(n.args[0]);
  switch (n.builtin) {
    case Builtin::softmax: {
      if (!is_vector(a))
        fail(n, fmt::format("softmax expects a vector, but {} is {}", quoted(program_, n.args[0]), size_text(a)));
      if (single_) return in_float::softmax(a);
      const Eigen::VectorXd s = word2vec::softmax(a.reshaped());
      return s.reshaped(a.rows(), a.cols());
    }
    case Builtin::logsumexp:
      return scalar(single_ ? in_float::logsumexp(a) : word2vec::logsumexp(a.reshaped()));
    case Builtin::sum:
      return scalar(single_ ? in_float::sum(a) : a.sum());
    case Builtin::norm:
      return scalar(single_ ? in_float::norm(a) : a.norm());
    case Builtin::dot: {
      const MatrixXd b = eval(n.args[1]);
      if (a.size() != b.size()) {
        fail(n, fmt::format("dot needs vectors of one length, but {} is {} and {} is {}", quoted(program_, n.args[0]),
                            size_text(a), quoted(program_, n.args[1]), size_text(b)));
      }
      return scalar(single_ ? in_float::dot(a, b) : a.reshaped().dot(b.reshaped()));
    }
    default:
      break;
  }
  fail(n, fmt::format("'{}' is not a sum", n.name));
}

MatrixXd Evaluator::index(const Node& n) {
  const Node& target_node = program_.node(n.args[0]);
  MatrixXd local;
  const MatrixXd* target = stored(target_node);
  if (target == nullptr) {
    local = eval(n.args[0]);
    target = &local;
  }
  const MatrixXd& t = *target;
  // A bad index is reported at the start of the index expression.
  const auto position = [&](double v, Index size, int arg, const char* axis) {
    if (const auto why = bad_index(v, size)) {
      program_.source->fail_at(program_.node(arg).begin, fmt::format("{} of {}, which is {}{}", *why,
                                                                     quoted(program_, n.args[0]), size_text(t), axis));
    }
    return static_cast<Index>(v);
  };
  if (n.args.size() == 2) {
    if (!is_vector(t))
      fail(n, fmt::format("{} is {}: index a matrix with [i, j]", quoted(program_, n.args[0]), size_text(t)));
    const MatrixXd which = eval(n.args[1]);
    MatrixXd out(which.rows(), which.cols());
    for (Index k = 0; k < which.size(); ++k)
      out.data()[k] = t.data()[position(which.data()[k], t.size(), n.args[1], "")];
    return out;
  }
  // Rows and columns selected: all of them (':'), one, or a list.
  const auto select = [&](int arg, Index size, const char* axis) {
    std::vector<Index> chosen;
    if (program_.node(arg).op == Op::colon) {
      chosen.resize(static_cast<std::size_t>(size));
      for (Index k = 0; k < size; ++k) chosen[static_cast<std::size_t>(k)] = k;
      return chosen;
    }
    const MatrixXd which = eval(arg);
    for (Index k = 0; k < which.size(); ++k) chosen.push_back(position(which.data()[k], size, arg, axis));
    return chosen;
  };
  const std::vector<Index> rows = select(n.args[1], t.rows(), " (row)");
  const std::vector<Index> cols = select(n.args[2], t.cols(), " (column)");
  if (static_cast<double>(rows.size()) * static_cast<double>(cols.size()) > static_cast<double>(max_result_entries)) {
    fail(n, fmt::format("the selection would have more than {} entries", max_result_entries));
  }
  MatrixXd out(static_cast<Index>(rows.size()), static_cast<Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out(static_cast<Index>(i), static_cast<Index>(j)) = t(rows[i], cols[j]);
    }
  }
  return out;
}

MatrixXd Evaluator::summation(const Node& n) {
  double& variable = loops_[static_cast<std::size_t>(n.slot)];
  MatrixXd total;
  bool first = true;
  const auto accumulate = [&](double value) {
    variable = value;
    MatrixXd term = eval(n.args.back());
    if (first) {
      total = std::move(term);
      first = false;
    } else if (term.rows() != total.rows() || term.cols() != total.cols()) {
      fail(n, fmt::format("the terms of the sum change shape: {} then {}", size_text(total), size_text(term)));
    } else if (single_) {
      total = in_float::round(total + term);
    } else {
      total += term;
    }
  };
  if (n.op == Op::sum_list) {
    const MatrixXd list = eval(n.args[0]);
    for (Index k = 0; k < list.size(); ++k) accumulate(list.data()[k]);
  } else {
    const auto bound = [&](int arg) {
      const double v = eval(arg)(0, 0);
      if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 1e15) {
        fail(program_.node(arg), fmt::format("a summation's bound must be a whole number, not {}", v));
      }
      return v;
    };
    const double lo = bound(n.args[0]);
    const double hi = bound(n.args[1]);
    if (hi - lo + 1.0 > static_cast<double>(max_steps_)) {
      fail(n, fmt::format("the summation runs over {:.0f} terms, more than {}", hi - lo + 1.0, max_steps_));
    }
    // An integer counter: lo and hi are whole numbers below 1e15, exact as doubles.
    for (auto k = static_cast<long long>(lo); k <= static_cast<long long>(hi); ++k) accumulate(static_cast<double>(k));
  }
  if (first) {  // an empty range: zero of the body's shape
    return MatrixXd::Zero(resolve(n.type.rows, point_.dims), resolve(n.type.cols, point_.dims));
  }
  return total;
}

}  // namespace gradcheck::formula
