#include "gradcheck/redraw.hpp"

#include <fmt/format.h>

#include "gradcheck/detail/settings_table.hpp"
#include "gradcheck/error.hpp"

namespace gradcheck {

int redraw_while_inconclusive(int resample, const std::function<Verdict(int attempt)>& attempt) {
  if (!detail::within(detail::resample_setting.domain, resample)) {
    throw Error(detail::invalid_text(fmt::format("resample = {}", resample), detail::resample_setting));
  }
  int points = 0;
  for (int k = 0; k <= resample; ++k) {
    ++points;
    if (attempt(k) != Verdict::inconclusive) break;
  }
  return points;
}

}  // namespace gradcheck
