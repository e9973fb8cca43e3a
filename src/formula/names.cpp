#include "formula/names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>

namespace gradcheck::formula {
namespace {

struct Accented {
  char32_t letter;  // the precomposed letter
  char base;        // its ASCII base letter
  char32_t mark;    // its combining accent
};

// Latin letters that are an ASCII letter with one of the accents of `accent_words`
// (Unicode's canonical decompositions, from U+00C0..U+024F and U+1E00..U+1EFF),
// in code point order. Generated once with Python's unicodedata.normalize("NFD", ...).
constexpr Accented accented[] = {
    {0x00C0, 'A', 0x300}, {0x00C1, 'A', 0x301}, {0x00C2, 'A', 0x302}, {0x00C3, 'A', 0x303}, {0x00C4, 'A', 0x308},
    {0x00C8, 'E', 0x300}, {0x00C9, 'E', 0x301}, {0x00CA, 'E', 0x302}, {0x00CB, 'E', 0x308}, {0x00CC, 'I', 0x300},
    {0x00CD, 'I', 0x301}, {0x00CE, 'I', 0x302}, {0x00CF, 'I', 0x308}, {0x00D1, 'N', 0x303}, {0x00D2, 'O', 0x300},
    {0x00D3, 'O', 0x301}, {0x00D4, 'O', 0x302}, {0x00D5, 'O', 0x303}, {0x00D6, 'O', 0x308}, {0x00D9, 'U', 0x300},
    {0x00DA, 'U', 0x301}, {0x00DB, 'U', 0x302}, {0x00DC, 'U', 0x308}, {0x00DD, 'Y', 0x301}, {0x00E0, 'a', 0x300},
    {0x00E1, 'a', 0x301}, {0x00E2, 'a', 0x302}, {0x00E3, 'a', 0x303}, {0x00E4, 'a', 0x308}, {0x00E8, 'e', 0x300},
    {0x00E9, 'e', 0x301}, {0x00EA, 'e', 0x302}, {0x00EB, 'e', 0x308}, {0x00EC, 'i', 0x300}, {0x00ED, 'i', 0x301},
    {0x00EE, 'i', 0x302}, {0x00EF, 'i', 0x308}, {0x00F1, 'n', 0x303}, {0x00F2, 'o', 0x300}, {0x00F3, 'o', 0x301},
    {0x00F4, 'o', 0x302}, {0x00F5, 'o', 0x303}, {0x00F6, 'o', 0x308}, {0x00F9, 'u', 0x300}, {0x00FA, 'u', 0x301},
    {0x00FB, 'u', 0x302}, {0x00FC, 'u', 0x308}, {0x00FD, 'y', 0x301}, {0x00FF, 'y', 0x308}, {0x0100, 'A', 0x304},
    {0x0101, 'a', 0x304}, {0x0106, 'C', 0x301}, {0x0107, 'c', 0x301}, {0x0108, 'C', 0x302}, {0x0109, 'c', 0x302},
    {0x010A, 'C', 0x307}, {0x010B, 'c', 0x307}, {0x0112, 'E', 0x304}, {0x0113, 'e', 0x304}, {0x0116, 'E', 0x307},
    {0x0117, 'e', 0x307}, {0x011C, 'G', 0x302}, {0x011D, 'g', 0x302}, {0x0120, 'G', 0x307}, {0x0121, 'g', 0x307},
    {0x0124, 'H', 0x302}, {0x0125, 'h', 0x302}, {0x0128, 'I', 0x303}, {0x0129, 'i', 0x303}, {0x012A, 'I', 0x304},
    {0x012B, 'i', 0x304}, {0x0130, 'I', 0x307}, {0x0134, 'J', 0x302}, {0x0135, 'j', 0x302}, {0x0139, 'L', 0x301},
    {0x013A, 'l', 0x301}, {0x0143, 'N', 0x301}, {0x0144, 'n', 0x301}, {0x014C, 'O', 0x304}, {0x014D, 'o', 0x304},
    {0x0154, 'R', 0x301}, {0x0155, 'r', 0x301}, {0x015A, 'S', 0x301}, {0x015B, 's', 0x301}, {0x015C, 'S', 0x302},
    {0x015D, 's', 0x302}, {0x0168, 'U', 0x303}, {0x0169, 'u', 0x303}, {0x016A, 'U', 0x304}, {0x016B, 'u', 0x304},
    {0x0174, 'W', 0x302}, {0x0175, 'w', 0x302}, {0x0176, 'Y', 0x302}, {0x0177, 'y', 0x302}, {0x0178, 'Y', 0x308},
    {0x0179, 'Z', 0x301}, {0x017A, 'z', 0x301}, {0x017B, 'Z', 0x307}, {0x017C, 'z', 0x307}, {0x01F4, 'G', 0x301},
    {0x01F5, 'g', 0x301}, {0x01F8, 'N', 0x300}, {0x01F9, 'n', 0x300}, {0x0226, 'A', 0x307}, {0x0227, 'a', 0x307},
    {0x022E, 'O', 0x307}, {0x022F, 'o', 0x307}, {0x0232, 'Y', 0x304}, {0x0233, 'y', 0x304}, {0x1E02, 'B', 0x307},
    {0x1E03, 'b', 0x307}, {0x1E0A, 'D', 0x307}, {0x1E0B, 'd', 0x307}, {0x1E1E, 'F', 0x307}, {0x1E1F, 'f', 0x307},
    {0x1E20, 'G', 0x304}, {0x1E21, 'g', 0x304}, {0x1E22, 'H', 0x307}, {0x1E23, 'h', 0x307}, {0x1E26, 'H', 0x308},
    {0x1E27, 'h', 0x308}, {0x1E30, 'K', 0x301}, {0x1E31, 'k', 0x301}, {0x1E3E, 'M', 0x301}, {0x1E3F, 'm', 0x301},
    {0x1E40, 'M', 0x307}, {0x1E41, 'm', 0x307}, {0x1E44, 'N', 0x307}, {0x1E45, 'n', 0x307}, {0x1E54, 'P', 0x301},
    {0x1E55, 'p', 0x301}, {0x1E56, 'P', 0x307}, {0x1E57, 'p', 0x307}, {0x1E58, 'R', 0x307}, {0x1E59, 'r', 0x307},
    {0x1E60, 'S', 0x307}, {0x1E61, 's', 0x307}, {0x1E6A, 'T', 0x307}, {0x1E6B, 't', 0x307}, {0x1E7C, 'V', 0x303},
    {0x1E7D, 'v', 0x303}, {0x1E80, 'W', 0x300}, {0x1E81, 'w', 0x300}, {0x1E82, 'W', 0x301}, {0x1E83, 'w', 0x301},
    {0x1E84, 'W', 0x308}, {0x1E85, 'w', 0x308}, {0x1E86, 'W', 0x307}, {0x1E87, 'w', 0x307}, {0x1E8A, 'X', 0x307},
    {0x1E8B, 'x', 0x307}, {0x1E8C, 'X', 0x308}, {0x1E8D, 'x', 0x308}, {0x1E8E, 'Y', 0x307}, {0x1E8F, 'y', 0x307},
    {0x1E90, 'Z', 0x302}, {0x1E91, 'z', 0x302}, {0x1E97, 't', 0x308}, {0x1EBC, 'E', 0x303}, {0x1EBD, 'e', 0x303},
    {0x1EF2, 'Y', 0x300}, {0x1EF3, 'y', 0x300}, {0x1EF8, 'Y', 0x303}, {0x1EF9, 'y', 0x303},
};

struct Word {
  char32_t c;
  std::string_view word;
};

// Accents as a mathematician reads them: x̂ "x hat", x̄ "x bar".
constexpr Word accent_words[] = {{0x300, "grave"}, {0x301, "acute"}, {0x302, "hat"}, {0x303, "tilde"},
                                 {0x304, "bar"},   {0x307, "dot"},   {0x308, "ddot"}};

constexpr Word greek_words[] = {
    {U'α', "alpha"},   {U'β', "beta"}, {U'γ', "gamma"}, {U'δ', "delta"}, {U'ε', "epsilon"}, {U'ϵ', "epsilon"},
    {U'ζ', "zeta"},    {U'η', "eta"},  {U'θ', "theta"}, {U'ϑ', "theta"}, {U'ι', "iota"},    {U'κ', "kappa"},
    {U'λ', "lambda"},  {U'μ', "mu"},   {U'ν', "nu"},    {U'ξ', "xi"},    {U'ο', "omicron"}, {U'π', "pi"},
    {U'ϖ', "pi"},      {U'ρ', "rho"},  {U'ϱ', "rho"},   {U'σ', "sigma"}, {U'ς', "sigma"},   {U'τ', "tau"},
    {U'υ', "upsilon"}, {U'φ', "phi"},  {U'ϕ', "phi"},   {U'χ', "chi"},   {U'ψ', "psi"},     {U'ω', "omega"},
};

bool is_greek_letter(char32_t c) {
  return (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) || (c >= 0x3B1 && c <= 0x3C9) || c == 0x3D1 || c == 0x3D5 ||
         c == 0x3D6 || c == 0x3F1 || c == 0x3F5;
}

// Letters of Latin-1 (not × and ÷), Latin Extended-A and -B, Latin Extended Additional.
bool is_latin_letter(char32_t c) {
  return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF);
}

bool is_combining_accent(char32_t c) { return c >= 0x300 && c <= 0x36F; }

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6U));
    out += static_cast<char>(0x80 | (c & 0x3FU));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12U));
    out += static_cast<char>(0x80 | ((c >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (c & 0x3FU));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18U));
    out += static_cast<char>(0x80 | ((c >> 12U) & 0x3FU));
    out += static_cast<char>(0x80 | ((c >> 6U) & 0x3FU));
    out += static_cast<char>(0x80 | (c & 0x3FU));
  }
}

