// Population map benchmark, printed as "key value" lines
// for tests/bench/run_map_bench.sh:
//   repaint: a full repaint of a 1600×1000 map with the cache invalidated
//     first (every dot re-rasterised, then blitted to the offscreen backing
//     store): median over N repaints. Targets: 16 ms at 70,000 dots, 100 ms
//     at 1,000,000.
//   pick: PopulationMap::pickAt (what a hover does) at random positions,
//     half of them on dots: median and 99th percentile. Target: 1 ms.
//   lasso: selecting with a 200-vertex lasso over the middle of the map.
// The 70,000-dot map is the newest stored run in runs/ (or --run DIR) when it
// loads, else synthetic: 10 Gaussian clusters, 1.5 % misclassified.
#include "ui/explorer_session.h"
#include "ui/map/population_map.h"

#if __has_include("core/store/run_store.h")
#include "core/store/run_library.h"
#include "core/store/run_store.h"
#define MNISTX_BENCH_HAS_RUN_STORE 1
#endif

#include <QApplication>
#include <QPolygonF>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace mnistx;
using Clock = std::chrono::steady_clock;

namespace
{

double ms(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5));
    return v[k];
}

// Only what the map reads: labels, predictions, losses, the projection.
std::shared_ptr<const store::RunData> syntheticRun(int count, std::uint64_t seed)
{
    auto run = std::make_shared<store::RunData>();
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::exponential_distribution<float> smallLoss(1.0f / 0.02f); // mean 0.02 nats
    std::exponential_distribution<float> largeLoss(1.0f / 1.5f);
    const int validation = count / 7; // MNIST's 60k/10k split
    const int train = count - validation;
    auto fill = [&](analysis::SubsetAnalysis& a, RowMatrixXf& positions, int n,
                    analysis::Subset subset) {
        a.subset = subset;
        a.classCount = 10;
        a.labels.resize(static_cast<size_t>(n));
        a.predictions.resize(static_cast<size_t>(n));
        a.losses.resize(static_cast<size_t>(n));
        positions.resize(n, 2);
        for (int i = 0; i < n; ++i) {
            const int label = static_cast<int>(uniform(rng) * 10) % 10;
            const bool wrong = uniform(rng) < 0.015f;
            const int pred = wrong ? (label + 1 + static_cast<int>(uniform(rng) * 9)) % 10 : label;
            a.labels[static_cast<size_t>(i)] = static_cast<std::uint8_t>(label);
            a.predictions[static_cast<size_t>(i)] = static_cast<std::uint8_t>(pred);
            a.losses[static_cast<size_t>(i)] = wrong ? 0.7f + largeLoss(rng) : smallLoss(rng);
            // t-SNE-like: tight clusters on a ring; errors sit in the
            // predicted class's cluster.
            const double angle = 2.0 * M_PI * pred / 10.0;
            positions(i, 0) = static_cast<float>(40.0 * std::cos(angle)) + 5.0f * gauss(rng);
            positions(i, 1) = static_cast<float>(40.0 * std::sin(angle)) + 5.0f * gauss(rng);
        }
    };
    fill(run->train, run->projection.train, train, analysis::Subset::Train);
    fill(run->validation, run->projection.validation, validation, analysis::Subset::Validation);
    run->projection.method = "synthetic";
    run->trainCount = train;
    run->validationCount = validation;
    return run;
}

#ifdef MNISTX_BENCH_HAS_RUN_STORE
template <typename T> std::shared_ptr<const store::RunData> shared(T&& loaded)
{
    if constexpr (std::is_same_v<std::decay_t<T>, store::RunData>)
        return std::make_shared<const store::RunData>(std::forward<T>(loaded));
    else
        return std::shared_ptr<const store::RunData>(std::forward<T>(loaded));
}
#endif

std::shared_ptr<const store::RunData> storedRun(const std::string& dir, std::string& source)
{
#ifdef MNISTX_BENCH_HAS_RUN_STORE
    if (std::filesystem::exists(std::filesystem::path(dir) / "run.bin")) {
        try {
            auto run = shared(store::loadRun(dir));
            source = "stored run " + dir;
            return run;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "could not load %s (%s): using a synthetic map\n", dir.c_str(),
                         e.what());
        }
    }
#else
    (void)dir;
#endif
    (void)source;
    return nullptr;
}

struct Result {
    double repaintMedian = 0, repaintP90 = 0, rasterMedian = 0;
    double pickMedian = 0, pickP99 = 0, lassoMs = 0;
    double pickZoomedOutMedian = 0, pickZoomedOutP99 = 0;
    int lassoCount = 0;
};

