#pragma once

// Our share of the machine's cores while other processes compete for them.
//
// libtorch runs its kernels on an OpenMP team whose threads spin while they
// wait at the barriers between parallel regions. Two processes with a team of
// two each on two cores spin against each other: a thread waits for its
// partner, which the kernel has just given the other process's spinning thread;
// an epoch that takes 2.8 s alone took 33.8 s each for two trainings at once.
// Spinning less (OMP_WAIT_POLICY=passive) costs a lone run 40 %. So instead a
// compute loop asks, between its steps, how many threads it may use: all of
// its own while the machine is otherwise idle, fewer while other processes'
// threads are runnable, so that ours and theirs together do not outnumber the
// cores and nobody waits for a descheduled partner.
//
// Plain C++ (Linux /proc); no libtorch: the caller applies the count
// (model::TorchThreadShare for libtorch's team).

#include <chrono>
#include <functional>

namespace mnistx::util
{

// Runnable threads of other processes right now: the kernel's count of
// runnable threads (procs_running in /proc/stat) less this process's own
// (state R in /proc/self/task/*/stat). -1 when /proc cannot be read.
// A few dozen microseconds; any thread.
int otherRunnableThreads();

// Online cores (at least 1).
int onlineCores();

class CpuShare
{
public:
    // How the other processes' runnable threads are counted (tests replace it).
    using Sampler = std::function<int()>;

    // `own`: the threads to use when alone (≥ 1). The share is re-read at most
    // every `interval`; the environment variable MNISTX_CPU_SHARE=0 turns it
    // off (threads() is always `own`: what the benchmark compares against).
    explicit CpuShare(int own, Sampler sampler = otherRunnableThreads,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(250));

    // The threads to use for the next step: own while no other process has
    // had runnable threads for two samples in a row; then cores − others
    // (at least 1) until two samples in a row find none again. One thread at
    // a time calls it (the compute loop's).
    int threads();

    // For tests: take a sample now, ignoring the interval.
    int sampleNow();

private:
    int m_own;
    int m_cores;
    Sampler m_sampler;
    std::chrono::milliseconds m_interval;
    bool m_enabled;
    std::chrono::steady_clock::time_point m_lastSample;
    bool m_sampled = false;
    int m_current;
    // Consecutive samples that disagree with the current choice, and what
    // they would choose.
    int m_streak = 0;
    int m_pending = 0;
};

} // namespace mnistx::util
