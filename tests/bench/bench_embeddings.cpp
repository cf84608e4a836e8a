// Embeddings folder loading benchmark (run_embeddings_bench.sh).
//
//   bench_embeddings make FOLDER [--rows N] [--dim D] [--classes K]
//       writes features.npy (N×D float32), labels.npy (N int64) and
//       logits.npy (N×K float32); default 1,000,000 × 64 and 10 classes
//       (256 MB of features, 304 MB in all).
//   bench_embeddings load FOLDER [--repeat R]
//       reads FOLDER with readEmbeddings R times (default 3) and prints key
//       value lines: rows, megabytes (the .npy files' sizes), seconds_best,
//       seconds_median, megabytes_per_s (best).

#include "core/data/embeddings.h"
#include "core/data/npy_reader.h"
#include "repeated_timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace mnistx;
namespace fs = std::filesystem;

namespace
{

// Writes a .npy file a block of rows at a time (the whole array would double
// the memory the benchmark needs). fill(firstRow, rows, out) gives the values.
template <typename T, typename Fill>
void writeNpy(const fs::path& path, const std::string& descr, std::int64_t rows, std::int64_t cols,
              Fill fill)
{
    std::ofstream out(path, std::ios::binary);
    out << data::npyHeader(data::npyDict(descr, cols > 0 ? std::vector<std::int64_t>{rows, cols}
                                                         : std::vector<std::int64_t>{rows}));
    constexpr std::int64_t kBlockRows = 65536;
    const std::int64_t width = std::max<std::int64_t>(cols, 1);
    std::vector<T> block;
    for (std::int64_t first = 0; first < rows; first += kBlockRows) {
        const std::int64_t n = std::min(kBlockRows, rows - first);
        block.resize(static_cast<std::size_t>(n * width));
        fill(first, n, block.data());
        out.write(reinterpret_cast<const char*>(block.data()),
                  static_cast<std::streamsize>(block.size() * sizeof(T)));
    }
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

// Deterministic values of feature-like magnitude (no NaN, no zeros only).
float valueAt(std::uint64_t i)
{
    std::uint64_t x = i * 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    return static_cast<float>(static_cast<std::int64_t>(x % 20001) - 10000) / 2500.0f;
}

int make(const fs::path& folder, std::int64_t rows, std::int64_t dim, std::int64_t classes)
{
    fs::create_directories(folder);
    writeNpy<float>(folder / "features.npy", "<f4", rows, dim,
                    [&](std::int64_t first, std::int64_t n, float* out) {
                        const auto start = static_cast<std::uint64_t>(first * dim);
                        for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(n * dim); ++i)
                            out[i] = valueAt(start + i);
                    });
    writeNpy<std::int64_t>(folder / "labels.npy", "<i8", rows, 0,
                           [&](std::int64_t first, std::int64_t n, std::int64_t* out) {
                               for (std::int64_t i = 0; i < n; ++i)
                                   out[i] = (first + i) % classes;
                           });
    writeNpy<float>(folder / "logits.npy", "<f4", rows, classes,
                    [&](std::int64_t first, std::int64_t n, float* out) {
                        const auto start = static_cast<std::uint64_t>(first * classes) + 12345;
                        for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(n * classes); ++i)
                            out[i] = valueAt(start + i);
                    });
    std::cout << "wrote " << rows << " × " << dim << " features, " << classes << " classes to "
              << folder.string() << "\n";
    return 0;
}

int load(const fs::path& folder, int repeat)
{
    double bytes = 0;
    for (const char* name : {"features.npy", "labels.npy", "logits.npy"})
        bytes += double(fs::file_size(folder / name));
    int rows = 0;
    const std::vector<double> seconds = bench::timeRepeatedly(
        repeat, [&] { rows = data::readEmbeddings(folder.string()).count(); });
    std::cout << "rows " << rows << "\n"
              << "megabytes " << bytes / 1e6 << "\n";
    bench::printLoadTimes(std::cout, seconds, bytes);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return bench::loadBenchMain(argc, argv, [](const bench::LoadBenchArgs& args) {
        if (args.is("make", 2))
            return make(args[1], args.option("--rows", 1000000), args.option("--dim", 64),
                        args.option("--classes", 10));
        if (args.is("load", 2))
            return load(args[1], static_cast<int>(std::max(1ll, args.option("--repeat", 3))));
        std::cerr << "usage: bench_embeddings make FOLDER [--rows N] [--dim D] [--classes K] | "
                     "load FOLDER [--repeat R]\n";
        return 2;
    });
}
