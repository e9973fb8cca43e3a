# The noise term of the first difference's allowance doubled.
# file: src/lib/differences.cpp
s#\Qout.allowance(i, c) = relative_to(claimed(i), ni) + options.noise_factor * noise;\E#out.allowance(i, c) = relative_to(claimed(i), ni) + 2.0 * options.noise_factor * noise;#
