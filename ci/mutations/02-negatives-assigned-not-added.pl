# Repeated negatives assigned instead of added: ∂J/∂u_k keeps only the last draw of k.
# file: src/word2vec/word2vec.cpp
s#\Qresult.grad_outside.row(k) += weight\E#result.grad_outside.row(k) = weight#
