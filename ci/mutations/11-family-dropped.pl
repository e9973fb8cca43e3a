# A whole case family (skip-gram, 3 cases) dropped from the registry.
# file: checks/all_cases.cpp
s#\Q, skipgram_cases}\E#}#
