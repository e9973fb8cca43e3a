# The random stream of a trial changed (the same seed names other points).
# file: src/engine/random.cpp
s#\Q^ splitmix64(trial)};\E#^ splitmix64(trial + 1)};#
