// The explanation of a CheckResult (operator<<) and the names of its entries.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "gradcheck/result.hpp"
#include "names.hpp"
#include "verdicts.hpp"

namespace gradcheck {
namespace {

// Entries listed by operator<<: enough to see a pattern (one row, one column
// of a matrix), few enough to read in a test log.
constexpr std::size_t listed_entries = 5;

// Ranks judged entries for listing: FAIL before INCONCLUSIVE before PASS,
// then by error / allowance, largest first.
std::pair<int, double> rank(const CheckResult& r, Eigen::Index k) {
  const Verdict v = r.verdicts[static_cast<std::size_t>(k)];
  const double err = std::abs(r.analytic(k) - r.numeric(k));
  const double allowance = r.allowance(k);
  const double ratio = detail::error_ratio(err, allowance);
  const int tier = v == Verdict::fail ? 2 : v == Verdict::inconclusive ? 1 : 0;
  return {tier, std::isnan(ratio) ? HUGE_VAL : ratio};
}

std::string column_name(const CheckResult& r, Eigen::Index output, Eigen::Index column) {
  const Eigen::Index input = r.inputs.empty() ? column : r.inputs[static_cast<std::size_t>(column)];
  if (input >= 0) return entry_name(r, output, input);
  return r.analytic.rows() > 1 ? fmt::format("output {} along direction {}", output, column)
                               : fmt::format("direction {}", column);
}

void print_blocks(std::ostream& out, const CheckResult& r) {
  std::size_t width = 5;
  for (const BlockSummary& b : r.blocks) width = std::max(width, b.name.size());
  out << fmt::format("  {:<{}}  {:>9}  {:>7}  {:>7}  {:>12}\n", "block", width, "shape", "judged", "failing",
                     "inconclusive");
  for (const BlockSummary& b : r.blocks) {
    out << fmt::format("  {:<{}}  {:>9}  {:>7}  {:>7}  {:>12}\n", b.name, width, fmt::format("{}x{}", b.rows, b.cols),
                       b.judged, b.failing, b.inconclusive);
  }
}

void print_worst(std::ostream& out, const CheckResult& r) {
  const auto count = static_cast<std::size_t>(r.verdicts.size());
  std::vector<Eigen::Index> order(count);
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  const std::size_t shown = std::min(listed_entries, count);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [&r](Eigen::Index a, Eigen::Index b) { return rank(r, a) > rank(r, b); });
  std::vector<std::string> names;
  std::size_t width = 5;
  for (std::size_t k = 0; k < shown; ++k) {
    const Eigen::Index at = order[k];
    names.push_back(column_name(r, at % r.analytic.rows(), at / r.analytic.rows()));
    width = std::max(width, names.back().size());
  }
  out << fmt::format("  worst entries (largest error / allowance first):\n");
  out << fmt::format("  {:<{}}  {:<12}  {:>17}  {:>17}  {:>10}  {:>10}\n", "entry", width, "verdict", "analytic",
                     "numeric", "error", "allowance");
  for (std::size_t k = 0; k < shown; ++k) {
    const Eigen::Index at = order[k];
    const double a = r.analytic(at);
    const double n = r.numeric(at);
    out << fmt::format("  {:<{}}  {:<12}  {:>17.10g}  {:>17.10g}  {:>10.3e}  {:>10.3e}\n", names[k], width,
                       to_string(r.verdicts[static_cast<std::size_t>(at)]), a, n, std::abs(a - n), r.allowance(at));
  }
}

}  // namespace

std::string entry_name(const CheckResult& r, Eigen::Index output, Eigen::Index input) {
  for (const BlockSummary& b : r.blocks) {
    const Eigen::Index k = input - b.offset;
    if (k < 0 || k >= b.rows * b.cols) continue;
    if (b.rows == 1 && b.cols == 1) return b.name;
    if (b.cols == 1) return fmt::format("{}[{}]", b.name, k);
    return fmt::format("{}[{},{}]", b.name, k % b.rows, k / b.rows);
  }
  return detail::indexed_entry_name(r.kind, output, input);
}

std::ostream& operator<<(std::ostream& out, const CheckResult& r) {
  out << headline(r.verdict);
  if (r.verdict != Verdict::pass) out << " (" << to_string(r.failure) << ")";
  if (!r.message.empty()) out << ": " << r.message;
  out << '\n';
  const bool compared = !r.verdicts.empty() && static_cast<Eigen::Index>(r.verdicts.size()) == r.analytic.size() &&
                        r.numeric.size() == r.analytic.size() && r.allowance.size() == r.analytic.size();
  if (compared) {
    out << fmt::format("  {} of {} entries fail, {} inconclusive; worst error / allowance {:.3g}", r.failing_entries,
                       r.analytic.size(), r.inconclusive_entries, r.worst_ratio);
  } else {
    out << "  no entries compared";
  }
  out << fmt::format("; mode {}, {} evaluations of f\n", to_string(r.options.mode), r.evaluations);
  if (r.verdict == Verdict::pass) return out;
  if (!r.blocks.empty()) print_blocks(out, r);
  if (compared) print_worst(out, r);
  return out;
}

}  // namespace gradcheck
