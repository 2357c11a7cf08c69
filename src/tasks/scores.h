// Turning logits into scores and picking the best: the small numeric steps
// the task pipelines share (done in double, as numpy would, then stored f32).
#pragma once

#include <cstddef>
#include <vector>

namespace pf {

// In place over each row of [rows, n]: exp(x - max) / sum.
void softmax_rows(float* data, size_t rows, size_t n);
// In place: 1 / (1 + exp(-x)).
void sigmoid(float* data, size_t n);

// Indices of the k largest values, best first; ties keep the lower index
// first (a stable sort). k = 0 or k > n gives all n.
std::vector<size_t> top_k_indices(const float* values, size_t n, size_t k);

size_t argmax(const float* values, size_t n);

}  // namespace pf
