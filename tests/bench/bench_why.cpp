// "Why" benchmark on a stored run and its MNIST:
//   heat maps for one sample, all classes     ≤ 200 ms
//   feature index over 70,000 features        build ≤ 5 s, query ≤ 5 ms
//   label-candidate ranking over 70,000        ≤ 5 s
// plus metadata + insights and the index's recall against exact search.
// Prints "key value" lines (seconds unless the key says otherwise) for
// tests/bench/run_why_bench.sh. With --top-validation N it also writes the N
// best validation label candidates to --candidates-out (CSV) for a contact
// sheet.
//
// Usage: bench_why RUN_DIR [--threads T] [--ef EF] [--top-validation N --candidates-out FILE]
#include "core/data/idx_reader.h"
#include "core/model/classifier.h"
#include "core/pipeline/headless.h"
#include "core/store/run_store.h"
#include "core/why/feature_index.h"
#include "core/why/heat_maps.h"
#include "core/why/insights.h"
#include "core/why/label_errors.h"
#include "core/why/sample_metadata.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace mnistx;
using Clock = std::chrono::steady_clock;

namespace
{

double since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double percentile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
}

void line(const char* key, double value)
{
    std::printf("%-32s %.6g\n", key, value);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_why RUN_DIR [--threads T] [--ef EF] [--top-validation N "
                             "--candidates-out FILE]\n");
        return 2;
    }
    const std::string runDir = argv[1];
    int threads = 2;
    int topValidation = 0;
    int ef = 0; // 0: the index's default search width
    std::string candidatesOut;
    for (int a = 2; a + 1 < argc; a += 2) {
        const std::string key = argv[a];
        if (key == "--threads")
            threads = std::atoi(argv[a + 1]);
        else if (key == "--ef")
            ef = std::atoi(argv[a + 1]);
        else if (key == "--top-validation")
            topValidation = std::atoi(argv[a + 1]);
        else if (key == "--candidates-out")
            candidatesOut = argv[a + 1];
    }
    try {
        pipeline::configureThreads(threads);
        auto start = Clock::now();
        const store::RunData run = store::loadRun(runDir);
        line("load_run", since(start));
        start = Clock::now();
        const data::DatasetSplits mnist = data::loadMnistFolder(run.dataFolder);
        line("load_mnist", since(start));
        const int n = run.train.sampleCount() + run.validation.sampleCount();
        line("samples", n);
        line("threads", threads);

        // Heat maps: 10 warm-up samples, then 100 validation samples.
        model::Classifier classifier = model::Classifier::fromBytes(run.modelBytes, runDir);
        for (int i = 0; i < 10; ++i)
            why::computeHeatMaps(classifier, mnist.validation.image(i), mnist.validation.shape(),
                                 mnist.validation.labels[static_cast<std::size_t>(i)]);
        std::vector<double> heat;
        for (int i = 0; i < 100; ++i) {
            start = Clock::now();
            why::computeHeatMaps(classifier, mnist.validation.image(100 + i),
                                 mnist.validation.shape(),
                                 mnist.validation.labels[static_cast<std::size_t>(100 + i)]);
            heat.push_back(since(start));
        }
        line("heatmap_ms_median", 1000 * percentile(heat, 0.5));
        line("heatmap_ms_p95", 1000 * percentile(heat, 0.95));

        // Feature index.
        why::FeatureIndexConfig indexConfig;
        indexConfig.threads = threads;
        if (ef > 0)
            indexConfig.hnswEfSearch = ef;
        start = Clock::now();
        const why::FeatureIndex index(run.train.features, run.validation.features, indexConfig);
        const double buildSeconds = since(start);
        line("index_build", buildSeconds);

        std::mt19937_64 rng(1);
        std::vector<int> queries(2000);
        for (int& q : queries)
            q = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
        std::vector<double> queryTimes;
        for (int q : queries) {
            start = Clock::now();
            index.nearest(q, 10);
            queryTimes.push_back(since(start));
        }
        line("query_k10_ms_median", 1000 * percentile(queryTimes, 0.5));
        line("query_k10_ms_p99", 1000 * percentile(queryTimes, 0.99));
        line("query_k10_ms_max", 1000 * percentile(queryTimes, 1.0));

        // Recall@10 against the exhaustive search on the same queries.
        why::FeatureIndexConfig exactConfig;
        exactConfig.method = "exact";
        const why::FeatureIndex exact(run.train.features, run.validation.features, exactConfig);
        long long found = 0;
        std::vector<double> exactTimes;
        for (int q : queries) {
            auto a = index.nearest(q, 10).ids;
            start = Clock::now();
            auto e = exact.nearest(q, 10).ids;
            exactTimes.push_back(since(start));
            std::sort(a.begin(), a.end());
            std::sort(e.begin(), e.end());
            std::vector<int> common;
            std::set_intersection(a.begin(), a.end(), e.begin(), e.end(),
                                  std::back_inserter(common));
            found += static_cast<long long>(common.size());
        }
        line("recall_at_10", double(found) / (10.0 * queries.size()));
        line("exact_query_k10_ms_median", 1000 * percentile(exactTimes, 0.5));

        // Ranking: the neighbour graph, then the ranking itself.
        why::LabelErrorConfig rankConfig;
        rankConfig.threads = threads;
        start = Clock::now();
        const why::NeighbourGraph graph = index.neighbourGraph(rankConfig.neighbours, threads);
        const double graphSeconds = since(start);
        line("neighbour_graph_k10", graphSeconds);
        start = Clock::now();
        const auto candidates = why::rankLabelCandidates(run, graph, rankConfig);
        const double rankSeconds = since(start);
        line("rank_given_graph", rankSeconds);
        line("rank_total_with_graph", graphSeconds + rankSeconds);
        line("rank_total_from_features", buildSeconds + graphSeconds + rankSeconds);
        line("candidates", static_cast<double>(candidates.size()));

        start = Clock::now();
        const auto trainMeta =
            why::computeMetadata(run.train, mnist.train.image(0), mnist.train.valuesPerImage());
        const auto validationMeta = why::computeMetadata(run.validation, mnist.validation.image(0),
                                                         mnist.validation.valuesPerImage());
        line("metadata", since(start));
        start = Clock::now();
        const auto insights = why::findRunInsights(run, trainMeta, validationMeta);
        line("insights", since(start));
        line("insight_count", static_cast<double>(insights.size()));
        for (const auto& in : insights)
            std::printf("# %s\n", in.sentence.c_str());

        if (topValidation > 0 && !candidatesOut.empty()) {
            std::ofstream out(candidatesOut);
            out << "rank,index,given_label,suggested_label,score,self_confidence,"
                   "neighbour_given_share,neighbour_suggested_share\n";
            int rank = 0;
            for (const auto& c : candidates) {
                if (c.subset != analysis::Subset::Validation)
                    continue;
                out << rank + 1 << ',' << c.index << ',' << c.givenLabel << ',' << c.suggestedLabel
                    << ',' << c.score << ',' << c.selfConfidence << ',' << c.neighbourGivenShare
                    << ',' << c.neighbourSuggestedShare << '\n';
                if (++rank == topValidation)
                    break;
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_why: %s\n", e.what());
        return 1;
    }
    return 0;
}
