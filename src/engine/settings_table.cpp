#include "gradcheck/detail/settings_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <type_traits>

#include "gradcheck/error.hpp"

namespace gradcheck::detail {
namespace {

// A bound as the messages write it: 0, 1, 1e6 (not 1000000) for a real
// number; every digit for a whole number (2..100000).
std::string bound_text(const Domain& d, double v) {
  if (d.kind == Domain::Kind::number && v >= 1e5) {
    const double exponent = std::round(std::log10(v));
    if (v == std::pow(10.0, exponent)) return fmt::format("1e{}", exponent);
  }
  if (d.kind != Domain::Kind::number) return std::to_string(static_cast<long>(v));
  return fmt::format("{}", v);
}

// "0 < alpha < 1", "> 0", ">= 1", "0 to 100".
std::string bounds_text(const Setting& s) {
  const Domain& d = s.domain;
  const char* above = d.lo_open ? ">" : ">=";
  if (std::isinf(d.hi)) return fmt::format("{} {}", above, bound_text(d, d.lo));
  if (d.kind == Domain::Kind::number) {
    return fmt::format("{} {} {} {} {}", bound_text(d, d.lo), d.lo_open ? "<" : "<=", s.name,
                       d.hi_open ? "<" : "<=", bound_text(d, d.hi));
  }
  return fmt::format("{} to {}", bound_text(d, d.lo), bound_text(d, d.hi));
}

}  // namespace

std::string expected_text(const Setting& s) {
  const Domain& d = s.domain;
  switch (d.kind) {
    case Domain::Kind::number:
      return (std::isinf(d.hi) ? "a number " : "a number with ") + bounds_text(s);
    case Domain::Kind::whole:
      if (std::isinf(d.hi)) return "a whole number " + bounds_text(s);
      return fmt::format("a whole number from {}{} to {}", bound_text(d, d.lo),
                         d.lo_means != nullptr ? fmt::format(" ({})", d.lo_means) : std::string(), bound_text(d, d.hi));
    case Domain::Kind::range:
      return fmt::format("a range within {}..{}", bound_text(d, d.lo), bound_text(d, d.hi));
    case Domain::Kind::choice:
    case Domain::Kind::names:
      break;
  }
  return d.accepted;
}

std::string help_text(const Setting& s) {
  const Domain& d = s.domain;
  std::string domain;
  switch (d.kind) {
    case Domain::Kind::number:
    case Domain::Kind::whole:
      domain = bounds_text(s);
      if (d.lo_means != nullptr) domain += fmt::format("; {}: {}", bound_text(d, d.lo), d.lo_means);
      break;
    case Domain::Kind::range:
      domain = fmt::format("LO..HI within {}..{}", bound_text(d, d.lo), bound_text(d, d.hi));
      break;
    case Domain::Kind::choice:
    case Domain::Kind::names:
      domain = d.accepted;
      break;
  }
  return fmt::format("{} ({})", s.about, domain);
}

std::string invalid_text(const std::string& what, const Setting& s) {
  return fmt::format("{} is invalid: expected {}", what, expected_text(s));
}

bool within(const Domain& d, double v) {
  if (!std::isfinite(v)) return false;
  const bool above = d.lo_open ? v > d.lo : v >= d.lo;
  const bool below = d.hi_open ? v < d.hi : v <= d.hi;
  return above && below;
}

void validate(const CheckOptions& o) {
  for_each_check_option(o, [](const Setting& s, const auto& field) {
    if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(field)>>) {
      if (!within(s.domain, static_cast<double>(field))) {
        throw Error(invalid_text(fmt::format("{} = {}", s.name, field), s));
      }
    }
  });
}

}  // namespace gradcheck::detail
