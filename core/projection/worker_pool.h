#pragma once

// Private to core (the projections and the feature index): the one set of
// threads every parallel loop there runs on. The calling thread takes part
// and polls for cancellation between its tasks, so progress callbacks always
// run on the thread that called the algorithm.

#include "core/projection/task_runner.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mnistx::projection::detail
{

// 0 means "all cores", as every *Config::threads in core.
int resolveThreads(int threads);

// Runs the tasks of one parallel loop at a time on `threads` threads: the
// caller of run() and threads−1 helpers that live as long as the pool (an
// optimiser's iterations start their loops microseconds apart, and starting
// threads for each would cost more than some loops). Tasks are handed out in
// ascending order; callers make every task write disjoint outputs that do not
// depend on which thread ran it, so results never depend on the schedule or
// the thread count. One thread calls run() at a time.
class WorkerPool
{
public:
    // threads: 0 = all cores.
    explicit WorkerPool(int threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    int threads() const { return static_cast<int>(m_helpers.size()) + 1; }

    // Runs body(task) for every task in [0, tasks). poll (optional) runs on
    // the calling thread only, before each task it takes: it must be cheap
    // (rate-limit user callbacks with a Heartbeat). When it returns false no
    // further task starts, and run() returns false once the running tasks are
    // done (tasks should take ≤ a few ms so that this is prompt). The first
    // exception thrown by body or poll is rethrown on the calling thread after
    // every helper has left the loop.
    bool run(int tasks, const std::function<void(int)>& body,
             const std::function<bool()>& poll = {});

    // run() as a TaskRunner, with this poll; throws Cancelled when it says stop.
    TaskRunner runner(std::function<bool()> poll = {});

private:
    // Takes tasks of the current loop until none are left or it stops.
    void takeTasks(bool polls);
    void recordError(std::exception_ptr e);
    void helperLoop();

    std::vector<std::thread> m_helpers;
    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    bool m_quit = false;                        // under m_mutex
    std::atomic<std::uint64_t> m_generation{0}; // one per loop, written under m_mutex
    // The current loop: written by run() under m_mutex before a new generation.
    const std::function<void(int)>* m_body = nullptr;
    const std::function<bool()>* m_poll = nullptr; // the calling thread's only
    int m_tasks = 0;
    std::atomic<int> m_next{0};
    std::atomic<int> m_active{0}; // helpers still in the loop
    std::atomic<bool> m_stop{false};
    bool m_cancelled = false; // the calling thread's only
    std::mutex m_errorMutex;
    std::exception_ptr m_error;
};

// One parallel loop on a pool of its own: for code that runs one loop, or a
// few far apart.
bool parallelTasks(int tasks, int threads, const std::function<void(int)>& body,
                   const std::function<bool()>& poll = {});

} // namespace mnistx::projection::detail
