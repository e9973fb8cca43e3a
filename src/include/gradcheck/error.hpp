// gradcheck/error.hpp: the one exception type for misuse of the library.
#pragma once

#include <stdexcept>
#include <string>

namespace gradcheck {

/// Thrown for misuse: an index out of range, operands whose sizes do not fit,
/// an option outside its domain, an unreadable fixture. A wrong gradient is
/// never an exception: it is a failed CheckResult.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
/// The what() of the exception being handled (call inside a catch block).
std::string current_exception_text();
}  // namespace detail

}  // namespace gradcheck
