#pragma once
// Loads timed the way tests/bench/run_dataset_bench.sh and
// run_embeddings_bench.sh report them: repeated on a warm page cache, the
// best and the median wall time printed as "key value" lines.

#include <algorithm>
#include <chrono>
#include <ostream>
#include <vector>

namespace mnistx::bench
{

// Runs load() `repeat` times; the wall times in seconds, fastest first.
template <class Load> std::vector<double> timeRepeatedly(int repeat, const Load& load)
{
    std::vector<double> seconds;
    for (int r = 0; r < repeat; ++r) {
        const auto start = std::chrono::steady_clock::now();
        load();
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds;
}

// "seconds_best" and "seconds_median" of sorted, non-empty times, then
// "megabytes_per_s" at the best time.
inline void printLoadTimes(std::ostream& out, const std::vector<double>& sorted, double bytes)
{
    out << "seconds_best " << sorted.front() << "\n"
        << "seconds_median " << sorted[sorted.size() / 2] << "\n"
        << "megabytes_per_s " << bytes / 1e6 / sorted.front() << "\n";
}

} // namespace mnistx::bench
