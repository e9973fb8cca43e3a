// checks/sampling.hpp: small helpers the case definitions share: drawing
// sizes and indices, and packing parameter blocks into the checked vector x.
#pragma once

#include <Eigen/Core>
#include <initializer_list>
#include <string>
#include <vector>

#include "gradcheck/random.hpp"
#include "gradcheck/word2vec.hpp"
#include "runner/case.hpp"
#include "runner/settings.hpp"

namespace gradcheck::checks {

// The names every case definition uses.
namespace w2v = word2vec;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using runner::Block;
using runner::CaseSettings;
using runner::CheckCase;
using runner::Problem;
using runner::ProblemKind;

/// A size drawn uniformly from an inclusive range.
Eigen::Index draw(Rng& rng, const runner::Range& range);
/// Standard normal entries times settings.scale (the scale of the points).
Eigen::MatrixXd normal(Rng& rng, const runner::CaseSettings& settings, Eigen::Index rows, Eigen::Index cols = 1);
/// `count` word indices drawn uniformly from [0, vocab), repeats allowed.
std::vector<Eigen::Index> draw_indices(Rng& rng, Eigen::Index count, Eigen::Index vocab);

/// Concatenates matrices column-major, in the order of a layout.
Eigen::VectorXd pack(std::initializer_list<const Eigen::MatrixXd*> blocks);
/// Block b of x under `layout`, as a matrix of the block's shape.
Eigen::MatrixXd unpack(const Eigen::VectorXd& x, const std::vector<runner::Block>& layout, std::size_t b);

/// "[1, 1, 4]".
std::string to_string(const std::vector<Eigen::Index>& indices);

}  // namespace gradcheck::checks
