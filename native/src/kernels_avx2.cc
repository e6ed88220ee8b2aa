// AVX2 + FMA kernels (compiled with -mavx2 -mfma; only called when the CPU reports both).
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "kernels.h"

namespace lirn {
namespace avx2 {

struct V {
  using T = __m256;
  using M = __m256i;
  static constexpr int W = 8;
  static constexpr int MR = 6;
  static constexpr int NVMAX = 2;
  static T zero() { return _mm256_setzero_ps(); }
  static T set1(float x) { return _mm256_set1_ps(x); }
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  static T loadm(const float* p, M m) { return _mm256_maskload_ps(p, m); }
  static void store(float* p, T x) { _mm256_storeu_ps(p, x); }
  static void storem(float* p, T x, M m) { _mm256_maskstore_ps(p, m, x); }
  static M mask(int n) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
  }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
  static T max0(T a) { return _mm256_max_ps(a, _mm256_setzero_ps()); }
  static T gate(T x, T g) { return _mm256_and_ps(_mm256_cmp_ps(g, _mm256_setzero_ps(), _CMP_GT_OQ), x); }
  static float hsum(T x) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
};

#define LIRN_NVMAX 2
#include "kernels_impl.inc"
#undef LIRN_NVMAX

}  // namespace avx2

const Kernels* kernels_avx2() {
  static const Kernels k{"avx2+fma", 8, &avx2::gemm, &avx2::dot, &avx2::axpy, &avx2::colsum_add, &avx2::grid_encode, &avx2::grid_backward};
  return &k;
}

}  // namespace lirn
