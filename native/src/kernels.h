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
};

const Kernels* kernels_generic();
#if defined(__x86_64__) || defined(_M_X64)
const Kernels* kernels_avx2();
const Kernels* kernels_avx512();
#endif

// Best table this CPU supports; `force` ("generic", "avx2", "avx512") overrides when supported, for tests/bench.
const Kernels* select_kernels(const char* force);

}  // namespace lirn
