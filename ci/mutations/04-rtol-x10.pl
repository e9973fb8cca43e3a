# The relative tolerance ×10 in the allowance (the relative term rtol · max(|a|, |n|)).
# file: src/engine/judge_axis.cpp
s#\Qreturn options.atol + options.rtol * std::max(std::abs(ai), std::abs(ni));\E#return options.atol + 10.0 * options.rtol * std::max(std::abs(ai), std::abs(ni));#
