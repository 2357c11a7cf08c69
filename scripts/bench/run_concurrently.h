// Starts `threads` copies of a probe together (the calling thread is copy 0)
// and returns the wall time from the common start to the last finish, so a
// probe's rate with N threads is N * work / seconds.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace pf_bench {

template <typename Body>
double run_concurrently(int threads, Body body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  auto wrapped = [&](int index) {
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    body(index);
  };
  std::vector<std::thread> helpers;
  for (int i = 1; i < threads; ++i) helpers.emplace_back(wrapped, i);
  // Thread start-up is slow in wasm (a worker per thread): time only once
  // every copy is spinning at the gate.
  while (ready.load() != threads - 1) {
  }
  const auto t0 = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  ready.fetch_add(1);
  body(0);
  for (std::thread& t : helpers) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace pf_bench
