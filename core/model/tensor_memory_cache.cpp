#include "core/model/tensor_memory_cache.h"

#ifdef MNISTX_CACHE_TENSOR_MEMORY

#include <c10/core/CPUAllocator.h>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <vector>

namespace mnistx::model
{
namespace
{

// c10 aligns tensor memory to 64 bytes; the header before each block holds
// its size, so the deleter needs nothing but the data pointer.
constexpr std::size_t kAlignment = 64;
// Blocks kept for reuse, at most: far above what a training's batches use at
// once (tens of MB), far below the machine.
constexpr std::size_t kMaxCachedBytes = std::size_t{1} << 30;

class CachingCpuAllocator final : public c10::Allocator
{
public:
    c10::DataPtr allocate(std::size_t bytes) const override
    {
        void* data = take(bytes);
        return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }

private:
    struct Cache {
        std::mutex mutex;
        std::map<std::size_t, std::vector<void*>> free; // by block size
        std::size_t cachedBytes = 0;
    };
    // Never destroyed: tensors may be freed by static destructors after
    // main, and LeakSanitizer sees the cached blocks as reachable from here.
    static Cache& cache()
    {
        static Cache* instance = new Cache;
        return *instance;
    }
    static std::size_t& sizeOf(void* data)
    {
        return *reinterpret_cast<std::size_t*>(static_cast<char*>(data) - kAlignment);
    }

    static void* take(std::size_t bytes)
    {
        {
            Cache& c = cache();
            std::lock_guard<std::mutex> lock(c.mutex);
            const auto it = c.free.find(bytes);
            if (it != c.free.end() && !it->second.empty()) {
                void* data = it->second.back();
                it->second.pop_back();
                c.cachedBytes -= bytes;
                return data;
            }
        }
        // At least one byte after the header: the data pointer of an empty
        // tensor must point into the block for LeakSanitizer to see it kept.
        void* base = nullptr;
        if (posix_memalign(&base, kAlignment, kAlignment + (bytes > 0 ? bytes : 1)) != 0)
            throw std::bad_alloc();
        void* data = static_cast<char*>(base) + kAlignment;
        sizeOf(data) = bytes;
        return data;
    }

    static void release(void* data)
    {
        if (!data)
            return;
        const std::size_t bytes = sizeOf(data);
        {
            Cache& c = cache();
            std::lock_guard<std::mutex> lock(c.mutex);
            if (c.cachedBytes + bytes <= kMaxCachedBytes) {
                c.free[bytes].push_back(data);
                c.cachedBytes += bytes;
                return;
            }
        }
        std::free(static_cast<char*>(data) - kAlignment);
    }
};

} // namespace

void cacheTensorMemoryInAsanBuilds()
{
    // Priority 1 wins over c10's own default allocator (priority 0).
    static const bool installed = [] {
        static auto* allocator = new CachingCpuAllocator; // used until exit
        c10::SetCPUAllocator(allocator, 1);
        return true;
    }();
    (void)installed;
}

} // namespace mnistx::model

#else

namespace mnistx::model
{
void cacheTensorMemoryInAsanBuilds() {}
} // namespace mnistx::model

#endif
