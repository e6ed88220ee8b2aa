// AVX-512F kernels (compiled with -mavx512f -mfma; only called when the CPU reports avx512f).
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "kernels.h"

namespace lirn {
namespace avx512 {

struct V {
  using T = __m512;
  using M = __mmask16;
  static constexpr int W = 16;
  static constexpr int MR = 6;
  static constexpr int NVMAX = 4;
  static T zero() { return _mm512_setzero_ps(); }
  static T set1(float x) { return _mm512_set1_ps(x); }
  static T load(const float* p) { return _mm512_loadu_ps(p); }
  static T loadm(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, T x) { _mm512_storeu_ps(p, x); }
  static void storem(float* p, T x, M m) { _mm512_mask_storeu_ps(p, m, x); }
  static M mask(int n) { return static_cast<M>(n >= 16 ? 0xFFFF : (1u << n) - 1u); }
  static T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm512_add_ps(a, b); }
  static T max0(T a) { return _mm512_max_ps(a, _mm512_setzero_ps()); }
  static T gate(T x, T g) { return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(g, _mm512_setzero_ps(), _CMP_GT_OQ), x); }
  static float hsum(T x) { return _mm512_reduce_add_ps(x); }
};

#define LIRN_NVMAX 4
#include "kernels_impl.inc"
#undef LIRN_NVMAX

}  // namespace avx512

const Kernels* kernels_avx512() {
  static const Kernels k{"avx512", 16, &avx512::gemm, &avx512::dot, &avx512::axpy, &avx512::grid_encode, &avx512::grid_backward};
  return &k;
}

}  // namespace lirn
