# Issue 19: the widened noise probe reads a bend over a kink as rounding (inflated allowances).
# file: src/engine/noise.cpp
s#\Qif (std::abs(bend) >= one_signed * bend_size) continue;\E#if (false && std::abs(bend) >= one_signed * bend_size) continue;#
