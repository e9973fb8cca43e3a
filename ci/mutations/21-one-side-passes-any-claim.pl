# Issue 19: the one-sided ladder past a kink passes a claim whatever its value.
# file: src/engine/kinks.cpp
s#\Qstd::abs(ai - best) > relative + uncertainty)\E#false)#
