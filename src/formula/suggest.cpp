#include "formula/suggest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "formula/names.hpp"

namespace gradcheck::formula {
namespace {

// The characters of `word`, ASCII letters in lower case: a case slip costs nothing.
std::u32string characters(std::string_view word) {
  std::u32string out;
  for (std::size_t i = 0; i < word.size();) {
    const CodePoint c = code_point_at(word, i);
    out += c.value < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(c.value))) : c.value;
    i += c.length;
  }
  return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of adjacent characters each cost one edit.
std::size_t distance(const std::u32string& a, const std::u32string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string key = spelled_out(word);
  for (const auto& c : candidates) {
    if (c != word && !key.empty() && spelled_out(c) == key) return c;
  }
  const std::u32string w = characters(word);
  if (w.size() < 3) return std::nullopt;
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(w.size() / 3, 1) + 1;
  for (const auto& c : candidates) {
    if (c == word) continue;
    const std::size_t d = distance(w, characters(c));
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best) return best;
  for (const auto& c : candidates) {
    if (c != word && characters(c).starts_with(w)) {
      if (best) return std::nullopt;  // two or more: no guess
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const auto c = closest(word, candidates);
  return c ? fmt::format(" (did you mean '{}'?)", *c) : std::string();
}

}  // namespace gradcheck::formula
