#pragma once

// Private to core/projection (the kNN search and UMAP): a parallel loop whose
// calling thread takes part and polls for cancellation between its tasks, so
// progress callbacks always run on the thread that called the algorithm.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mnistx::projection::detail {

// 0 means "all cores", as every *Config::threads in this folder.
inline int resolveThreads(int threads)
{
    if (threads > 0)
        return threads;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Longest silence between two poll() calls while tasks run: a quarter of the
// 100 ms cancellation budget, leaving room for the task that is running.
constexpr std::chrono::milliseconds kPollInterval{25};

// Calls a callback at most every kPollInterval: parallel loops poll between
// tasks, which can be microseconds apart, and must not flood the caller.
class Heartbeat {
public:
    explicit Heartbeat(std::function<bool()> beat) : m_beat(std::move(beat)) {}
    // True when the callback is empty, not due yet, or says carry on.
    bool operator()()
    {
        if (!m_beat)
            return true;
        const auto now = std::chrono::steady_clock::now();
        if (m_started && now - m_last < kPollInterval)
            return true;
        m_started = true;
        m_last = now;
        return m_beat();
    }

private:
    std::function<bool()> m_beat;
    std::chrono::steady_clock::time_point m_last;
    bool m_started = false;
};

// Runs body(task) for every task in [0, tasks) on `threads` threads (the
// calling thread and threads−1 helpers started for this call). Tasks are
// handed out in ascending order; callers make every task write disjoint
// outputs that do not depend on which thread ran it, so results never depend
// on the schedule or the thread count.
//
// poll (optional) runs on the calling thread only, before each task it takes:
// it must be cheap (wrap user callbacks in a Heartbeat). When it returns false
// no further task starts, and parallelTasks returns false once the running
// tasks are done (tasks should take ≤ a few ms so that this is prompt). The
// first exception thrown by body or poll is rethrown on the calling thread
// after all helpers have stopped.
inline bool parallelTasks(int tasks, int threads, const std::function<void(int)>& body,
                          const std::function<bool()>& poll = {})
{
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto fail = [&](std::exception_ptr e) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error)
            error = e;
        stop = true;
    };
    auto work = [&] {
        while (!stop.load(std::memory_order_relaxed)) {
            const int task = next.fetch_add(1, std::memory_order_relaxed);
            if (task >= tasks)
                return;
            try {
                body(task);
            } catch (...) {
                fail(std::current_exception());
                return;
            }
        }
    };

    const int helperCount = std::max(0, std::min(threads, tasks) - 1);
    std::vector<std::thread> helpers;
    helpers.reserve(static_cast<std::size_t>(helperCount));
    for (int t = 0; t < helperCount; ++t)
        helpers.emplace_back(work);

    // The calling thread works too, polling before each of its tasks.
    bool cancelled = false;
    while (!stop.load(std::memory_order_relaxed)) {
        if (poll) {
            bool carryOn = false;
            try {
                carryOn = poll();
            } catch (...) {
                fail(std::current_exception());
                break;
            }
            if (!carryOn) {
                cancelled = true;
                stop = true;
                break;
            }
        }
        const int task = next.fetch_add(1, std::memory_order_relaxed);
        if (task >= tasks)
            break;
        try {
            body(task);
        } catch (...) {
            fail(std::current_exception());
            break;
        }
    }
    // Helpers finish the task they are running (tasks are short).
    for (auto& h : helpers)
        h.join();
    if (error)
        std::rethrow_exception(error);
    return !cancelled;
}

} // namespace mnistx::projection::detail
