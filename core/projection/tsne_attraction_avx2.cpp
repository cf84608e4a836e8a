// t-SNE's attraction with AVX2 (tsne_attraction.h), compiled with -mavx2
// (core/CMakeLists.txt) and without FMA: the same operations as the portable
// loop, eight entries at a time.

#include "core/projection/tsne_attraction.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace mnistx::projection::detail
{

#ifdef __AVX2__

namespace
{

// (x, y) of the points columns[0..3], as [x0 y0 x1 y1 | x2 y2 x3 y3].
inline __m256 fourPoints(const float* map, const std::int32_t* columns)
{
    const __m128 zero = _mm_setzero_ps();
    const auto at = [&](int k) {
        return reinterpret_cast<const __m64*>(map + 2 * std::int64_t(columns[k]));
    };
    const __m128 lo = _mm_loadh_pi(_mm_loadl_pi(zero, at(0)), at(1));
    const __m128 hi = _mm_loadh_pi(_mm_loadl_pi(zero, at(2)), at(3));
    return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
}

// Sixteen entries into the four registers of (x, y) slots.
inline void addBlock(const float* map, const std::int32_t* columns, const float* values,
                     __m256 centre, __m256 slots[4])
{
    const __m256 one = _mm256_set1_ps(1.0f);
    for (int half = 0; half < 2; ++half) {
        const std::int32_t* c = columns + 8 * half;
        // a: entries 0–3 of these eight, b: 4–7, each as (dx, dy) pairs.
        const __m256 da = _mm256_sub_ps(centre, fourPoints(map, c));
        const __m256 db = _mm256_sub_ps(centre, fourPoints(map, c + 4));
        const __m256 sa = _mm256_mul_ps(da, da), sb = _mm256_mul_ps(db, db);
        // dx² and dy² of the entries in the order 0 1 4 5 | 2 3 6 7.
        const __m256 dx2 = _mm256_shuffle_ps(sa, sb, 0x88);
        const __m256 dy2 = _mm256_shuffle_ps(sa, sb, 0xDD);
        const __m256 denominator = _mm256_add_ps(_mm256_add_ps(one, dx2), dy2);
        // The eight p's in that order: swap the middle 64-bit pairs.
        const __m256 p = _mm256_castpd_ps(
            _mm256_permute4x64_pd(_mm256_castps_pd(_mm256_loadu_ps(values + 8 * half)), 0xD8));
        const __m256 w = _mm256_div_ps(p, denominator);
        // Each w twice, beside its (dx, dy): 0 0 1 1 | 2 2 3 3 and 4 4 5 5 | 6 6 7 7.
        slots[2 * half] =
            _mm256_add_ps(slots[2 * half], _mm256_mul_ps(_mm256_unpacklo_ps(w, w), da));
        slots[2 * half + 1] =
            _mm256_add_ps(slots[2 * half + 1], _mm256_mul_ps(_mm256_unpackhi_ps(w, w), db));
    }
}

} // namespace

void attractionRowsAvx2(const AttractionInput& in, int i0, int i1, float* out)
{
    for (int i = i0; i < i1; ++i) {
        const float xi = in.map[2 * std::int64_t(i)], yi = in.map[2 * std::int64_t(i) + 1];
        const __m256 centre = _mm256_setr_ps(xi, yi, xi, yi, xi, yi, xi, yi);
        // Slots 4r..4r+3 as (x, y) pairs in register r.
        __m256 slots[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                           _mm256_setzero_ps()};
        std::int64_t e = in.rowStart[i];
        const std::int64_t e1 = in.rowStart[i + 1];
        for (; e + kAttractionSlots <= e1; e += kAttractionSlots)
            addBlock(in.map, in.columns + e, in.values + e, centre, slots);
        if (e < e1) {
            std::int32_t columns[kAttractionSlots];
            float values[kAttractionSlots];
            paddedBlock(in, i, e, e1, columns, values);
            addBlock(in.map, columns, values, centre, slots);
        }
        // The tree, a register at a time: slots + 8 (registers 2, 3 onto 0,
        // 1), + 4 (register 1 onto 0), + 2 (upper half onto lower), + 1.
        const __m256 plus8lo = _mm256_add_ps(slots[0], slots[2]);
        const __m256 plus8hi = _mm256_add_ps(slots[1], slots[3]);
        const __m256 plus4 = _mm256_add_ps(plus8lo, plus8hi);
        const __m128 plus2 =
            _mm_add_ps(_mm256_castps256_ps128(plus4), _mm256_extractf128_ps(plus4, 1));
        const __m128 plus1 = _mm_add_ps(plus2, _mm_movehl_ps(plus2, plus2));
        _mm_storel_pi(reinterpret_cast<__m64*>(out + 2 * std::int64_t(i - i0)), plus1);
    }
}

#else
// Not an x86 build: never called (util::avx2KernelsEnabled() is false), but
// the layout links it.
void attractionRowsAvx2(const AttractionInput& in, int i0, int i1, float* out)
{
    attractionRowsPortable(in, i0, i1, out);
}
#endif

} // namespace mnistx::projection::detail
