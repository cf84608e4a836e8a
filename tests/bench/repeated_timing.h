#pragma once
// What the load benchmarks (bench_dataset, bench_embeddings) share: loads
// timed the way tests/bench/run_dataset_bench.sh and run_embeddings_bench.sh
// report them (repeated on a warm page cache, the best and the median wall
// time printed as "key value" lines), and their "make | load" command line.

#include <algorithm>
#include <chrono>
#include <exception>
#include <iostream>
#include <ostream>
#include <string>
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

// The command line of a load benchmark: a verb and its words ("make FOLDER",
// "load FOLDER"), then options as "--name VALUE" or a lone "--flag".
struct LoadBenchArgs {
    std::vector<std::string> words;

    // The verb is `verb` and at least `count` words (the verb included) came.
    bool is(const char* verb, std::size_t count) const
    {
        return words.size() >= count && words[0] == verb;
    }
    const std::string& operator[](std::size_t i) const { return words[i]; }
    long long option(const char* name, long long fallback) const
    {
        for (std::size_t i = 2; i + 1 < words.size(); ++i)
            if (words[i] == name)
                return std::stoll(words[i + 1]);
        return fallback;
    }
    bool flag(const char* name) const
    {
        return std::find(words.begin(), words.end(), name) != words.end();
    }
};

// main() of a load benchmark: run(args)'s exit code, or the message of what
// it threw and 1.
template <class Run> int loadBenchMain(int argc, char** argv, const Run& run)
{
    try {
        return run(LoadBenchArgs{std::vector<std::string>(argv + 1, argv + argc)});
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}

} // namespace mnistx::bench
