# The relative tolerance ×100 in the allowance (the relative term rtol · max(|a|, |n|)).
# file: src/engine/judge_axis.cpp
s#\Qreturn options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni));\E#return options.atol + 100.0 * options.rtol * std::max(std::abs(ai), std::abs(ni));#
