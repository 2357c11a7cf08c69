// Process-wide compute context: XNNPACK initialization and the one thread
// pool shared by XNNPACK operators and our own kernels.
#pragma once

#include <cstddef>

typedef struct pthreadpool* pthreadpool_t;

namespace pf {

// Initializes XNNPACK once; throws pf::Error if the CPU/engine is unsupported.
void ensure_xnnpack();

// The shared pool, or nullptr when running single-threaded (XNNPACK and
// pthreadpool treat nullptr as "run on the calling thread").
pthreadpool_t thread_pool();

// Recreates the pool with `threads` threads in total (caller included).
// 0 picks the hardware concurrency. Returns the count actually in use.
size_t set_num_threads(size_t threads);
size_t num_threads();

// Runs fn(context, i) for i in [0, range), spread over the pool.
void parallel_for(size_t range, void (*fn)(void* context, size_t i), void* context);

}  // namespace pf
