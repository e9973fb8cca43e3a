// gradcheck/gradcheck.hpp: the checker's public API in one include.
//
// Not included here, each for its own reason:
//   gradcheck/autodiff.hpp  check_gradient_templated and friends: it pulls in
//                           Eigen's unsupported AutoDiff module (see
//                           bench/README.md for what that costs a compile);
//   gradcheck/word2vec.hpp  the word2vec homework code the derivation cases
//                           check: target gradcheck::word2vec, not the checker.
#pragma once

#include "gradcheck/check.hpp"       // IWYU pragma: export
#include "gradcheck/error.hpp"       // IWYU pragma: export
#include "gradcheck/options.hpp"     // IWYU pragma: export
#include "gradcheck/parameters.hpp"  // IWYU pragma: export
#include "gradcheck/random.hpp"      // IWYU pragma: export
#include "gradcheck/redraw.hpp"      // IWYU pragma: export
#include "gradcheck/result.hpp"      // IWYU pragma: export
