// gradcheck/word2vec_sizes.hpp: the sizes of the points the word2vec cases
// (checks/) draw, as settings: each a row of the settings table
// (gradcheck/detail/settings_table.hpp) that applies to those cases only. A
// formula file declares its own sizes, so the CLI refuses these flags for it.
#pragma once

#include "gradcheck/detail/settings_table.hpp"

namespace gradcheck::word2vec {

/// An inclusive range of whole numbers, written "2..50" (or "7" for 7..7).
struct Range {
  long lo = 1;
  long hi = 1;
  friend bool operator==(const Range&, const Range&) = default;
};

/// Each trial draws its sizes uniformly from these ranges.
struct Sizes {
  Range V{2, 50};      ///< vocabulary size
  Range d{1, 20};      ///< embedding size
  Range m{1, 4};       ///< skip-gram window half-width
  Range K{1, 15};      ///< negative samples per outside word
  Range n{1, 20};      ///< length of the vector for elementwise functions
  double alpha = 0.1;  ///< leaky-ReLU slope, 0 < alpha < 1
};

/// Calls visit(setting, field) for each size of `s`. The ranges are capped so
/// that a typo cannot ask for gigabytes (the runner also caps V x d and n x n).
template <class S, class Visit>
void for_each_size(S& s, Visit&& visit) {
  using gradcheck::detail::Domain;
  using gradcheck::detail::Setting;
  constexpr gradcheck::detail::AppliesTo only = gradcheck::detail::word2vec_cases_only;
  visit(Setting{"V", "vocabulary size range", Domain::range_within(2, 100000), only}, s.V);
  visit(Setting{"d", "embedding size range", Domain::range_within(1, 10000), only}, s.d);
  visit(Setting{"m", "skip-gram window half-width range", Domain::range_within(1, 100), only}, s.m);
  visit(Setting{"K", "negative samples range", Domain::range_within(1, 1000), only}, s.K);
  visit(Setting{"n", "vector length range for elementwise cases", Domain::range_within(1, 100000), only}, s.n);
  visit(Setting{"alpha", "leaky-ReLU slope", Domain::number_between(0, 1), only}, s.alpha);
}

}  // namespace gradcheck::word2vec
