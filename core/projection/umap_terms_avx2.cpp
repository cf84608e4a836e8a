// The UMAP layout's gradient terms eight at a time: umap_terms.h compiled
// with -mavx2 (core/CMakeLists.txt). Called only when the CPU has AVX2.

#include "core/projection/umap_terms.h"

namespace mnistx::projection
{

void evaluateTermsAvx2(const GradientTerms& g, const float* dx, const float* dy,
                       const float* isAttraction, float* tx, float* ty)
{
    evaluateTerms<8>(g, dx, dy, isAttraction, tx, ty);
}

} // namespace mnistx::projection
