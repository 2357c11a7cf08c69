#include "kernels/runtime.h"

#include <thread>

#include <pthreadpool.h>
#include <xnnpack.h>

#include "core/error.h"

namespace pf {

namespace {

pthreadpool_t g_pool = nullptr;
size_t g_threads = 1;
bool g_xnnpack_ready = false;

}  // namespace

void ensure_xnnpack() {
  if (g_xnnpack_ready) return;
  const xnn_status status = xnn_initialize(nullptr);
  if (status != xnn_status_success) {
    fail(ErrorCode::kUnsupported,
         "XNNPACK failed to initialize (status " + std::to_string((int)status) +
             "); this CPU/engine lacks a required feature");
  }
  g_xnnpack_ready = true;
}

pthreadpool_t thread_pool() { return g_pool; }

size_t set_num_threads(size_t threads) {
  if (threads == 0) {
    threads = std::thread::hardware_concurrency();
    if (threads == 0) threads = 1;
  }
  if (g_pool != nullptr) {
    pthreadpool_destroy(g_pool);
    g_pool = nullptr;
  }
  g_threads = 1;
  if (threads > 1) {
    g_pool = pthreadpool_create(threads);
    if (g_pool == nullptr) {
      // Creating threads can fail (e.g. no SharedArrayBuffer); computing on
      // one thread is still correct, so degrade instead of failing.
      return g_threads;
    }
    g_threads = pthreadpool_get_threads_count(g_pool);
  }
  return g_threads;
}

size_t num_threads() { return g_threads; }

pthreadpool_t thread_pool_for(size_t work) {
  return work < kMinParallelWork ? nullptr : g_pool;
}

void parallel_for(size_t range, void (*fn)(void* context, size_t i), void* context,
                  size_t work) {
  if (thread_pool_for(work) == nullptr || range <= 1) {
    for (size_t i = 0; i < range; ++i) fn(context, i);
    return;
  }
  pthreadpool_parallelize_1d(g_pool, fn, context, range, /*flags=*/0);
}

}  // namespace pf
