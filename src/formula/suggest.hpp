// formula/suggest.hpp: "did you mean" for a word that names nothing: an undefined
// name, dimension or parameter, an unknown function, keyword or type in a formula
// file, and an unknown command, case or option of the command line (which
// includes this header; it includes nothing of the command line).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradcheck::formula {

/// The candidate `word` most likely stands for, if one is close enough:
///  1. one spelled the same way but for case, '_', '-', Greek letters or accents
///     written out (vc for v_c, yhat for ŷ, sigma for σ; see spelled_out);
///  2. else the nearest by Damerau-Levenshtein distance over characters (an
///     adjacent swap is one edit: trails for trials), at most one edit per three
///     characters of `word` and none for a word under three characters, so that
///     'y' suggests nothing rather than an unrelated one-letter name;
///  3. else the only candidate that `word` (three characters or more) begins.
/// Ties go to the earlier candidate; `word` itself is never suggested.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" for closest(word, candidates), else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gradcheck::formula
