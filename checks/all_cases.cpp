#include <algorithm>
#include <iterator>

#include "cases.hpp"

namespace gradcheck::checks {

const std::vector<runner::CheckCase>& all_cases() {
  static const std::vector<runner::CheckCase> cases = [] {
    std::vector<runner::CheckCase> all;
    for (auto family : {naive_softmax_cases, activation_cases, neg_sampling_cases, skipgram_cases}) {
      std::ranges::move(family(), std::back_inserter(all));
    }
    return all;
  }();
  return cases;
}

}  // namespace gradcheck::checks
