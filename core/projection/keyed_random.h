#pragma once

// Private to core/projection (UMAP): random numbers in independent streams
// keyed by (seed, stream, item) — item a point or an SGD chunk — so that what
// is drawn never depends on which thread draws it or in which order.

#include <cstdint>

namespace mnistx::projection::detail
{

// Streams of KeyedRandom, so that no two uses draw the same numbers: epoch e's
// negative samples use stream e (< 2^40), the initialisation these.
constexpr std::uint64_t kStreamInitialNoise = 1ull << 40;
constexpr std::uint64_t kStreamRandomInit = (1ull << 40) + 1;

// SplitMix64's output function of x + the golden gamma.
inline std::uint64_t splitMix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// A SplitMix64 generator started from a hash of (seed, stream, item).
class KeyedRandom
{
public:
    KeyedRandom(std::uint64_t seed, std::uint64_t stream, std::uint64_t item)
        : m_state(splitMix(splitMix(seed ^ splitMix(stream)) ^ item))
    {
    }
    std::uint64_t next()
    {
        const std::uint64_t x = m_state;
        m_state += 0x9E3779B97F4A7C15ull;
        return splitMix(x);
    }
    // Uniform in [0, n) by multiply-shift (Lemire), no division.
    std::uint32_t below(std::uint32_t n)
    {
        return static_cast<std::uint32_t>(((next() >> 32) * std::uint64_t(n)) >> 32);
    }
    // Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

} // namespace mnistx::projection::detail
