#pragma once
// How the long computations of core/why report progress and are stopped.

#include <functional>
#include <stdexcept>

namespace mnistx::why
{

// Called on the calling thread with the fraction done in [0,1], between
// chunks of work a few milliseconds long (a quarter of the 100 ms cancel
// budget at most); return false to stop. May be empty. The function that
// takes it then throws Cancelled.
using WhyProgress = std::function<bool(double)>;

// Thrown by a why computation whose progress callback returned false.
struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("cancelled") {}
};

// Asks progress (when set) to go on at `fraction`; throws Cancelled when it
// says stop.
inline void checkProgress(const WhyProgress& progress, double fraction)
{
    if (progress && !progress(fraction))
        throw Cancelled();
}

// The stretch [from, from + share] of a larger computation's progress, for
// a step of it (empty when progress is).
inline WhyProgress partOf(const WhyProgress& progress, double from, double share)
{
    if (!progress)
        return {};
    return [progress, from, share](double fraction) { return progress(from + share * fraction); };
}

} // namespace mnistx::why
