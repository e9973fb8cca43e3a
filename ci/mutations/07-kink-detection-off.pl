# Kink detection off: neither the jump in slope nor the one-sided bends mark a kink.
# file: src/engine/kinks.cpp
s#\Qreturn jump > std::max(2.0 * nf_noise, relative) ||\E#return false && jump > std::max(2.0 * nf_noise, relative) ||#
