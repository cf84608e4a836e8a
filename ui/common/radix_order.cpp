#include "ui/common/radix_order.h"

#include <cstring>

namespace mnistx::ui
{

std::uint32_t orderedFloatBits(float value)
{
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

void radixSortByKey(std::vector<std::uint64_t>& packed, int keyBits)
{
    // 11-bit digits: a 2048-entry histogram stays in L1.
    constexpr int kDigitBits = 11;
    constexpr std::uint64_t kDigitMask = (1u << kDigitBits) - 1;
    std::vector<std::uint64_t> scratch(packed.size());
    std::vector<std::size_t> start((std::size_t{1} << kDigitBits) + 1);
    for (int low = 0; low < keyBits; low += kDigitBits) {
        const int shift = kRadixIdBits + low;
        std::fill(start.begin(), start.end(), 0);
        for (std::uint64_t v : packed)
            ++start[((v >> shift) & kDigitMask) + 1];
        for (std::size_t d = 1; d < start.size(); ++d)
            start[d] += start[d - 1];
        for (std::uint64_t v : packed)
            scratch[start[(v >> shift) & kDigitMask]++] = v;
        packed.swap(scratch);
    }
}

std::vector<int> radixIds(const std::vector<std::uint64_t>& packed)
{
    std::vector<int> ids(packed.size());
    for (std::size_t k = 0; k < packed.size(); ++k)
        ids[k] = radixId(packed[k]);
    return ids;
}

} // namespace mnistx::ui
