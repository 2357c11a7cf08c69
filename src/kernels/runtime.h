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

// Below about this many multiply-adds, waking the pool costs more than the
// second thread saves (and on a busy machine far more: a descheduled helper
// stalls every barrier), so small operations run on the calling thread.
constexpr size_t kMinParallelWork = 65536;

// The pool for an operation of `work` multiply-adds: thread_pool(), or
// nullptr (calling thread only) when the operation is too small to share.
pthreadpool_t thread_pool_for(size_t work);

// Recreates the pool with `threads` threads in total (caller included).
// 0 picks the hardware concurrency. Returns the count actually in use.
size_t set_num_threads(size_t threads);
size_t num_threads();

// Runs fn(context, i) for i in [0, range), spread over the pool when the
// total `work` (multiply-adds, roughly) is worth sharing.
void parallel_for(size_t range, void (*fn)(void* context, size_t i), void* context,
                  size_t work = kMinParallelWork);

}  // namespace pf
