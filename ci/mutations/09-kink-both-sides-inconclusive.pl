# A claim wrong on both sides of a kink is INCONCLUSIVE instead of FAIL.
# file: src/lib/differences.cpp
s#\Qif (ai >= lo && ai <= hi) {\E#if (true) {#
