// Projection benchmark: runs one of our projections on a feature matrix, or
// scores a layout another tool wrote, and prints "key value" lines:
//   method, points, dims, threads, seconds (wall time of project()),
//   cpu_seconds (CPU time of all threads during project(): steadier than the
//   wall time when other work shares the machine),
//   seconds_<stage> (time spent in each progress stage), knn_accuracy
//   (leave-one-out 10-NN accuracy in 2D) and trustworthiness (@10, 5,000-point
//   sample), both from core/projection/quality.h, so that every method in
//   run_projection_bench.sh is scored by the same code.
//
//   bench_projection --method umap|tsne|pca --features F.npy [--labels L]
//                    [--threads 2] [--seed 1] [--out layout.npy]
//                    [--replicate N --noise 0.05] [--param key=value ...]
//   bench_projection --evaluate layout.npy --features F.npy [--labels L]
//   bench_projection --knn-sweep --features F.npy [--threads 2] [--k 14|90]
//   bench_projection --nndescent-sweep --features F.npy [--threads 2]
//   bench_projection --knn --features F.npy [--threads 2] [--k 14] [--out exact.npy]
//   bench_projection --knn --features F.npy [--k 90] [--replicate N --noise 0.05]
//                    [--param ef=… | m=… | efc=… | nndescent=0|1]
//
// --knn with --replicate or --param: the graph of those settings (HNSW's
// width, degree, build width, or NN-descent) on the features, stacked up to
// N rows if asked, timed (and its build, for HNSW), with its recall on 500
// sampled rows against a brute-force search: how the million-point graph
// was measured, whose exact graph would take hours.
//
// --knn-sweep times HNSW settings (M, ef_construction, ef) against the exact
// search at k = 14 (UMAP) and k = 90 (t-SNE) and prints recall and seconds:
// how the defaults in knn_graph.cpp were chosen. --nndescent-sweep does the
// same for NN-descent's settings (trees, leaf size, candidates; k = 14 or
// --k), whose defaults are in nn_descent.cpp.
//
// F.npy: float32 N×D, C order (features.npy of a run). L: samples.csv of the
// same run (its "label" column) or a 1-D .npy of integer labels; without it,
// a samples.csv beside F.npy is used. --replicate stacks noisy copies of the
// rows up to N points (noise: Gaussian, this fraction of each feature's
// standard deviation), for the 1,000,000-point target.

#include "core/projection/knn_graph.h"
#include "core/projection/nn_descent.h"
#include "core/projection/projection.h"
#include "core/projection/projector_factory.h"
#include "core/projection/quality.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mnistx;

