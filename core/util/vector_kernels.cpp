#include "core/util/vector_kernels.h"

#include <atomic>

namespace mnistx::util
{

namespace
{
std::atomic<bool> g_avx2Allowed{true};
} // namespace

bool avx2KernelsEnabled()
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    static const bool supported = __builtin_cpu_supports("avx2");
    return supported && g_avx2Allowed.load(std::memory_order_relaxed);
#else
    return false;
#endif
}

void setAvx2KernelsAllowed(bool allowed)
{
    g_avx2Allowed.store(allowed, std::memory_order_relaxed);
}

} // namespace mnistx::util
