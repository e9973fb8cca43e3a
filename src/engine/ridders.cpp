// Ridders' extrapolation of central or one-sided differences along an axis.
#include <cmath>
#include <limits>

#include "differences.hpp"

namespace gradcheck::detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// The growth of the tableau's differences at which extrapolation stops helping.
constexpr double ladder_safe = 2.0;

}  // namespace

void ridders(Worker& w, const Axis& axis, double top, Eigen::Index m, int side, const Eigen::VectorXd* fx) {
  Eigen::MatrixXd& table = w.ladder;
  // Cell (k, i), k <= i, of the triangular tableau is column i(i + 1)/2 + k.
  constexpr Eigen::Index cells = Eigen::Index{ladder_levels} * (ladder_levels + 1) / 2;
  if (table.rows() != m || table.cols() != cells) table.resize(m, cells);
  const auto cell = [&](int k, int i) { return table.col((Eigen::Index{i} * (i + 1) / 2) + k); };
  const auto difference = [&](double h_wanted, int i) {
    const double h = w.exact_step(axis, h_wanted);
    w.at(axis, side == 0 ? h : side * h, w.rp);
    if (side == 0) {
      w.at(axis, -h, w.rm);
      cell(0, i) = (w.rp - w.rm) / (2.0 * h);
    } else {
      cell(0, i) = (w.rp - *fx) / (side * h);
    }
  };
  // A central difference's error runs in even powers of the step, a one-sided one's in every power.
  const double shrink_order = side == 0 ? ladder_shrink * ladder_shrink : ladder_shrink;
  w.best.setConstant(m, nan);
  w.error.setConstant(m, HUGE_VAL);
  double h = top;
  difference(h, 0);
  for (int i = 1; i < ladder_levels; ++i) {
    h /= ladder_shrink;
    difference(h, i);
    if (!cell(0, i).allFinite()) break;
    double factor = shrink_order;
    for (int k = 1; k <= i; ++k) {
      cell(k, i) = (cell(k - 1, i) * factor - cell(k - 1, i - 1)) / (factor - 1.0);
      factor *= shrink_order;
      for (Eigen::Index o = 0; o < m; ++o) {
        const double e =
            std::max(std::abs(cell(k, i)(o) - cell(k - 1, i)(o)), std::abs(cell(k, i)(o) - cell(k - 1, i - 1)(o)));
        if (e <= w.error(o)) {
          w.error(o) = e;
          w.best(o) = cell(k, i)(o);
        }
      }
    }
    // Stop once the diagonal grows away from the best estimate for every output.
    bool growing = true;
    for (Eigen::Index o = 0; o < m && growing; ++o) {
      growing = std::abs(cell(i, i)(o) - cell(i - 1, i - 1)(o)) >= ladder_safe * w.error(o);
    }
    if (growing) break;
  }
}

}  // namespace gradcheck::detail