const Accented* decomposition(char32_t letter) {
  const auto* it = std::lower_bound(std::begin(accented), std::end(accented), letter,
                                    [](const Accented& a, char32_t c) { return a.letter < c; });
  return it != std::end(accented) && it->letter == letter ? it : nullptr;
}

const Accented* composition(char base, char32_t mark) {
  const auto* it = std::find_if(std::begin(accented), std::end(accented),
                                [&](const Accented& a) { return a.base == base && a.mark == mark; });
  return it != std::end(accented) ? it : nullptr;
}

std::string_view word_of(const Word* begin, const Word* end, char32_t c) {
  const auto* it = std::find_if(begin, end, [c](const Word& w) { return w.c == c; });
  return it != end ? it->word : std::string_view();
}

}  // namespace

CodePoint code_point_at(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(k < text.size() ? text[k] : 0); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80U) return {b0, 1};
  const std::size_t n = (b0 & 0xE0U) == 0xC0U ? 2 : (b0 & 0xF0U) == 0xE0U ? 3 : 4;
  char32_t c = b0 & (0x7FU >> n);
  for (std::size_t k = 1; k < n; ++k) c = (c << 6U) | (byte(i + k) & 0x3FU);
  return {c, n};
}

bool starts_name(char32_t c) {
  return (c < 0x80 && (std::isalpha(static_cast<int>(c)) != 0 || c == '_')) || is_latin_letter(c) || is_greek_letter(c);
}

