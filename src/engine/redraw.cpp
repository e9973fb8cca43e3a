#include "gradcheck/redraw.hpp"

#include <fmt/format.h>

#include "gradcheck/error.hpp"

namespace gradcheck {

int redraw_while_inconclusive(int resample, const std::function<Verdict(int attempt)>& attempt) {
  if (resample < 0) throw Error(fmt::format("resample must be 0 or more redraws, got {}", resample));
  int points = 0;
  for (int k = 0; k <= resample; ++k) {
    ++points;
    if (attempt(k) != Verdict::inconclusive) break;
  }
  return points;
}

}  // namespace gradcheck
