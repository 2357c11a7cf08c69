/*
 * Smoke test for the XNNPACK builds made by scripts/setup-toolchain.sh.
 *
 * Runs, on a pthreadpool with SMOKE_THREADS (default 2) threads:
 *   1. fully_connected_nc_f32                      (checked against a double-precision reference)
 *   2. convert_nc_f32_qd8 + fully_connected_nc_qd8_f32_qc8w
 *                                                  (checked against integer math on the
 *                                                   quantized input XNNPACK produced)
 *   3. pthreadpool_parallelize_1d                  (every item visited exactly once)
 * Prints one line per check and exits non-zero on any failure.
 *
 * Native: clang-19 -O2 -pthread xnnpack_smoke.c -I$P/include -L$P/lib
 *           -lXNNPACK -lmicrokernels-prod -lpthreadpool -lcpuinfo -Wl,-rpath,$P/lib -lm
 * Wasm:   emcc -O2 -pthread -msimd128 xnnpack_smoke.c -I$P/include -L$P/lib
 *           -lXNNPACK -lmicrokernels-prod -lpthreadpool -sPTHREAD_POOL_SIZE=2 -sEXIT_RUNTIME=1
 * Wasm single-threaded build (pthreadpool shim, no -pthread): add -DSMOKE_THREADS=1.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthreadpool.h>
#include <xnnpack.h>

#ifndef SMOKE_THREADS
#define SMOKE_THREADS 2
#endif
enum { BATCH = 5, IN_CH = 67, OUT_CH = 33, THREADS = SMOKE_THREADS, ITEMS = 1000 };

static int failures = 0;

#define CHECK_STATUS(call)                                                   \
  do {                                                                       \
    enum xnn_status status_ = (call);                                        \
    if (status_ != xnn_status_success) {                                     \
      fprintf(stderr, "FAIL %s:%d: %s -> status %d\n", __FILE__, __LINE__,   \
              #call, (int)status_);                                          \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

/* Deterministic pseudo-random numbers in [-1, 1). */
static uint32_t rng_state = 12345u;
static float frand(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return (float)((rng_state >> 8) & 0xFFFFFF) / (float)0x800000 - 1.0f;
}

static void report(const char* name, double max_err, double tol) {
  const int ok = max_err <= tol;
  printf("%s %s max_abs_err=%.3g (tol %.3g)\n", ok ? "OK  " : "FAIL", name, max_err, tol);
  if (!ok) failures++;
}

static void check_fc_f32(pthreadpool_t pool) {
  /* XNN_EXTRA_BYTES: XNNPACK may read (never write) past the end of inputs. */
  float* input = calloc(BATCH * IN_CH + XNN_EXTRA_BYTES / sizeof(float), sizeof(float));
  float* kernel = malloc(sizeof(float) * OUT_CH * IN_CH); /* [OUT_CH][IN_CH] */
  float* bias = malloc(sizeof(float) * OUT_CH);
  float* output = malloc(sizeof(float) * BATCH * OUT_CH);
  for (int i = 0; i < BATCH * IN_CH; i++) input[i] = frand();
  for (int i = 0; i < OUT_CH * IN_CH; i++) kernel[i] = frand();
  for (int i = 0; i < OUT_CH; i++) bias[i] = frand();

  xnn_operator_t op = NULL;
  CHECK_STATUS(xnn_create_fully_connected_nc_f32(
      IN_CH, OUT_CH, /*input_stride=*/IN_CH, /*output_stride=*/OUT_CH, kernel, bias,
      -INFINITY, INFINITY, /*flags=*/0, /*code_cache=*/NULL, /*weights_cache=*/NULL, &op));
  CHECK_STATUS(xnn_reshape_fully_connected_nc_f32(op, BATCH, pool));
  CHECK_STATUS(xnn_setup_fully_connected_nc_f32(op, input, output));
  CHECK_STATUS(xnn_run_operator(op, pool));
  CHECK_STATUS(xnn_delete_operator(op));

  double max_err = 0.0;
  for (int b = 0; b < BATCH; b++) {
    for (int n = 0; n < OUT_CH; n++) {
      double acc = bias[n];
      for (int k = 0; k < IN_CH; k++) acc += (double)input[b * IN_CH + k] * kernel[n * IN_CH + k];
      const double err = fabs(acc - output[b * OUT_CH + n]);
      if (err > max_err) max_err = err;
    }
  }
  report("fully_connected_nc_f32", max_err, 1e-4);
  free(input); free(kernel); free(bias); free(output);
}

