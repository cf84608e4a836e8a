#pragma once

// Whether the hand-vectorised AVX2 kernels run (UMAP's gradient terms,
// t-SNE's attraction): where the CPU has AVX2, unless a test has turned them
// off to compare them with the portable kernels. Each AVX2 kernel does the
// same IEEE operations in the same order as its portable twin (no FMA), so a
// result is the same to the bit either way; the tests check that.

namespace mnistx::util
{

// True where the CPU has AVX2 and setAvx2KernelsAllowed(false) is not in
// effect. Any thread; cheap (the CPU is asked once).
bool avx2KernelsEnabled();

// For tests: false makes every caller take the portable kernel from its next
// call on. Any thread.
void setAvx2KernelsAllowed(bool allowed);

} // namespace mnistx::util
