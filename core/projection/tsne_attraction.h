#pragma once

// Private to t-SNE's layout: the attraction of each point,
// Σ_j p_ij (y_i − y_j)/(1 + |y_i − y_j|²) over the sparse affinities' row i.
//
// Written twice: portable C++ here (attractionRowsPortable) and AVX2
// intrinsics in tsne_attraction_avx2.cpp, used where the CPU has it. Both read
// the map as n×2 row-major floats, so one neighbour's x and y are one 8-byte
// load (four neighbours are then four loads into one AVX2 register, where
// separate x and y arrays took eight emulated gather lanes). On the
// million-point map's 131M entries, two threads: 55 ms an iteration against
// 72 ms for the compiler's AVX2 clone of the two-array loop. Both do the same
// IEEE operations in the same order (no FMA: neither translation unit enables
// it), so a map does not depend on which one ran:
//  - a row's entries go into kAttractionSlots partial sums, entry e0 + 16·b + m
//    into slot m (one running sum would chain every addition to the one
//    before, and the loop would run at the adder's latency);
//  - each term is w = p / ((1 + dx²) + dy²), then slot += w·dx and w·dy;
//  - the entries after the last full block make one more block, filled up
//    with terms that add zero (p = 0 at the point itself);
//  - the slots are added as a tree: slot m += slot m + 8, then + 4, + 2, + 1.

#include <cstdint>

namespace mnistx::projection::detail
{

// 16 measured fastest in the old two-array loop (8.8M entries of MNIST: 1.1
// ns/entry against 1.4 for one slot); the AVX2 kernel fills four registers of
// four (x, y) slots each.
constexpr int kAttractionSlots = 16;

// The affinities and the map the attraction reads.
struct AttractionInput {
    const std::int64_t* rowStart; // n + 1
    const std::int32_t* columns;
    const float* values;
    const float* map; // n×2 row-major: x, y of point j at map[2j], map[2j + 1]
};

namespace
{

// A row's last, partial block [e, e1) as a full one: the missing entries get
// the point's own index and p = 0, so they add w·d = 0·0.
inline void paddedBlock(const AttractionInput& in, int i, std::int64_t e, std::int64_t e1,
                        std::int32_t* columns, float* values)
{
    for (int m = 0; m < kAttractionSlots; ++m, ++e) {
        columns[m] = e < e1 ? in.columns[e] : i;
        values[m] = e < e1 ? in.values[e] : 0.0f;
    }
}

// Rows [i0, i1): the attraction on point i into out[2(i − i0)], out[2(i − i0) + 1].
inline void attractionRowsPortable(const AttractionInput& in, int i0, int i1, float* out)
{
    for (int i = i0; i < i1; ++i) {
        const float xi = in.map[2 * std::int64_t(i)], yi = in.map[2 * std::int64_t(i) + 1];
        float slotX[kAttractionSlots] = {}, slotY[kAttractionSlots] = {};
        const auto addBlock = [&](const std::int32_t* columns, const float* values) {
            for (int m = 0; m < kAttractionSlots; ++m) {
                const float* q = in.map + 2 * std::int64_t(columns[m]);
                const float dx = xi - q[0], dy = yi - q[1];
                const float w = values[m] / ((1.0f + dx * dx) + dy * dy);
                slotX[m] += w * dx;
                slotY[m] += w * dy;
            }
        };
        std::int64_t e = in.rowStart[i];
        const std::int64_t e1 = in.rowStart[i + 1];
        for (; e + kAttractionSlots <= e1; e += kAttractionSlots)
            addBlock(in.columns + e, in.values + e);
        if (e < e1) {
            std::int32_t columns[kAttractionSlots];
            float values[kAttractionSlots];
            paddedBlock(in, i, e, e1, columns, values);
            addBlock(columns, values);
        }
        for (int width = kAttractionSlots / 2; width > 0; width /= 2)
            for (int m = 0; m < width; ++m) {
                slotX[m] += slotX[m + width];
                slotY[m] += slotY[m + width];
            }
        out[2 * std::int64_t(i - i0)] = slotX[0];
        out[2 * std::int64_t(i - i0) + 1] = slotY[0];
    }
}

} // namespace

// The same with AVX2 (tsne_attraction_avx2.cpp); call only where the CPU has it.
void attractionRowsAvx2(const AttractionInput& in, int i0, int i1, float* out);

} // namespace mnistx::projection::detail
