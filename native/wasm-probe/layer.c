// WASM SIMD probe for native/README.md: the same 64×64 ReLU layer forward + backward over 16k pixels in
// 128-row tiles as layerBench in src/addon.cc, written with wasm_simd128.h (4 lanes, no FMA in baseline SIMD).
// Build: clang-14 --target=wasm32 -msimd128 -O3 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -o layer.wasm layer.c
#include <wasm_simd128.h>

// -nostdlib: clang lowers zero-initialisation to memset.
void* memset(void* d, int c, unsigned long n) {
  unsigned char* p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

#define W 64
#define T 128
#define PIXELS 16384

static float X[PIXELS * W], Wm[W * W], WT[W * W], bias[W], Y[T * W], dX[T * W], dW[W * W];

// C[m×n] (+)= A[m×k]·B[k×n]; A(r,p) = A[r*ars + p*acs]; n a multiple of 8; optional bias+relu or gate.
static void gemm(int m, int n, int k, const float* A, int ars, int acs, const float* B, int ldb, float* C, int ldc,
                 int accumulate, const float* b, int relu, const float* gate, int ldg) {
  for (int j0 = 0; j0 < n; j0 += 8) {
    for (int i0 = 0; i0 < m; i0 += 4) {
      const int mr = m - i0 < 4 ? m - i0 : 4;
      v128_t acc[4][2];
      for (int r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = wasm_f32x4_splat(0.0f);
      for (int p = 0; p < k; ++p) {
        const float* bp = B + p * ldb + j0;
        const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
        const float* a = A + i0 * ars + p * acs;
        for (int r = 0; r < 4; ++r) {
          if (r >= mr) break;
          const v128_t av = wasm_f32x4_splat(a[r * ars]);
          acc[r][0] = wasm_f32x4_add(acc[r][0], wasm_f32x4_mul(av, b0));
          acc[r][1] = wasm_f32x4_add(acc[r][1], wasm_f32x4_mul(av, b1));
        }
      }
      for (int r = 0; r < mr; ++r) {
        float* c = C + (i0 + r) * ldc + j0;
        for (int v = 0; v < 2; ++v) {
          v128_t x = acc[r][v];
          if (accumulate) x = wasm_f32x4_add(x, wasm_v128_load(c + 4 * v));
          if (b) x = wasm_f32x4_add(x, wasm_v128_load(b + j0 + 4 * v));
          if (relu) x = wasm_f32x4_max(x, wasm_f32x4_splat(0.0f));
          if (gate) x = wasm_v128_and(x, wasm_f32x4_gt(wasm_v128_load(gate + (i0 + r) * ldg + j0 + 4 * v), wasm_f32x4_splat(0.0f)));
          wasm_v128_store(c + 4 * v, x);
        }
      }
    }
  }
}

void init(void) {
  for (int i = 0; i < PIXELS * W; ++i) X[i] = (float)((i * 7919u) % 1000u) * 1e-3f - 0.3f;
  for (int i = 0; i < W * W; ++i) Wm[i] = (float)((i * 104729u) % 1000u) * 1e-3f - 0.5f;
  for (int r = 0; r < W; ++r)
    for (int c = 0; c < W; ++c) WT[c * W + r] = Wm[r * W + c];
  for (int i = 0; i < W; ++i) bias[i] = 0.01f;
}

float run(void) {
  for (int t = 0; t < PIXELS / T; ++t) {
    const float* x = X + t * T * W;
    gemm(T, W, W, x, W, 1, WT, W, Y, W, 0, bias, 1, 0, 0);
    gemm(W, W, T, Y, 1, W, x, W, dW, W, 1, 0, 0, 0, 0);
    gemm(T, W, W, Y, W, 1, Wm, W, dX, W, 0, 0, 0, x, W);
  }
  return dW[5] + dX[7];
}
