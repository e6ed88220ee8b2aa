// ISA-specific compute kernels. Each kernels_<isa>.cc compiles kernels_impl.inc with its own -m flags; the
// addon picks one table at run time (select_kernels), so one build runs on any x86-64.
#pragma once
#include <cstddef>

namespace lirn {

// What to do with the GEMM result before it is stored.
struct GemmEpilogue {
  bool accumulate = false;       // C += result instead of C = result
  const float* bias = nullptr;   // added per column (length n)
  bool relu = false;             // max(0, x)
  const float* gate = nullptr;   // ReLU backward: x where gate > 0, else 0 (gate has C's shape)
  std::ptrdiff_t ldg = 0;
};

// One hash-grid level as the encoding kernels see it.
// A level with time_resolution T > 0 is spatio-temporal: N×M×T cells over (x, y, τ), 8 corners per point.
struct GridLevelView {
  int resolution;       // N: the level has N cells across
  int y_resolution;     // M: and M cells down, (N+1)·(M+1) vertices (per time slice)
  int time_resolution;  // T: 0 for a static 2-D level
  bool dense;           // vertex row = vx + vy·(N+1) + vt·(N+1)·(M+1); else the spatial hash
  const float* table;   // rows × F
  float* grad;          // rows × F (backward only)
  int scene = 0;        // static levels: the time slice vt of the points' scene (spec §4.3.3)
};

// Corners a level's points blend: 4 (2-D) or 8 (spatio-temporal).
inline int grid_corners(const GridLevelView& g) { return g.time_resolution > 0 ? 8 : 4; }

struct Kernels {
  const char* isa;
  int vector_width;
  // C[m×n] (+)= A[m×k] · B[k×n]; A element (r, p) is A[r*ars + p*acs] (so a transposed A is just strides),
  // B and C are row-major with leading dimensions ldb, ldc.
  void (*gemm)(int m, int n, int k, const float* A, std::ptrdiff_t ars, std::ptrdiff_t acs, const float* B,
               std::ptrdiff_t ldb, float* C, std::ptrdiff_t ldc, const GemmEpilogue& ep);
  float (*dot)(int n, const float* a, const float* b);
  // y += alpha · x
  void (*axpy)(int n, float alpha, const float* x, float* y);
  // out[j] += Σ_r A[r·cols + j] (bias gradients: column sums of dY)
  void (*colsum_add)(int rows, int cols, const float* A, float* out);
  // Hash-grid features of n points (xy interleaved, all at frame time tau) into enc (row stride lde, level l at
  // column l·F); keeps each level's corner rows and weights in idx/w ([level][corner][point], 8 corner slots
  // per level) for the backward pass.
  void (*grid_encode)(int n, const double* xy, double tau, int levels, int F, unsigned log2_table,
                      const GridLevelView* lv, float* enc, int lde, int* idx, float* w);
  // Scatter-add of dL/d(enc) into every level's grad table through the kept corners and weights.
  void (*grid_backward)(int n, int levels, int F, const GridLevelView* lv, const int* idx, const float* w,
                        const float* denc, int lde);
};

const Kernels* kernels_generic();
#if defined(__x86_64__) || defined(_M_X64)
const Kernels* kernels_avx2();
const Kernels* kernels_avx512();
#endif

// Best table this CPU supports; `force` ("generic", "avx2", "avx512") overrides when supported, for tests/bench.
const Kernels* select_kernels(const char* force);

}  // namespace lirn
