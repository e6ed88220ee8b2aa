#include <cstring>

#include "kernels.h"

namespace lirn {

#if defined(__x86_64__) || defined(_M_X64)
static bool has_avx512() { return __builtin_cpu_supports("avx512f"); }
static bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

const Kernels* select_kernels(const char* force) {
  const bool any = force == nullptr || *force == '\0';
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  if ((any || std::strcmp(force, "avx512") == 0) && has_avx512()) return kernels_avx512();
  if ((any || std::strcmp(force, "avx2") == 0 || std::strcmp(force, "avx512") == 0) && has_avx2()) return kernels_avx2();
#endif
  return kernels_generic();
}

}  // namespace lirn
