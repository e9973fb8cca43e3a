// formula/names.hpp: which characters make a name, and one spelling per name.
//
// Names are UTF-8: besides ASCII letters, digits and '_', a name may hold Latin
// letters with accents (ŷ), Greek letters (σ, τ, θ), combining accents after a
// letter (y followed by U+0302 COMBINING CIRCUMFLEX) and subscript digits (x₁).
// Operator-like characters (ᵀ, ⊙, ×, −) are not letters: the lexer reads them
// as operators (see docs/notation.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gradcheck::formula {

/// The code point starting at byte `i` of valid UTF-8 text, and its length in bytes.
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;
};
CodePoint code_point_at(std::string_view text, std::size_t i);

/// Whether a name may start with `c` (a letter or '_').
bool starts_name(char32_t c);
/// Whether a name may continue with `c` (also digits, combining accents, subscript digits).
bool continues_name(char32_t c);

/// One spelling per name: a Latin letter followed by a combining accent (y +
/// U+0302) becomes the precomposed letter (ŷ, U+0177) where Unicode has one, so
/// that the two spellings a keyboard or a copied formula may give are one name.
std::string compose_name(std::string_view name);

/// The key under which spellings of one name meet, for did-you-mean hints:
/// ASCII letters in lower case, '_' and '-' dropped, Greek letters spelt out and
/// accents as words: "y_hat", "yhat" and "ŷ" all give "yhat", "σ" gives "sigma".
std::string spelled_out(std::string_view name);

}  // namespace gradcheck::formula
