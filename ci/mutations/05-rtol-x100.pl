# The relative tolerance ×100 in the allowance (the relative term rtol · max(|a|, |n|)).
# file: src/engine/judge_axis.cpp
s#\Qreturn options_.atol + options_.rtol * std::max(std::abs(ai), std::abs(ni));\E#return options_.atol + 100.0 * options_.rtol * std::max(std::abs(ai), std::abs(ni));#
