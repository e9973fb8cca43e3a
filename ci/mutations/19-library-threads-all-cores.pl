# Issue 19: library checks default to all cores again (a caching loss then races).
# file: src/include/gradcheck/options.hpp
s#\Qint threads = 1;\E#int threads = 0;#
