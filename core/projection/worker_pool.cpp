#include "core/projection/worker_pool.h"

#include "core/projection/projection.h"

#include <algorithm>
#include <chrono>

namespace mnistx::projection
{

void runTasksSerially(int tasks, const std::function<void(int)>& body)
{
    for (int t = 0; t < tasks; ++t)
        body(t);
}

namespace detail
{

namespace
{

// How long an idle helper busy-waits for the next loop (and the caller for
// the helpers to finish) before sleeping: an optimiser iteration's ~10 loops
// come microseconds apart, a futex wake-up costs ~10–50 µs, and 50 µs of
// spinning per iteration is noise.
constexpr auto kSpin = std::chrono::microseconds(50);

template <typename Done> void spinUntil(Done done)
{
    const auto until = std::chrono::steady_clock::now() + kSpin;
    while (!done() && std::chrono::steady_clock::now() < until) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

} // namespace

int resolveThreads(int threads)
{
    if (threads > 0)
        return threads;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

WorkerPool::WorkerPool(int threads)
{
    const int helpers = resolveThreads(threads) - 1;
    m_helpers.reserve(static_cast<std::size_t>(helpers));
    for (int t = 0; t < helpers; ++t)
        m_helpers.emplace_back([this] { helperLoop(); });
}

WorkerPool::~WorkerPool()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    for (auto& h : m_helpers)
        h.join();
}

bool WorkerPool::run(int tasks, const std::function<void(int)>& body,
                     const std::function<bool()>& poll)
{
    if (tasks <= 0)
        return true;
    m_error = nullptr;
    m_cancelled = false;
    m_stop.store(false);
    m_poll = poll ? &poll : nullptr;
    if (m_helpers.empty() || tasks == 1) {
        m_body = &body;
        m_tasks = tasks;
        m_next.store(0);
        takeTasks(true);
    } else {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_body = &body;
            m_tasks = tasks;
            m_next.store(0);
            m_active.store(static_cast<int>(m_helpers.size()));
            m_generation.store(m_generation.load() + 1);
        }
        m_wake.notify_all();
        takeTasks(true);
        // Helpers finish the task they are running (tasks are short).
        spinUntil([this] { return m_active.load() == 0; });
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, [this] { return m_active.load() == 0; });
    }
    m_body = nullptr;
    m_poll = nullptr;
    if (m_error)
        std::rethrow_exception(m_error);
    return !m_cancelled;
}

TaskRunner WorkerPool::runner(std::function<bool()> poll)
{
    return [this, poll = std::move(poll)](int tasks, const std::function<void(int)>& body) {
        if (!run(tasks, body, poll))
            throw Cancelled();
    };
}

void WorkerPool::takeTasks(bool polls)
{
    while (!m_stop.load(std::memory_order_relaxed)) {
        try {
            if (polls && m_poll && !(*m_poll)()) {
                m_cancelled = true;
                m_stop.store(true);
                return;
            }
            const int task = m_next.fetch_add(1, std::memory_order_relaxed);
            if (task >= m_tasks)
                return;
            (*m_body)(task);
        } catch (...) {
            recordError(std::current_exception());
            return;
        }
    }
}

void WorkerPool::recordError(std::exception_ptr e)
{
    std::lock_guard<std::mutex> lock(m_errorMutex);
    if (!m_error)
        m_error = e;
    m_stop.store(true);
}

void WorkerPool::helperLoop()
{
    std::uint64_t seen = 0;
    for (;;) {
        spinUntil([&] { return m_generation.load() != seen; });
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_quit || m_generation.load() != seen; });
            if (m_quit)
                return;
            seen = m_generation.load();
        }
        takeTasks(false);
        if (m_active.fetch_sub(1) == 1) {
            std::lock_guard<std::mutex> lock(m_mutex); // no lost wake-up
            m_done.notify_one();
        }
    }
}

bool parallelTasks(int tasks, int threads, const std::function<void(int)>& body,
                   const std::function<bool()>& poll)
{
    WorkerPool pool(std::min(resolveThreads(threads), std::max(1, tasks)));
    return pool.run(tasks, body, poll);
}

} // namespace detail

} // namespace mnistx::projection
