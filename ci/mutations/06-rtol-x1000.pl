# The relative tolerance ×1000 in the allowance (the relative term rtol · max(|a|, |n|)).
# file: src/engine/judge_axis.cpp
s#\Qreturn options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni));\E#return options.atol + 1000.0 * options.rtol * std::max(std::abs(ai), std::abs(ni));#
