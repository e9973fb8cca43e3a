# Kink detection off: one-sided differences no longer mark a kink within the step.
# file: src/lib/differences.cpp
s#\Qif (std::isfinite(gap) && gap > kink_ratio\E#if (false && std::isfinite(gap) && gap > kink_ratio#