static void check_fc_qd8_f32_qc8w(pthreadpool_t pool) {
  float* input = calloc(BATCH * IN_CH + XNN_EXTRA_BYTES / sizeof(float), sizeof(float));
  int8_t* qinput = calloc(BATCH * IN_CH + XNN_EXTRA_BYTES, 1);
  /* One (zero_point, scale) per batch row, padded by XNN_EXTRA_QUANTIZATION_PARAMS. */
  struct xnn_quantization_params qparams[BATCH + XNN_EXTRA_QUANTIZATION_PARAMS];
  int8_t* kernel = malloc(OUT_CH * IN_CH); /* [OUT_CH][IN_CH], per-output-channel scale */
  float* kernel_scale = malloc(sizeof(float) * OUT_CH);
  float* bias = malloc(sizeof(float) * OUT_CH);
  float* output = malloc(sizeof(float) * BATCH * OUT_CH);
  for (int i = 0; i < BATCH * IN_CH; i++) input[i] = 3.0f * frand();
  for (int i = 0; i < OUT_CH * IN_CH; i++) kernel[i] = (int8_t)(127.0f * frand());
  for (int i = 0; i < OUT_CH; i++) kernel_scale[i] = 0.01f * (1.5f + frand());
  for (int i = 0; i < OUT_CH; i++) bias[i] = frand();
  memset(qparams, 0, sizeof(qparams));

  xnn_operator_t convert = NULL;
  CHECK_STATUS(xnn_create_convert_nc_f32_qd8(/*flags=*/0, &convert));
  CHECK_STATUS(xnn_reshape_convert_nc_f32_qd8(convert, BATCH, IN_CH, /*input_stride=*/IN_CH,
                                              /*output_stride=*/IN_CH, pool));
  CHECK_STATUS(xnn_setup_convert_nc_f32_qd8(convert, input, qinput, qparams));
  CHECK_STATUS(xnn_run_operator(convert, pool));
  CHECK_STATUS(xnn_delete_operator(convert));

  xnn_operator_t fc = NULL;
  CHECK_STATUS(xnn_create_fully_connected_nc_qd8_f32_qc8w(
      IN_CH, OUT_CH, IN_CH, OUT_CH, kernel_scale, kernel, bias, -INFINITY, INFINITY,
      /*flags=*/0, NULL, NULL, &fc));
  CHECK_STATUS(xnn_reshape_fully_connected_nc_qd8_f32_qc8w(fc, BATCH, pool));
  CHECK_STATUS(xnn_setup_fully_connected_nc_qd8_f32_qc8w(fc, qinput, output, qparams));
  CHECK_STATUS(xnn_run_operator(fc, pool));
  CHECK_STATUS(xnn_delete_operator(fc));

  double max_err = 0.0, max_quant_err = 0.0;
  for (int b = 0; b < BATCH; b++) {
    for (int k = 0; k < IN_CH; k++) { /* the dynamic quantization itself must be sane */
      const double deq = (qinput[b * IN_CH + k] - qparams[b].zero_point) * (double)qparams[b].scale;
      const double err = fabs(deq - input[b * IN_CH + k]);
      if (err > max_quant_err) max_quant_err = err;
    }
    for (int n = 0; n < OUT_CH; n++) {
      int64_t acc = 0;
      for (int k = 0; k < IN_CH; k++)
        acc += (int64_t)(qinput[b * IN_CH + k] - qparams[b].zero_point) * kernel[n * IN_CH + k];
      const double ref = (double)acc * qparams[b].scale * kernel_scale[n] + bias[n];
      const double err = fabs(ref - output[b * OUT_CH + n]) / (1.0 + fabs(ref));
      if (err > max_err) max_err = err;
    }
  }
  report("convert_nc_f32_qd8 (|dequant - x|)", max_quant_err, 3.0 / 127.0);
  report("fully_connected_nc_qd8_f32_qc8w (rel)", max_err, 1e-4);
  free(input); free(qinput); free(kernel); free(kernel_scale); free(bias); free(output);
}

static void count_item(void* context, size_t i) {
  int* hits = (int*)context;
  __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
}

static void check_pthreadpool(pthreadpool_t pool) {
  static int hits[ITEMS];
  pthreadpool_parallelize_1d(pool, count_item, hits, ITEMS, /*flags=*/0);
  int bad = 0;
  for (int i = 0; i < ITEMS; i++) bad += hits[i] != 1;
  report("pthreadpool_parallelize_1d", (double)bad, 0.0);
}

int main(void) {
  CHECK_STATUS(xnn_initialize(/*allocator=*/NULL));
  pthreadpool_t pool = pthreadpool_create(THREADS);
  if (pool == NULL) {
    fprintf(stderr, "FAIL pthreadpool_create(%d) returned NULL\n", THREADS);
    return 1;
  }
  printf("pthreadpool threads: %zu\n", pthreadpool_get_threads_count(pool));
  if (pthreadpool_get_threads_count(pool) != THREADS) failures++;

  check_pthreadpool(pool);
  check_fc_f32(pool);
  check_fc_qd8_f32_qc8w(pool);

  pthreadpool_destroy(pool);
  CHECK_STATUS(xnn_deinitialize());
  printf("%s\n", failures == 0 ? "SMOKE OK" : "SMOKE FAILED");
  return failures == 0 ? 0 : 1;
}
