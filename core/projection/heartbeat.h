#pragma once

// Private to core (the projections and the feature index): the rate limit of
// every progress callback that doubles as a cancellation poll.

#include <chrono>
#include <functional>
#include <utility>

namespace mnistx::projection::detail
{

// Longest silence between two polls while tasks run: a quarter of the 100 ms
// cancellation budget, leaving room for the task that is running.
constexpr std::chrono::milliseconds kPollInterval{25};

// Calls a callback at most every kPollInterval: parallel loops poll between
// tasks, which can be microseconds apart, and must not flood the caller. The
// first call is due at once. Used by one thread at a time.
class Heartbeat
{
public:
    explicit Heartbeat(std::function<bool()> beat = {}) : m_beat(std::move(beat)) {}
    // True when the callback is empty, not due yet, or says carry on.
    bool operator()()
    {
        if (!m_beat || !due())
            return true;
        return m_beat();
    }
    // True (and the interval starts again) when kPollInterval has passed
    // since the last time it was due or restarted, or it never was.
    bool due()
    {
        const auto now = std::chrono::steady_clock::now();
        if (m_started && now - m_last < kPollInterval)
            return false;
        m_started = true;
        m_last = now;
        return true;
    }
    // The next beat is due kPollInterval from now.
    void restart()
    {
        m_started = true;
        m_last = std::chrono::steady_clock::now();
    }

private:
    std::function<bool()> m_beat;
    std::chrono::steady_clock::time_point m_last;
    bool m_started = false;
};

} // namespace mnistx::projection::detail
