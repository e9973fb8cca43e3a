# A closed form with its sign flipped: the naive softmax's ∂J/∂v_c as −Uᵀ(ŷ − y).
# file: src/word2vec/word2vec.cpp
s#\Qoutside_vectors.transpose() * delta,\E#-(outside_vectors.transpose() * delta),#