namespace
{

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// .npy (NumPy format 1.0–3.0): little-endian, C order.

struct NpyArray {
    std::string descr; // e.g. "<f4", "|u1", "<i8"
    std::vector<std::int64_t> shape;
    std::vector<char> data;
};

std::string headerValue(const std::string& header, const std::string& key)
{
    const auto at = header.find("'" + key + "'");
    if (at == std::string::npos)
        throw std::runtime_error("no '" + key + "' in the .npy header");
    const auto colon = header.find(':', at);
    auto start = header.find_first_not_of(" ", colon + 1);
    if (header[start] == '(') {
        const auto end = header.find(')', start);
        return header.substr(start + 1, end - start - 1);
    }
    if (header[start] == '\'') {
        const auto end = header.find('\'', start + 1);
        return header.substr(start + 1, end - start - 1);
    }
    const auto end = header.find_first_of(",}", start);
    return header.substr(start, end - start);
}

NpyArray readNpy(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot open");
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
        throw std::runtime_error(path + ": not a .npy file");
    std::uint32_t headerLength = 0;
    if (magic[6] == 1) {
        unsigned char b[2];
        in.read(reinterpret_cast<char*>(b), 2);
        headerLength = b[0] | (b[1] << 8);
    } else {
        unsigned char b[4];
        in.read(reinterpret_cast<char*>(b), 4);
        headerLength = b[0] | (b[1] << 8) | (b[2] << 16) | (std::uint32_t(b[3]) << 24);
    }
    std::string header(headerLength, ' ');
    if (!in.read(&header[0], headerLength))
        throw std::runtime_error(path + ": truncated header");
    NpyArray a;
    try {
        a.descr = headerValue(header, "descr");
        if (headerValue(header, "fortran_order").find("True") != std::string::npos)
            throw std::runtime_error("Fortran order is not supported");
        std::stringstream shape(headerValue(header, "shape"));
        std::string item;
        while (std::getline(shape, item, ','))
            if (item.find_first_not_of(" ") != std::string::npos)
                a.shape.push_back(std::stoll(item));
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    std::int64_t count = 1;
    for (const auto s : a.shape)
        count *= s;
    const std::size_t itemSize = static_cast<std::size_t>(std::stoi(a.descr.substr(2)));
    a.data.resize(static_cast<std::size_t>(count) * itemSize);
    if (!in.read(a.data.data(), static_cast<std::streamsize>(a.data.size())))
        throw std::runtime_error(path + ": truncated data");
    return a;
}

RowMatrixXf readMatrix(const std::string& path)
{
    const NpyArray a = readNpy(path);
    if (a.descr != "<f4" || a.shape.size() != 2)
        throw std::runtime_error(path + ": expected a 2-D float32 array ('<f4'), got '" + a.descr +
                                 "' with " + std::to_string(a.shape.size()) + " dimensions");
    RowMatrixXf m(a.shape[0], a.shape[1]);
    std::memcpy(m.data(), a.data.data(), a.data.size());
    return m;
}

// A row-major rows × cols array of 4-byte items as .npy (descr "<f4", "<i4").
void writeNpy(const std::string& path, const void* data, Eigen::Index rows, Eigen::Index cols,
              const char* descr)
{
    std::string header = std::string("{'descr': '") + descr +
                         "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                         std::to_string(cols) + "), }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::ofstream out(path, std::ios::binary);
    const unsigned char prefix[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    out.write(reinterpret_cast<const char*>(prefix), 8);
    const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xFF),
                                     static_cast<unsigned char>(header.size() >> 8)};
    out.write(reinterpret_cast<const char*>(length), 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(rows * cols * 4));
    if (!out)
        throw std::runtime_error(path + ": cannot write");
}

void writeMatrix(const std::string& path, const RowMatrixXf& m)
{
    writeNpy(path, m.data(), m.rows(), m.cols(), "<f4");
}

// ---------------------------------------------------------------------------
// Labels: a samples.csv ("label" column) or a 1-D integer .npy.

std::vector<data::ClassLabel> readLabels(const std::string& path)
{
    std::vector<data::ClassLabel> labels;
    if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
        const NpyArray a = readNpy(path);
        if (a.shape.size() != 1)
            throw std::runtime_error(path + ": expected a 1-D label array");
        const std::size_t itemSize = static_cast<std::size_t>(std::stoi(a.descr.substr(2)));
        const char kind = a.descr[1];
        if ((kind != 'u' && kind != 'i') || itemSize > 8)
            throw std::runtime_error(path + ": expected integer labels, got '" + a.descr + "'");
        for (std::int64_t i = 0; i < a.shape[0]; ++i) {
            std::int64_t v = 0;
            std::memcpy(&v, a.data.data() + i * itemSize, itemSize); // little-endian
            labels.push_back(static_cast<data::ClassLabel>(v));
        }
        return labels;
    }
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(path + ": cannot open");
    std::string line;
    std::getline(in, line);
    int column = -1, at = 0;
    std::stringstream header(line);
    for (std::string name; std::getline(header, name, ','); ++at)
        if (name == "label")
            column = at;
    if (column < 0)
        throw std::runtime_error(path + ": no 'label' column in the header");
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::stringstream row(line);
        std::string field;
        for (int c = 0; c <= column; ++c)
            std::getline(row, field, ',');
        labels.push_back(static_cast<data::ClassLabel>(std::stoi(field)));
    }
    return labels;
}

// ---------------------------------------------------------------------------

struct Options {
    std::string method;
    std::string evaluate;
    bool knnSweep = false;
    bool nnDescentSweep = false; // with knnSweep: NN-descent's settings instead of HNSW's
    bool knnOnce = false;        // with knnSweep: the default graph once, timed
    int sweepK = 0;              // --knn-sweep only at this k (14 or 90)
    std::string features;
    std::string labels;
    std::string out;
    int threads = 2;
    std::uint64_t seed = 1;
    std::int64_t replicate = 0;
    double noise = 0.05;
    std::map<std::string, double> parameters;
};

