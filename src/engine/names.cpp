// The names of the public enums, as the reports and the CLI spell them, and
// of entries by their indices.
#include "names.hpp"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "gradcheck/options.hpp"
#include "gradcheck/result.hpp"

namespace gradcheck {
namespace {

// An enum's names, one per enumerator in declaration order (checked below),
// so that a name is looked up rather than switched on in every function.
template <class Enum, std::size_t N>
using Names = std::array<std::pair<Enum, const char*>, N>;

template <class Enum, std::size_t N>
constexpr bool in_declaration_order(const Names<Enum, N>& names) {
  for (std::size_t k = 0; k < N; ++k) {
    if (static_cast<std::size_t>(names[k].first) != k) return false;
  }
  return true;
}

// `unknown` for a value outside the enum (cast from an integer).
template <class Enum, std::size_t N>
const char* name_of(const Names<Enum, N>& names, Enum value, const char* unknown = "unknown") {
  const auto k = static_cast<std::size_t>(value);
  return k < N ? names[k].second : unknown;
}

constexpr Names<Verdict, 3> verdict_names{
    {{Verdict::pass, "pass"}, {Verdict::fail, "fail"}, {Verdict::inconclusive, "inconclusive"}}};
constexpr Names<Verdict, 3> verdict_headlines{
    {{Verdict::pass, "PASS"}, {Verdict::fail, "FAIL"}, {Verdict::inconclusive, "INCONCLUSIVE"}}};
constexpr Names<Failure, 8> failure_names{{{Failure::none, "none"},
                                           {Failure::wrong_value, "wrong_value"},
                                           {Failure::wrong_shape, "wrong_shape"},
                                           {Failure::non_finite, "non_finite"},
                                           {Failure::exception, "exception"},
                                           {Failure::kink, "kink"},
                                           {Failure::unresolved, "unresolved"},
                                           {Failure::step_underflow, "step_underflow"}}};
constexpr Names<Mode, 4> mode_names{
    {{Mode::full, "full"}, {Mode::sampled, "sampled"}, {Mode::directional, "directional"}, {Mode::automatic, "auto"}}};
constexpr Names<CheckKind, 3> check_kind_names{
    {{CheckKind::gradient, "gradient"}, {CheckKind::jacobian, "jacobian"}, {CheckKind::values, "values"}}};

static_assert(in_declaration_order(verdict_names) && in_declaration_order(verdict_headlines));
static_assert(in_declaration_order(failure_names) && in_declaration_order(mode_names));
static_assert(in_declaration_order(check_kind_names));

}  // namespace

const char* to_string(Verdict verdict) noexcept { return name_of(verdict_names, verdict); }
const char* to_string(Failure failure) noexcept { return name_of(failure_names, failure); }
const char* to_string(Mode mode) noexcept { return name_of(mode_names, mode); }
const char* to_string(CheckKind kind) noexcept { return name_of(check_kind_names, kind); }
const char* headline(Verdict verdict) noexcept { return name_of(verdict_headlines, verdict, "UNKNOWN"); }

std::optional<Mode> parse_mode(std::string_view text) noexcept {
  for (const auto& [mode, name] : mode_names) {
    if (text == name) return mode;
  }
  return std::nullopt;
}

namespace detail {

std::string indexed_entry_name(CheckKind kind, Eigen::Index output, Eigen::Index input) {
  if (kind == CheckKind::gradient) return fmt::format("x[{}]", input);
  if (kind == CheckKind::values) return fmt::format("[{}]", input);
  return fmt::format("({}, {})", output, input);
}

}  // namespace detail
}  // namespace gradcheck
