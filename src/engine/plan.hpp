// engine/plan.hpp (internal): the options a check accepts, and the
// coordinates a sampled check judges.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "gradcheck/detail/settings_table.hpp"
#include "gradcheck/options.hpp"

namespace gradcheck::detail {

/// The coordinates a sampled check judges: `samples` distinct ones drawn per
/// block (all of a smaller block), plus `entries`, in increasing order.
std::vector<Eigen::Index> sampled_coordinates(Eigen::Index n, const CheckOptions& options);

}  // namespace gradcheck::detail