[[noreturn]] void usage(const std::string& problem)
{
    std::cerr
        << "bench_projection: " << problem << "\n"
        << "usage: bench_projection --method umap|tsne|pca --features F.npy [--labels L]\n"
        << "         [--threads 2] [--seed 1] [--out layout.npy] [--replicate N --noise 0.05]\n"
        << "         [--param key=value ...]\n"
        << "       bench_projection --evaluate layout.npy --features F.npy [--labels L]\n"
        << "       bench_projection --knn-sweep --features F.npy [--threads 2] [--k 14|90]\n"
        << "       bench_projection --nndescent-sweep --features F.npy [--threads 2]\n"
        << "       bench_projection --knn --features F.npy [--threads 2] [--k 14] [--out E.npy]\n"
        << "       bench_projection --knn --features F.npy [--k 90] [--replicate N --noise 0.05]\n"
        << "                        [--param ef=|m=|efc=|nndescent=]\n";
    std::exit(2);
}

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--method")
            o.method = value();
        else if (arg == "--evaluate")
            o.evaluate = value();
        else if (arg == "--knn-sweep")
            o.knnSweep = true;
        else if (arg == "--nndescent-sweep")
            o.knnSweep = o.nnDescentSweep = true;
        else if (arg == "--knn")
            o.knnSweep = o.knnOnce = true;
        else if (arg == "--k")
            o.sweepK = std::stoi(value());
        else if (arg == "--features")
            o.features = value();
        else if (arg == "--labels")
            o.labels = value();
        else if (arg == "--out")
            o.out = value();
        else if (arg == "--threads")
            o.threads = std::stoi(value());
        else if (arg == "--seed")
            o.seed = std::stoull(value());
        else if (arg == "--replicate")
            o.replicate = std::stoll(value());
        else if (arg == "--noise")
            o.noise = std::stod(value());
        else if (arg == "--param") {
            const std::string kv = value();
            const auto eq = kv.find('=');
            if (eq == std::string::npos)
                usage("--param wants key=value, got '" + kv + "'");
            o.parameters[kv.substr(0, eq)] = std::stod(kv.substr(eq + 1));
        } else
            usage("unknown argument '" + arg + "'");
    }
    if (o.features.empty())
        usage("--features is required");
    if (int(!o.method.empty()) + int(!o.evaluate.empty()) + int(o.knnSweep) != 1)
        usage("give exactly one of --method, --evaluate and --knn-sweep");
    if (o.labels.empty()) {
        const auto slash = o.features.find_last_of('/');
        o.labels = (slash == std::string::npos ? std::string() : o.features.substr(0, slash + 1)) +
                   "samples.csv";
    }
    return o;
}

// Noisy copies of the rows up to `count` rows: row i is a copy of row
// i mod N plus Gaussian noise of `noise` × that feature's standard deviation.
void replicate(RowMatrixXf& features, std::vector<data::ClassLabel>& labels, std::int64_t count,
               double noise, std::uint64_t seed)
{
    const Eigen::Index n = features.rows();
    const Eigen::Index d = features.cols();
    const Eigen::RowVectorXd mean = features.cast<double>().colwise().mean();
    Eigen::RowVectorXf sd(d);
    for (Eigen::Index c = 0; c < d; ++c)
        sd[c] = static_cast<float>(
            std::sqrt((features.col(c).cast<double>().array() - mean[c]).square().mean()));
    RowMatrixXf out(count, d);
    std::vector<data::ClassLabel> outLabels(static_cast<std::size_t>(count));
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    for (std::int64_t i = 0; i < count; ++i) {
        const Eigen::Index source = static_cast<Eigen::Index>(i % n);
        outLabels[static_cast<std::size_t>(i)] = labels[static_cast<std::size_t>(source)];
        for (Eigen::Index c = 0; c < d; ++c)
            out(i, c) = features(source, c) +
                        (i < n ? 0.0f : static_cast<float>(noise) * sd[c] * gauss(rng));
    }
    features = std::move(out);
    labels = std::move(outLabels);
}

void printQuality(const RowMatrixXf& features, const RowMatrixXf& layout,
                  const std::vector<data::ClassLabel>& labels, int threads)
{
    const auto start = Clock::now();
    std::printf("knn_accuracy %.4f\n", projection::knnAccuracy2d(layout, labels, 10, threads));
    std::printf("trustworthiness %.4f\n",
                projection::trustworthiness(features, layout, 10, 5000, 1));
    std::printf("evaluation_seconds %.2f\n",
                std::chrono::duration<double>(Clock::now() - start).count());
}

