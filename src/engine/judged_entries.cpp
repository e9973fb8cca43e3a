// The judged state of a check (JudgedEntries): its matrices and verdicts.
#include <algorithm>

#include "judging.hpp"
#include "threads.hpp"

namespace gradcheck::detail {

JudgedEntries::JudgedEntries(Eigen::Index outputs, Eigen::Index columns)
    : numeric(outputs, columns), allowance(outputs, columns), estimate(outputs, columns) {
  for (Eigen::MatrixXd* m : {&numeric, &allowance, &estimate})
    populate_buffer(m->data(), static_cast<std::size_t>(m->size()) * sizeof(double));
  estimate.setZero();
  verdicts.resize(static_cast<std::size_t>(outputs * columns));
}

void JudgedEntries::record(Eigen::Index c, const std::vector<EntryJudgement>& judged) {
  const Eigen::Index m = numeric.rows();
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto at = static_cast<std::size_t>(c * m + i);
    const EntryJudgement& e = judged[static_cast<std::size_t>(i)];
    verdicts[at] = static_cast<std::uint8_t>(e.verdict);
    if (e.kink) {
      const std::lock_guard<std::mutex> lock(mutex);
      kinks.push_back({i, c, e.slopes.backward, e.slopes.forward, e.slopes.backward2, e.slopes.forward2});
    }
    if (e.verdict == Verdict::inconclusive) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (at < first_inconclusive_at) {
        first_inconclusive_at = at;
        first_inconclusive = e;
      }
    }
  }
}

bool JudgedEntries::fails(Eigen::Index c) const {
  const Eigen::Index m = numeric.rows();
  for (Eigen::Index i = 0; i < m; ++i) {
    if (static_cast<Verdict>(verdicts[static_cast<std::size_t>(c * m + i)]) == Verdict::fail) return true;
  }
  return false;
}

void JudgedEntries::keep_columns(Eigen::Index columns) {
  const Eigen::Index m = numeric.rows();
  numeric.conservativeResize(m, columns);
  allowance.conservativeResize(m, columns);
  estimate.conservativeResize(m, columns);
  verdicts.resize(static_cast<std::size_t>(m * columns));
}

}  // namespace gradcheck::detail
