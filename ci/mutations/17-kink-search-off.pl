# Issue 19: no step below h is tried past a kink (entries near a kink stay INCONCLUSIVE).
# file: src/engine/kinks.cpp
s#\Qconstexpr int halvings = 40;\E#constexpr int halvings = 0;#
