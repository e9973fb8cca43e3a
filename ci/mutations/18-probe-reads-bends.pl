# Issue 19: the widened noise probe reads a bend over a kink as rounding (inflated allowances).
# file: src/engine/noise.cpp
s#\Qconst std::optional<double> level = t.bends_one_way() ? std::nullopt : t.recognised_noise();\E#const std::optional<double> level = t.recognised_noise();#
