#include <algorithm>
#include <iterator>

#include "cases.hpp"
#include "gradcheck/error.hpp"

namespace gradcheck::checks {

const std::vector<runner::CheckCase>& all_cases() {
  static const std::vector<runner::CheckCase> cases = [] {
    std::vector<runner::CheckCase> all;
    for (auto family : {naive_softmax_cases, activation_cases, neg_sampling_cases, skipgram_cases}) {
      std::ranges::transform(family(), std::back_inserter(all), runner::name_controls);
    }
    return all;
  }();
  return cases;
}

const runner::CheckCase& find_case(const std::string& id) {
  const auto& cases = all_cases();
  const auto found = std::ranges::find(cases, id, &runner::CheckCase::id);
  if (found == cases.end()) throw Error("no case has the id '" + id + "'");
  return *found;
}

}  // namespace gradcheck::checks
