// gradcheck/gradcheck.hpp: the whole public API in one include.
#pragma once

#include "gradcheck/autodiff.hpp"         // IWYU pragma: export
#include "gradcheck/check.hpp"            // IWYU pragma: export
#include "gradcheck/error.hpp"            // IWYU pragma: export
#include "gradcheck/options.hpp"          // IWYU pragma: export
#include "gradcheck/parameters.hpp"       // IWYU pragma: export
#include "gradcheck/random.hpp"           // IWYU pragma: export
#include "gradcheck/redraw.hpp"           // IWYU pragma: export
#include "gradcheck/result.hpp"           // IWYU pragma: export
#include "gradcheck/word2vec.hpp"         // IWYU pragma: export
#include "gradcheck/word2vec_losses.hpp"  // IWYU pragma: export
