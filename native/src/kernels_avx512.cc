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
#define LIRN_CUSTOM_GRID_ENCODE
#include "kernels_impl.inc"
#undef LIRN_CUSTOM_GRID_ENCODE
#undef LIRN_NVMAX

// Hash-grid encode for F = 2, eight points per iteration: coordinates in double (exact like the scalar path),
// each corner's (f0, f1) pair fetched with one 64-bit gather. Spatio-temporal levels repeat the four spatial
// corners on two time slices (the slice is the same for every point: a tile is one frame).
static void grid_encode_f2(int n, const double* xy, double tau, int levels, unsigned log2_table,
                           const GridLevelView* lv, float* enc, int lde, int* idx, float* w) {
  const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
  const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
  const __m512i dup = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
  const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
  const __m256i prime = _mm256_set1_epi32(static_cast<int>(kHashPrimeY));
  const __m256i ione = _mm256_set1_epi32(1);
  for (int l = 0; l < levels; ++l) {
    const GridLevelView& g = lv[l];
    const GridLevelSetup q = grid_setup(g, log2_table, tau);
    const int slices = q.corners / 4;
    int* il = idx + static_cast<std::ptrdiff_t>(l) * n * 8;
    float* wl = w + static_cast<std::ptrdiff_t>(l) * n * 8;
    const double* table = reinterpret_cast<const double*>(g.table);  // one (f0, f1) pair per 8 bytes
    const __m512d N = _mm512_set1_pd(q.N), hi = _mm512_set1_pd(q.hi);
    const __m512d M = _mm512_set1_pd(q.M), hiY = _mm512_set1_pd(q.hiY);
    const __m256i stride = _mm256_set1_epi32(static_cast<int>(q.stride));
    const __m256i mask = _mm256_set1_epi32(static_cast<int>(q.mask));
    int p = 0;
    for (; p + 8 <= n; p += 8) {
      const __m512d a = _mm512_loadu_pd(xy + 2 * p), b = _mm512_loadu_pd(xy + 2 * p + 8);
      const __m512d px = _mm512_mul_pd(_mm512_permutex2var_pd(a, even, b), N);
      const __m512d py = _mm512_mul_pd(_mm512_permutex2var_pd(a, odd, b), M);
      // max(NaN, 0) returns 0 (second operand), like the scalar clamp.
      const __m512d fcx = _mm512_min_pd(_mm512_max_pd(_mm512_roundscale_pd(px, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), zero), hi);
      const __m512d fcy = _mm512_min_pd(_mm512_max_pd(_mm512_roundscale_pd(py, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), zero), hiY);
      const __m512d fx = _mm512_sub_pd(px, fcx), fy = _mm512_sub_pd(py, fcy);
      const __m512d gx = _mm512_sub_pd(one, fx), gy = _mm512_sub_pd(one, fy);
      const __m256i cx = _mm512_cvttpd_epi32(fcx), cy = _mm512_cvttpd_epi32(fcy);
      const __m256 wxy[4] = {_mm512_cvtpd_ps(_mm512_mul_pd(gx, gy)), _mm512_cvtpd_ps(_mm512_mul_pd(fx, gy)),
                             _mm512_cvtpd_ps(_mm512_mul_pd(gx, fy)), _mm512_cvtpd_ps(_mm512_mul_pd(fx, fy))};
      __m512 acc = _mm512_setzero_ps();
      for (int s = 0; s < slices; ++s) {
        const __m256i slice = _mm256_set1_epi32(static_cast<int>(q.slice[s]));
        __m256i r[4];
        if (g.dense) {
          r[0] = _mm256_add_epi32(_mm256_add_epi32(cx, _mm256_mullo_epi32(cy, stride)), slice);
          r[1] = _mm256_add_epi32(r[0], ione);
          r[2] = _mm256_add_epi32(r[0], stride);
          r[3] = _mm256_add_epi32(r[2], ione);
        } else {
          const __m256i h0 = _mm256_xor_si256(_mm256_mullo_epi32(cy, prime), slice);
          const __m256i h1 = _mm256_xor_si256(_mm256_mullo_epi32(_mm256_add_epi32(cy, ione), prime), slice);
          const __m256i cx1 = _mm256_add_epi32(cx, ione);
          r[0] = _mm256_and_si256(_mm256_xor_si256(h0, cx), mask);
          r[1] = _mm256_and_si256(_mm256_xor_si256(h0, cx1), mask);
          r[2] = _mm256_and_si256(_mm256_xor_si256(h1, cx), mask);
          r[3] = _mm256_and_si256(_mm256_xor_si256(h1, cx1), mask);
        }
        const __m256 wt = _mm256_set1_ps(q.wt[s]);
        for (int c = 0; c < 4; ++c) {
          const __m256 wc = slices == 1 ? wxy[c] : _mm256_mul_ps(wxy[c], wt);
          const __m512 pairs = _mm512_castpd_ps(_mm512_i32gather_pd(r[c], table, 8));
          acc = _mm512_fmadd_ps(_mm512_permutexvar_ps(dup, _mm512_castps256_ps512(wc)), pairs, acc);
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(il + (4 * s + c) * n + p), r[c]);
          _mm256_storeu_ps(wl + (4 * s + c) * n + p, wc);
        }
      }
      alignas(64) float out[16];
      _mm512_store_ps(out, acc);
      float* e = enc + static_cast<std::ptrdiff_t>(p) * lde + 2 * l;
      for (int i = 0; i < 8; ++i) {
        e[static_cast<std::ptrdiff_t>(i) * lde] = out[2 * i];
        e[static_cast<std::ptrdiff_t>(i) * lde + 1] = out[2 * i + 1];
      }
    }
    for (; p < n; ++p) grid_point<2>(p, n, xy, g, q, 2, enc + static_cast<std::ptrdiff_t>(p) * lde + 2 * l, il, wl);
  }
}

static void grid_encode(int n, const double* xy, double tau, int levels, int F, unsigned log2_table,
                        const GridLevelView* lv, float* enc, int lde, int* idx, float* w) {
  if (F == 2) grid_encode_f2(n, xy, tau, levels, log2_table, lv, enc, lde, idx, w);
  else if (F == 4) grid_encode_f<4>(n, xy, tau, levels, F, log2_table, lv, enc, lde, idx, w);
  else grid_encode_f<0>(n, xy, tau, levels, F, log2_table, lv, enc, lde, idx, w);
}

}  // namespace avx512

const Kernels* kernels_avx512() {
  static const Kernels k{"avx512", 16, &avx512::gemm, &avx512::dot, &avx512::axpy, &avx512::colsum_add, &avx512::grid_encode, &avx512::grid_backward};
  return &k;
}

}  // namespace lirn
