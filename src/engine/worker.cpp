// The Worker: f evaluated along an axis in a private copy of x; labels of entries.
#include "worker.hpp"

#include <fmt/format.h>

#include <limits>

#include "gradcheck/error.hpp"
#include "names.hpp"

namespace gradcheck::detail {

std::string entry_label(ClaimKind kind, const Axis& axis, Eigen::Index i) {
  if (axis.coordinate < 0)
    return kind == ClaimKind::jacobian ? fmt::format("output {} along {}", i, axis.label) : axis.label;
  return indexed_entry_name(check_kind(kind), i, axis.coordinate);
}

// The axis itself in messages: a direction's label, or a coordinate named as
// its entry of output 0 ("x[3]"), formatted only when a message is made.
std::string axis_label(ClaimKind kind, const Axis& axis) {
  return axis.coordinate < 0 ? axis.label : entry_label(kind, axis, 0);
}

Worker::Worker(const VectorFunction& f, const Eigen::VectorXd& x, Precision precision, Eigen::Index outputs,
               PassPool* pool)
    : fp(outputs),
      fm(outputs),
      fp2(outputs),
      fm2(outputs),
      rp(outputs),
      rm(outputs),
      sp(outputs),
      sm(outputs),
      sp2(outputs),
      sm2(outputs),
      best(outputs),
      error(outputs),
      f_(f),
      x_(x),
      w_(x.size()),
      precision_(precision),
      pool_(pool),
      dirty_hi_(x.size()) {  // all of w_ to be put back: the copy
  // Advised before the copy first touches it, so not a member initializer;
  // the copy is x put back over all of w_ (shared with the pool, if any).
  populate_buffer(w_.data(), static_cast<std::size_t>(w_.size()) * sizeof(double));
  restore();
  kinked.reserve(static_cast<std::size_t>(outputs));
  searching.reserve(static_cast<std::size_t>(outputs));
  grids.reserve(static_cast<std::size_t>(outputs));
  kink_sides.reserve(static_cast<std::size_t>(outputs));
  kink_slopes.reserve(static_cast<std::size_t>(outputs));
}

double Worker::eps() const {
  return precision_ == Precision::single_precision ? std::numeric_limits<float>::epsilon()
                                                   : std::numeric_limits<double>::epsilon();
}

double Worker::exact_step(const Axis& axis, double h) const {
  if (axis.coordinate < 0) return h;
  const double xj = x_(axis.coordinate);
  if (precision_ == Precision::single_precision) {
    const volatile float up = static_cast<float>(xj) + static_cast<float>(h);
    return static_cast<double>(up - static_cast<float>(xj));
  }
  const volatile double up = xj + h;
  return up - xj;
}

void Worker::restore() {
  split_pass(dirty_lo_, dirty_hi_ - dirty_lo_,
             [this](Eigen::Index lo, Eigen::Index len) { w_.segment(lo, len) = x_.segment(lo, len); });
  dirty_lo_ = dirty_hi_ = 0;
}

void Worker::at(const Axis& axis, double offset, Eigen::VectorXd& out) {
  ++evaluations;
  const auto call = [&]() {
    try {
      f_(w_, out);
    } catch (...) {
      throw FunctionThrew{fmt::format("f threw at x ± h {}: {}", axis.move(), current_exception_text())};
    }
  };
  if (axis.coordinate >= 0) {
    if (dirty_hi_ > dirty_lo_) restore();
    const Eigen::Index j = axis.coordinate;
    w_(j) = x_(j) + offset;
    try {
      call();
    } catch (...) {
      w_(j) = x_(j);
      throw;
    }
    w_(j) = x_(j);
    return;
  }
  if (dirty_hi_ > dirty_lo_ && (dirty_lo_ < axis.lo || dirty_hi_ > axis.hi)) restore();
  if (axis.alternating) {
    // x_j + (±offset)·max(1, |x_j|): the same value as from a stored ±1
    // direction, fused into one multiply-add or not, with no data-dependent branch.
    split_pass(axis.lo, axis.hi - axis.lo, [this, offset](Eigen::Index lo, Eigen::Index len) {
      for (Eigen::Index j = lo; j < lo + len; ++j) {
        const double signed_offset = (j & 1) == 0 ? offset : -offset;
        w_(j) = x_(j) + signed_offset * coordinate_scale(x_(j));
      }
    });
  } else {
    split_pass(axis.lo, axis.hi - axis.lo, [this, &axis, offset](Eigen::Index lo, Eigen::Index len) {
      w_.segment(lo, len) = x_.segment(lo, len) + offset * scaled_direction(*axis.direction, x_, lo, len);
    });
  }
  dirty_lo_ = axis.lo;
  dirty_hi_ = axis.hi;
  call();  // w_ stays perturbed on [lo, hi), thrown or not (see dirty_lo_)
}

}  // namespace gradcheck::detail
