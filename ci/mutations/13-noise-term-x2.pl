# The noise term of the first difference's allowance doubled.
# file: src/engine/judge_axis.cpp
s#\Qout.allowance(i, column_) = relative_to(claimed(i), ni) + options.noise_factor * noise;\E#out.allowance(i, column_) = relative_to(claimed(i), ni) + 2.0 * options.noise_factor * noise;#
