#pragma once

#include "core/util/cpu_share.h"

namespace mnistx::model
{

// libtorch's thread count on the calling thread, following util::CpuShare
// between the steps of a batch loop (training, inference): step() before each
// batch sets torch::set_num_threads to the share when it changed; the
// destructor gives back the count found at construction. One per loop, on
// the loop's thread. A loop inside another's (the validation pass of a
// training) leaves the count to the outer one.
class TorchThreadShare
{
public:
    TorchThreadShare();
    ~TorchThreadShare();
    TorchThreadShare(const TorchThreadShare&) = delete;
    TorchThreadShare& operator=(const TorchThreadShare&) = delete;

    void step();

private:
    bool m_outer;
    int m_own;
    int m_applied;
    util::CpuShare m_share;
};

} // namespace mnistx::model
