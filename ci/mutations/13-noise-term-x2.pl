# The noise term of the first difference's allowance doubled.
# file: src/engine/judge_axis.cpp
s#\Qout_.allowance(i, column_) = relative_to(claimed_(i), ni) + options_.noise_factor * noise;\E#out_.allowance(i, column_) = relative_to(claimed_(i), ni) + 2.0 * options_.noise_factor * noise;#
