# Issue 19: the library's default mode is full again (a 100,000 x 300 table checked coordinate by coordinate).
# file: src/include/gradcheck/options.hpp
s#\QMode mode = Mode::automatic;\E#Mode mode = Mode::full;#
