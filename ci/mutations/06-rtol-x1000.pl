# The relative tolerance ×1000 in the allowance (the relative term rtol · max(|a|, |n|)).
# file: src/engine/judge_axis.cpp
s#\Qreturn options_.atol + options_.rtol * std::max(std::abs(ai), std::abs(ni));\E#return options_.atol + 1000.0 * options_.rtol * std::max(std::abs(ai), std::abs(ni));#