void knnSweep(const RowMatrixXf& features, int threads, int onlyK)
{
    struct Setting {
        int m, efConstruction, ef;
    };
    const std::vector<Setting> settings = {
        {0, 0, 0}, // the defaults
        {8, 32, 0},   {8, 64, 0},   {12, 32, 0},  {12, 48, 0},  {12, 64, 0},
        {16, 32, 0},  {16, 64, 0},  {24, 32, 0},  {16, 32, 30}, {16, 32, 60},
        {8, 32, 20},  {8, 32, 30},  {12, 32, 20}, {12, 32, 30}, {16, 32, 20},
        {16, 24, 30}, {12, 24, 30}, {16, 48, 25}, {16, 64, 20}, {16, 64, 30},
    };
    // Wall seconds, and CPU seconds of all threads (steadier on a busy machine).
    std::printf("%4s %6s %5s %5s %8s %8s %8s\n", "k", "M", "efC", "ef", "recall", "seconds", "cpu");
    for (const int k : {14, 90}) {
        if (onlyK > 0 && k != onlyK)
            continue;
        auto start = Clock::now();
        const projection::KnnGraph exact = projection::exactKnnGraph(features, k, threads);
        std::printf("%4d %6s %5s %5s %8s %8.2f\n", k, "exact", "-", "-", "1",
                    std::chrono::duration<double>(Clock::now() - start).count());
        for (const Setting& s : settings) {
            projection::KnnConfig config;
            config.k = k;
            config.threads = threads;
            config.method = "hnsw";
            config.hnswM = s.m;
            config.hnswEfConstruction = s.efConstruction;
            config.hnswEfSearch = s.ef;
            start = Clock::now();
            const std::clock_t cpuStart = std::clock();
            const projection::KnnGraph approx = projection::buildKnnGraph(features, config);
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            const double cpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
            std::printf("%4d %6s %5s %5s %8.4f %8.2f %8.2f\n", k,
                        s.m ? std::to_string(s.m).c_str() : "def",
                        s.efConstruction ? std::to_string(s.efConstruction).c_str() : "def",
                        s.ef ? std::to_string(s.ef).c_str() : "auto",
                        projection::knnRecall(approx, exact), seconds, cpuSeconds);
            std::fflush(stdout);
        }
    }
}

