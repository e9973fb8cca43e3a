// What every report says of the run as a whole: when it was made, and in
// which convention its entries are named.
#include "report/report.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace gradcheck::report {

std::string utc_now() { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr))); }

std::string run_conventions(const std::vector<runner::CaseReport>& cases) {
  const bool builtin =
      std::any_of(cases.begin(), cases.end(), [](const runner::CaseReport& r) { return !r.check_case->formula_file; });
  return builtin ? std::string(
                       "Row convention (the homework code's outsideVectors): U is V x d and row w is u_w; s = U v_c; "
                       "yhat = softmax(s); y = onehot(o); sigma(x) = 1/(1+e^-x). Matrices are flattened "
                       "column-major; entries are named block[row,col].")
                 : std::string(
                       "Each formula file states its own convention (under Formulas). Matrices are flattened "
                       "column-major; entries are named block[row,col], indices 0-based.");
}

}  // namespace gradcheck::report
