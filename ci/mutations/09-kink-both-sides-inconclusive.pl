# A claim wrong on both sides of a kink is INCONCLUSIVE instead of FAIL.
# file: src/engine/kinks.cpp
s#\Qif (!(claimed < lo || claimed > hi)) return false;\E#if (true) return false;#
