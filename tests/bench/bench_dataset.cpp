// Dataset loading benchmark (run_dataset_bench.sh).
//
//   bench_dataset make MNIST_DIR OUT_DIR [--rgb]
//       writes real MNIST as image folders (OUT_DIR/train/<digit>/NNNNN.png,
//       OUT_DIR/test/<digit>/NNNNN.png; --rgb: the digit in three channels)
//       and the same images as NumPy files in OUT_DIR/npy/.
//   bench_dataset load FOLDER [--threads N] [--repeat R]
//       loads FOLDER with loadDataset R times (default 3) and prints
//       key value lines: images, seconds_best, seconds_median,
//       images_per_s (best), megabytes_per_s (decoded bytes, best).

#include "core/data/dataset_folder.h"
#include "core/data/idx_reader.h"
#include "core/data/npy_reader.h"
#include "repeated_timing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <png.h>
#include <string>
#include <vector>

using namespace mnistx;
namespace fs = std::filesystem;

namespace
{

void writeNpy(const fs::path& path, const std::string& descr,
              const std::vector<std::int64_t>& shape, const void* data, std::size_t bytes)
{
    std::ofstream out(path, std::ios::binary);
    out << data::npyHeader(data::npyDict(descr, shape));
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

int make(const std::string& mnistDir, const fs::path& out, bool rgb)
{
    const data::DatasetSplits mnist = data::loadMnistFolder(mnistDir);
    const int channels = rgb ? 3 : 1;
    fs::create_directories(out / "npy");
    for (const auto& [name, set] :
         {std::pair<const char*, const data::Dataset*>{"train", &mnist.train},
          {"test", &mnist.validation}}) {
        std::vector<std::uint8_t> all;
        all.reserve(static_cast<std::size_t>(set->count) * 28 * 28 * channels);
        for (int i = 0; i < set->count; ++i) {
            const fs::path dir =
                out / name / std::to_string(set->labels[static_cast<std::size_t>(i)]);
            fs::create_directories(dir);
            std::vector<std::uint8_t> pixels;
            for (int p = 0; p < 28 * 28; ++p)
                for (int c = 0; c < channels; ++c) // RGB: ink in red, its inverse in blue
                    pixels.push_back(c == 2 ? 255 - set->image(i)[p] : set->image(i)[p]);
            char file[32];
            std::snprintf(file, sizeof file, "%05d.png", i);
            png_image image{};
            image.version = PNG_IMAGE_VERSION;
            image.width = 28;
            image.height = 28;
            image.format = rgb ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
            if (!png_image_write_to_file(&image, (dir / file).c_str(), 0, pixels.data(), 0,
                                         nullptr)) {
                std::cerr << "cannot write " << (dir / file) << "\n";
                return 1;
            }
            all.insert(all.end(), pixels.begin(), pixels.end());
        }
        std::vector<std::int64_t> labels(set->labels.begin(), set->labels.end());
        std::vector<std::int64_t> shape{set->count, 28, 28};
        if (rgb)
            shape.push_back(3);
        writeNpy(out / "npy" / (std::string(name) + "_images.npy"), "|u1", shape, all.data(),
                 all.size());
        writeNpy(out / "npy" / (std::string(name) + "_labels.npy"), "<i8", {set->count},
                 labels.data(), labels.size() * sizeof(std::int64_t));
    }
    std::cout << "wrote " << mnist.train.count + mnist.validation.count << " images to " << out
              << "\n";
    return 0;
}

int load(const std::string& folder, int threads, int repeat)
{
    long images = 0;
    double bytes = 0;
    const std::vector<double> seconds = bench::timeRepeatedly(repeat, [&] {
        const data::DatasetSplits s = data::loadDataset(folder, threads);
        images = s.train.count + s.validation.count;
        bytes = double(s.train.images.size() + s.validation.images.size());
    });
    std::cout << "images " << images << "\n"
              << "images_per_s " << images / seconds.front() << "\n";
    bench::printLoadTimes(std::cout, seconds, bytes);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return bench::loadBenchMain(argc, argv, [](const bench::LoadBenchArgs& args) {
        if (args.is("make", 3))
            return make(args[1], args[2], args.flag("--rgb"));
        if (args.is("load", 2))
            return load(args[1], static_cast<int>(args.option("--threads", 0)),
                        static_cast<int>(std::max(1ll, args.option("--repeat", 3))));
        std::cerr << "usage: bench_dataset make MNIST_DIR OUT_DIR [--rgb] | "
                     "load FOLDER [--threads N] [--repeat R]\n";
        return 2;
    });
}
