#include "tasks/scores.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pf {

void softmax_rows(float* data, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r) {
    float* x = data + r * n;
    if (n == 0) continue;
    const float m = *std::max_element(x, x + n);
    double sum = 0;
    std::vector<double> e(n);
    for (size_t i = 0; i < n; ++i) sum += (e[i] = std::exp((double)x[i] - m));
    for (size_t i = 0; i < n; ++i) x[i] = (float)(e[i] / sum);
  }
}

void sigmoid(float* data, size_t n) {
  for (size_t i = 0; i < n; ++i) data[i] = (float)(1.0 / (1.0 + std::exp(-(double)data[i])));
}

std::vector<size_t> top_k_indices(const float* values, size_t n, size_t k) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  if (k == 0 || k > n) k = n;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] > values[b]; });
  order.resize(k);
  return order;
}

size_t argmax(const float* values, size_t n) {
  size_t best = 0;
  for (size_t i = 1; i < n; ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

}  // namespace pf