// The graph UMAP and t-SNE build ("auto"), timed, and its recall against the
// exact one; with `out`, the exact neighbours as an n × k int32 .npy, for a
// peer's recall.
void knnOnce(const RowMatrixXf& features, int threads, int k, const std::string& out)
{
    projection::KnnConfig config;
    config.k = k;
    config.threads = threads;
    auto start = Clock::now();
    const std::clock_t cpuStart = std::clock();
    const projection::KnnGraph graph = projection::buildKnnGraph(features, config);
    std::printf("seconds %.3f\n", std::chrono::duration<double>(Clock::now() - start).count());
    std::printf("cpu_seconds %.3f\n", double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
    start = Clock::now();
    const projection::KnnGraph exact = projection::exactKnnGraph(features, k, threads);
    std::printf("exact_seconds %.3f\n",
                std::chrono::duration<double>(Clock::now() - start).count());
    std::printf("recall %.4f\n", projection::knnRecall(graph, exact));
    if (!out.empty())
        writeNpy(out, exact.indices.data(), exact.n, k, "<i4");
}

// The k nearest of the sampled rows by brute force against all rows (self
// excluded): for the recall of graphs too large for exactKnnGraph.
std::vector<std::vector<std::int32_t>> sampledExactNeighbours(const RowMatrixXf& points,
                                                              const std::vector<int>& rows, int k)
{
    const Eigen::Index n = points.rows();
    const Eigen::VectorXf norms = points.rowwise().squaredNorm();
    RowMatrixXf queries(static_cast<Eigen::Index>(rows.size()), points.cols());
    for (std::size_t q = 0; q < rows.size(); ++q)
        queries.row(static_cast<Eigen::Index>(q)) = points.row(rows[q]);
    std::vector<std::vector<std::pair<float, std::int32_t>>> best(rows.size());
    constexpr Eigen::Index kBlock = 16384;
    for (Eigen::Index b = 0; b < n; b += kBlock) {
        const Eigen::Index m = std::min(kBlock, n - b);
        const Eigen::MatrixXf dots = queries * points.middleRows(b, m).transpose();
        for (std::size_t q = 0; q < rows.size(); ++q) {
            auto& list = best[q];
            for (Eigen::Index j = 0; j < m; ++j) {
                if (b + j == rows[q])
                    continue;
                list.emplace_back(norms[b + j] - 2.0f * dots(static_cast<Eigen::Index>(q), j),
                                  static_cast<std::int32_t>(b + j));
            }
            if (list.size() > std::size_t(8 * k)) {
                std::nth_element(list.begin(), list.begin() + k, list.end());
                list.resize(static_cast<std::size_t>(k));
            }
        }
    }
    std::vector<std::vector<std::int32_t>> out(rows.size());
    for (std::size_t q = 0; q < rows.size(); ++q) {
        std::sort(best[q].begin(), best[q].end());
        for (int j = 0; j < k; ++j)
            out[q].push_back(best[q][static_cast<std::size_t>(j)].second);
    }
    return out;
}

// The graph of `config` on (possibly replicated) features, timed, with its
// recall on 500 sampled rows: the million-point graphs, whose exact graph
// would take hours.
void knnSampled(const RowMatrixXf& features, const projection::KnnConfig& config)
{
    auto start = Clock::now();
    const std::clock_t cpuStart = std::clock();
    double buildSeconds = -1; // HNSW: when its progress says the indexes are built
    const projection::KnnGraph graph = projection::buildKnnGraph(features, config, [&](double f) {
        if (f >= projection::detail::kHnswBuildShare && buildSeconds < 0)
            buildSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        return true;
    });
    std::printf("seconds %.3f\n", std::chrono::duration<double>(Clock::now() - start).count());
    std::printf("build_seconds %.3f\n", buildSeconds);
    std::printf("cpu_seconds %.3f\n", double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
    std::fflush(stdout);
    std::mt19937_64 rng(7);
    std::vector<int> rows(500);
    for (int& r : rows)
        r = static_cast<int>(rng() % static_cast<std::uint64_t>(features.rows()));
    const auto exact = sampledExactNeighbours(features, rows, config.k);
    long long hits = 0;
    for (std::size_t q = 0; q < rows.size(); ++q) {
        std::vector<std::int32_t> truth = exact[q];
        std::sort(truth.begin(), truth.end());
        for (int j = 0; j < config.k; ++j)
            hits += std::binary_search(truth.begin(), truth.end(),
                                       graph.indices[std::size_t(rows[q]) * config.k + j]);
    }
    std::printf("sampled_recall %.4f\n", double(hits) / (double(rows.size()) * config.k));
}

// NN-descent settings against the exact graph, at k = 14 (UMAP's) or 90.
void nnDescentSweep(const RowMatrixXf& features, int threads, int k)
{
    struct Setting {
        int trees, leafSize, candidates, rounds;
    };
    const std::vector<Setting> settings = {
        {0, 0, 0, 12}, // the defaults
        {4, 30, 14, 12}, {8, 30, 14, 12}, {8, 30, 45, 12}, {12, 30, 45, 12}, {8, 30, 60, 12},
    };
    auto start = Clock::now();
    const projection::KnnGraph exact = projection::exactKnnGraph(features, k, threads);
    std::printf("k = %d, exact %.2f s\n", k,
                std::chrono::duration<double>(Clock::now() - start).count());
    std::printf("%5s %5s %5s %6s %8s %8s %8s\n", "trees", "leaf", "cand", "rounds", "recall",
                "seconds", "cpu");
    for (const Setting& s : settings) {
        projection::detail::NnDescentConfig config;
        config.k = k;
        config.threads = threads;
        config.trees = s.trees;
        config.leafSize = s.leafSize;
        config.maxCandidates = s.candidates;
        config.maxRounds = s.rounds;
        start = Clock::now();
        const std::clock_t cpuStart = std::clock();
        const projection::KnnGraph approx = projection::detail::nnDescentGraph(features, config);
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        const double cpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
        std::printf("%5d %5d %5d %6d %8.4f %8.2f %8.2f\n", s.trees, s.leafSize, s.candidates,
                    s.rounds, projection::knnRecall(approx, exact), seconds, cpuSeconds);
        std::fflush(stdout);
    }
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    try {
        RowMatrixXf features = readMatrix(o.features);
        if (o.knnOnce && (o.replicate > features.rows() || !o.parameters.empty())) {
            std::vector<data::ClassLabel> none(static_cast<std::size_t>(features.rows()));
            if (o.replicate > features.rows())
                replicate(features, none, o.replicate, o.noise, o.seed);
            projection::KnnConfig config;
            config.k = o.sweepK > 0 ? o.sweepK : 14;
            config.threads = o.threads;
            for (const auto& [key, value] : o.parameters) {
                if (key == "nndescent")
                    config.method = value > 0 ? "nndescent" : "hnsw";
                else if (key == "m")
                    config.hnswM = int(value);
                else if (key == "efc")
                    config.hnswEfConstruction = int(value);
                else if (key == "ef")
                    config.hnswEfSearch = int(value);
                else
                    throw std::invalid_argument("--knn: unknown parameter " + key);
            }
            knnSampled(features, config);
            return 0;
        }
        if (o.knnOnce) {
            knnOnce(features, o.threads, o.sweepK > 0 ? o.sweepK : 14, o.out);
            return 0;
        }
        if (o.nnDescentSweep) {
            nnDescentSweep(features, o.threads, o.sweepK > 0 ? o.sweepK : 14);
            return 0;
        }
        if (o.knnSweep) {
            knnSweep(features, o.threads, o.sweepK);
            return 0;
        }
        std::vector<data::ClassLabel> labels = readLabels(o.labels);
        if (static_cast<Eigen::Index>(labels.size()) != features.rows())
            throw std::runtime_error(o.labels + ": " + std::to_string(labels.size()) +
                                     " labels for " + std::to_string(features.rows()) +
                                     " feature rows");
        if (o.replicate > features.rows())
            replicate(features, labels, o.replicate, o.noise, o.seed);

        if (!o.evaluate.empty()) {
            const RowMatrixXf layout = readMatrix(o.evaluate);
            if (layout.rows() != features.rows() || layout.cols() != 2)
                throw std::runtime_error(
                    o.evaluate + ": expected " + std::to_string(features.rows()) + "×2, got " +
                    std::to_string(layout.rows()) + "×" + std::to_string(layout.cols()));
            std::printf("layout %s\npoints %lld\n", o.evaluate.c_str(),
                        static_cast<long long>(layout.rows()));
            printQuality(features, layout, labels, o.threads);
            return 0;
        }

        auto projector = projection::makeProjector(o.method, o.parameters, o.seed, o.threads);
        // Time per progress stage: the first report of a stage starts it.
        std::map<std::string, double> stageSeconds;
        std::string stage;
        auto stageStart = Clock::now();
        const auto start = Clock::now();
        const std::clock_t cpuStart = std::clock(); // all threads of the process
        const projection::ProgressCallback progress = [&](const projection::ProjectionProgress& p) {
            if (p.stage != stage) {
                const auto now = Clock::now();
                if (!stage.empty())
                    stageSeconds[stage] += std::chrono::duration<double>(now - stageStart).count();
                stage = p.stage;
                stageStart = now;
            }
            return true;
        };
        const projection::Projection result =
            projector->project(features, RowMatrixXf(0, features.cols()), progress);
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        const double cpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
        if (!stage.empty())
            stageSeconds[stage] += std::chrono::duration<double>(Clock::now() - stageStart).count();

        std::printf(
            "method %s\npoints %lld\ndims %lld\nthreads %d\nseconds %.3f\ncpu_seconds %.3f\n",
            o.method.c_str(), static_cast<long long>(features.rows()),
            static_cast<long long>(features.cols()), o.threads, seconds, cpuSeconds);
        for (const auto& [name, s] : stageSeconds)
            std::printf("seconds_%s %.3f\n", name.c_str(), s);
        for (const auto& [name, v] : result.parameters)
            std::printf("parameter_%s %g\n", name.c_str(), v);
        if (!o.out.empty())
            writeMatrix(o.out, result.train);
        printQuality(features, result.train, labels, o.threads);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_projection: %s\n", e.what());
        return 1;
    }
    return 0;
}