bool continues_name(char32_t c) {
  return starts_name(c) || (c < 0x80 && std::isdigit(static_cast<int>(c)) != 0) || is_combining_accent(c) ||
         (c >= 0x2080 && c <= 0x2089);
}

std::string compose_name(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const CodePoint c = code_point_at(name, i);
    i += c.length;
    if (c.value < 0x80 && i < name.size()) {
      const CodePoint next = code_point_at(name, i);
      if (const Accented* a = composition(static_cast<char>(c.value), next.value)) {
        append_utf8(out, a->letter);
        i += next.length;
        continue;
      }
    }
    append_utf8(out, c.value);
  }
  return out;
}

std::string spelled_out(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const CodePoint c = code_point_at(name, i);
    i += c.length;
    char32_t v = c.value;
    if (const Accented* a = decomposition(v)) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(a->base)));
      v = a->mark;
    }
    if (v >= 0x391 && v <= 0x3A9) v += 0x20;  // Greek capitals: the small letter's name
    if (v == '_' || v == '-') continue;
    if (v < 0x80) {
      out += static_cast<char>(std::tolower(static_cast<int>(v)));
    } else if (const auto w = word_of(std::begin(accent_words), std::end(accent_words), v); !w.empty()) {
      out += w;
    } else if (const auto g = word_of(std::begin(greek_words), std::end(greek_words), v); !g.empty()) {
      out += g;
    } else {
      append_utf8(out, v);
    }
  }
  return out;
}

}  // namespace gradcheck::formula