Result measure(const std::shared_ptr<const store::RunData>& run, int repaints, int picks)
{
    ui::ExplorerSession session;
    session.setRun(run, nullptr);
    ui::PopulationMap map(&session);
    map.setBackgroundRendering(false); // the render itself is measured, in the paint
    map.resize(1600, 1000);
    map.show();
    for (int i = 0; i < 5; ++i)
        QApplication::processEvents(); // expose and first paint
    map.repaint();                     // warm-up: sprites, backing store

    Result r;
    std::vector<double> total, raster;
    for (int i = 0; i < repaints; ++i) {
        map.invalidateCache();
        const auto t0 = Clock::now();
        map.repaint();
        total.push_back(ms(t0, Clock::now()));
        raster.push_back(map.lastRenderMilliseconds());
    }
    r.repaintMedian = percentile(total, 0.5);
    r.repaintP90 = percentile(total, 0.9);
    r.rasterMedian = percentile(raster, 0.5);

    std::mt19937 rng(3);
    std::uniform_int_distribution<int> anyId(0, session.sampleCount() - 1);
    std::uniform_real_distribution<double> x(0, map.width()), y(0, map.height()), jitter(-4, 4);
    std::vector<QPointF> points;
    for (int i = 0; i < picks; ++i)
        points.push_back(i % 2 ? QPointF(x(rng), y(rng))
                               : map.mapToScreen(anyId(rng)) + QPointF(jitter(rng), jitter(rng)));
    map.pickAt(points.front()); // builds the grid (once per layout)
    std::vector<double> pickTimes;
    int hits = 0;
    for (const QPointF& p : points) {
        const auto t0 = Clock::now();
        hits += map.pickAt(p) >= 0;
        pickTimes.push_back(ms(t0, Clock::now()));
    }
    r.pickMedian = percentile(pickTimes, 0.5);
    r.pickP99 = percentile(pickTimes, 0.99);
    if (hits == 0)
        std::fprintf(stderr, "warning: no pick hit a dot\n");

    // The worst case for a hover: zoomed out as far as the map goes, every
    // dot crowded into a quarter of the plot, so a pick's neighbourhood holds
    // 16× as many dots (and picking takes the one drawn on top of them).
    map.zoomBy(0.01, map.view().plotRect.center());
    std::vector<double> crowdedTimes;
    for (int i = 0; i < picks; ++i) {
        const QPointF p = map.mapToScreen(anyId(rng)) + QPointF(jitter(rng), jitter(rng));
        const auto t0 = Clock::now();
        hits += map.pickAt(p) >= 0;
        crowdedTimes.push_back(ms(t0, Clock::now()));
    }
    r.pickZoomedOutMedian = percentile(crowdedTimes, 0.5);
    r.pickZoomedOutP99 = percentile(crowdedTimes, 0.99);
    map.resetView();

    QPolygonF lasso;
    const QPointF c = map.view().plotRect.center();
    for (int k = 0; k < 200; ++k) {
        const double a = 2 * M_PI * k / 200, radius = (k % 2 ? 260.0 : 330.0);
        lasso << c + QPointF(radius * std::cos(a), radius * std::sin(a));
    }
    const auto t0 = Clock::now();
    r.lassoCount = map.samplesInPolygon(lasso).size();
    r.lassoMs = ms(t0, Clock::now());
    return r;
}

void print(const char* prefix, int dots, const Result& r, double repaintTarget)
{
    std::printf("%s_dots %d\n", prefix, dots);
    std::printf("%s_repaint_median_ms %.2f\n", prefix, r.repaintMedian);
    std::printf("%s_repaint_p90_ms %.2f\n", prefix, r.repaintP90);
    std::printf("%s_raster_median_ms %.2f\n", prefix, r.rasterMedian);
    std::printf("%s_repaint_target_ms %.0f\n", prefix, repaintTarget);
    std::printf("%s_repaint_ratio_to_target %.2f\n", prefix, r.repaintMedian / repaintTarget);
    std::printf("%s_pick_median_ms %.4f\n", prefix, r.pickMedian);
    std::printf("%s_pick_p99_ms %.4f\n", prefix, r.pickP99);
    std::printf("%s_pick_ratio_to_target %.3f\n", prefix, r.pickMedian / 1.0);
    std::printf("%s_pick_zoomed_out_median_ms %.4f\n", prefix, r.pickZoomedOutMedian);
    std::printf("%s_pick_zoomed_out_p99_ms %.4f\n", prefix, r.pickZoomedOutP99);
    std::printf("%s_lasso_ms %.2f\n", prefix, r.lassoMs);
    std::printf("%s_lasso_selected %d\n", prefix, r.lassoCount);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::string runDir = store::latestRun("runs");
    int repaints = 50;
    int picks = 2000;
    bool large = true;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--run") && i + 1 < argc)
            runDir = argv[++i];
        else if (!std::strcmp(argv[i], "--repaints") && i + 1 < argc)
            repaints = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--no-million"))
            large = false;
        else {
            std::fprintf(stderr, "usage: %s [--run DIR] [--repaints N] [--no-million]\n", argv[0]);
            return 2;
        }
    }
    QApplication app(argc, argv);

    std::string source = "synthetic, 10 clusters";
    auto run = storedRun(runDir, source);
    if (!run)
        run = syntheticRun(70000, 1);
    const int dots = run->train.sampleCount() + run->validation.sampleCount();
    std::fprintf(stderr, "map of %d dots (%s) at 1600x1000, %d repaints\n", dots, source.c_str(),
                 repaints);
    print("mnist", dots, measure(run, repaints, picks), 16.0);

    if (large) {
        std::fprintf(stderr, "map of 1,000,000 synthetic dots at 1600x1000\n");
        print("million", 1000000, measure(syntheticRun(1000000, 2), std::min(repaints, 20), picks),
              100.0);
    }
    return 0;
}
