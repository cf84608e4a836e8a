#pragma once

// Private to core/projection: Morton (Z-curve) codes, by which t-SNE and UMAP
// renumber points so that neighbours on the map sit close in memory.

#include <cstdint>

namespace mnistx::projection::detail
{

// Spreads the 16 low bits of v to the even bit positions 0..30.
inline std::uint32_t spreadBits(std::uint32_t v)
{
    v &= 0xFFFFu;
    v = (v | (v << 8)) & 0x00FF00FFu;
    v = (v | (v << 4)) & 0x0F0F0F0Fu;
    v = (v | (v << 2)) & 0x33333333u;
    v = (v | (v << 1)) & 0x55555555u;
    return v;
}

// The Z-curve index of cell (x, y) of a 65536² grid.
inline std::uint32_t mortonCode(std::uint32_t x, std::uint32_t y)
{
    return spreadBits(x) | (spreadBits(y) << 1);
}

} // namespace mnistx::projection::detail
