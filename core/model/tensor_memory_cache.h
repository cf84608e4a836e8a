#pragma once
// Tensor memory that stays with the process in AddressSanitizer builds.
//
// ASan's allocator gives every block over 128 KB its own fresh mapping and
// unmaps it on free, so each of libtorch's activation tensors costs page
// faults on every batch: training under ASan ran 11 times slower than the
// plain build, most of it in the kernel. In ASan builds this puts a caching
// allocator in front of libtorch's CPU allocator (c10::SetCPUAllocator):
// freed tensor blocks wait in per-size free lists for the next tensor of the
// same size. libtorch is not instrumented either way; our own code's
// allocations still go through ASan. In every other build it does nothing.

namespace mnistx::model
{

// Idempotent and thread-safe; called before the first tensor a classifier
// makes.
void cacheTensorMemoryInAsanBuilds();

} // namespace mnistx::model
