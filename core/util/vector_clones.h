#pragma once
// MNISTX_VECTOR_CLONES: compile a hot loop twice, for AVX2 and for the
// baseline, and let the loader pick one (GCC's target_clones, an ifunc).
// Neither clone uses FMA: contracted multiply-adds would round differently
// from the baseline, and a result must not depend on the machine's
// instruction set.
//
// Off under ThreadSanitizer: the ifunc resolver is compiled with TSan's
// instrumentation and runs while the dynamic loader relocates the program,
// before the TSan runtime is initialised, so every test that links the
// function crashed in the loader before main() (a SIGSEGV 0.3 s in). The
// baseline clone alone is the same arithmetic.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define MNISTX_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MNISTX_VECTOR_CLONES
#endif
