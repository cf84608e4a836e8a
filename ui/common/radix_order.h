#pragma once

// Orders of many samples by a float key in linear time, for the GUI thread's
// sorts of up to a million ids (the map's draw order, the gallery's order):
// a comparison sort of a million (key, id) pairs held it for over 100 ms.

#include <cstdint>
#include <vector>

namespace mnistx::ui
{

// A float's bits as an unsigned integer in the float's order (negative
// numbers below the positive ones, −0 just below +0; NaN with the sign bit
// clear above +∞).
std::uint32_t orderedFloatBits(float value);

// Each element is (key << kRadixIdBits) | id with id < 2^31 and a key of
// keyBits ≤ 33 bits. Sorts by the key only, stably: ids handed in ascending
// order stay ascending among equal keys.
constexpr int kRadixIdBits = 31;
void radixSortByKey(std::vector<std::uint64_t>& packed, int keyBits);

// The id of one packed element.
inline int radixId(std::uint64_t packed)
{
    return static_cast<int>(packed & ((std::uint64_t{1} << kRadixIdBits) - 1));
}

// The ids of the packed elements, in their order.
std::vector<int> radixIds(const std::vector<std::uint64_t>& packed);

} // namespace mnistx::ui
