// Portable kernels: SSE2 on x86-64 (the baseline every x86-64 has), plain scalar elsewhere.
#include <cstring>

#include <cmath>
#include <cstdint>

#include "kernels.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lirn {
namespace generic {

#if defined(__SSE2__)
struct V {
  using T = __m128;
  using M = int;
  static constexpr int W = 4;
  static constexpr int MR = 4;
  static constexpr int NVMAX = 2;  // 8 accumulators + 2 B vectors fit the 16 xmm registers
  static T zero() { return _mm_setzero_ps(); }
  static T set1(float x) { return _mm_set1_ps(x); }
  static T load(const float* p) { return _mm_loadu_ps(p); }
  static T loadm(const float* p, M n) {
    float t[4] = {0, 0, 0, 0};
    std::memcpy(t, p, sizeof(float) * static_cast<unsigned>(n));
    return _mm_loadu_ps(t);
  }
  static void store(float* p, T x) { _mm_storeu_ps(p, x); }
  static void storem(float* p, T x, M n) {
    float t[4];
    _mm_storeu_ps(t, x);
    std::memcpy(p, t, sizeof(float) * static_cast<unsigned>(n));
  }
  static M mask(int n) { return n; }
  // No FMA in baseline SSE2: multiply then add (results differ from the FMA tables in the last bit).
  static T fma(T a, T b, T c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static T add(T a, T b) { return _mm_add_ps(a, b); }
  static T max0(T a) { return _mm_max_ps(a, _mm_setzero_ps()); }
  static T gate(T x, T g) { return _mm_and_ps(_mm_cmpgt_ps(g, _mm_setzero_ps()), x); }
  static float hsum(T x) {
    float t[4];
    _mm_storeu_ps(t, x);
    return (t[0] + t[1]) + (t[2] + t[3]);
  }
};
#else
struct V {
  using T = float;
  using M = int;
  static constexpr int W = 1;
  static constexpr int MR = 4;
  static constexpr int NVMAX = 4;
  static T zero() { return 0.0f; }
  static T set1(float x) { return x; }
  static T load(const float* p) { return *p; }
  static T loadm(const float* p, M n) { return n > 0 ? *p : 0.0f; }
  static void store(float* p, T x) { *p = x; }
  static void storem(float* p, T x, M n) {
    if (n > 0) *p = x;
  }
  static M mask(int n) { return n; }
  static T fma(T a, T b, T c) { return a * b + c; }
  static T add(T a, T b) { return a + b; }
  static T max0(T a) { return a > 0.0f ? a : 0.0f; }
  static T gate(T x, T g) { return g > 0.0f ? x : 0.0f; }
  static float hsum(T x) { return x; }
};
#endif

#define LIRN_NVMAX 4
#include "kernels_impl.inc"
#undef LIRN_NVMAX

}  // namespace generic

const Kernels* kernels_generic() {
#if defined(__SSE2__)
  static const Kernels k{"sse2", 4, &generic::gemm, &generic::dot, &generic::axpy, &generic::colsum_add, &generic::grid_encode, &generic::grid_backward};
#else
  static const Kernels k{"scalar", 1, &generic::gemm, &generic::dot, &generic::axpy, &generic::colsum_add, &generic::grid_encode, &generic::grid_backward};
#endif
  return &k;
}

}  // namespace lirn
