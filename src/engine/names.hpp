// engine/names.hpp (internal): how the engine names a check's kind and its
// entries in messages.
#pragma once

#include <Eigen/Core>
#include <string>

#include "gradcheck/check.hpp"

namespace gradcheck::detail {

/// The kind of result a check of a claim of `kind` returns.
inline CheckKind check_kind(ClaimKind kind) {
  return kind == ClaimKind::gradient   ? CheckKind::gradient
         : kind == ClaimKind::jacobian ? CheckKind::jacobian
                                       : CheckKind::values;
}

/// Entry (output, input) named by its indices alone (no parameter block
/// names it): "x[3]" of a gradient, "[3]" of values, "(1, 3)" of a Jacobian.
std::string indexed_entry_name(CheckKind kind, Eigen::Index output, Eigen::Index input);

}  // namespace gradcheck::detail
