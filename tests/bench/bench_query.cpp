// The query language's speed: compiling and evaluating expressions
// (core/query/sample_query.h) over a synthetic run of N samples, against a
// hand-written loop over the same arrays that computes the same flags (the
// floor an interpreter can approach). Run by run_query_bench.sh.
//
//   bench_query [N]      default 1,000,000 samples, 10 classes
//
// Prints "key value" lines per expression: query_ms (best of 7, compile and
// evaluate), loop_ms (best of 7), ratio (query / loop), matches (equal for
// both, checked).

#include "core/query/sample_query.h"
#include "repeated_timing.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <random>
#include <string>

using namespace mnistx;

namespace
{

void fill(analysis::SubsetAnalysis& a, int n, std::mt19937& rng, RowMatrixXf& xy)
{
    const int C = 10;
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    a.classCount = C;
    a.labels.resize(static_cast<std::size_t>(n));
    a.predictions.resize(static_cast<std::size_t>(n));
    a.nearestCentroid.resize(static_cast<std::size_t>(n));
    a.losses.resize(static_cast<std::size_t>(n));
    a.probabilities.resize(n, C);
    a.centroidDistances.resize(n, C);
    xy.resize(n, 2);
    for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        a.labels[k] = static_cast<data::ClassLabel>(rng() % C);
        a.predictions[k] = rng() % 20 == 0 ? static_cast<data::ClassLabel>(rng() % C) : a.labels[k];
        a.nearestCentroid[k] = static_cast<data::ClassLabel>(rng() % C);
        a.losses[k] = -std::log(std::max(1e-6f, u(rng)));
        for (int c = 0; c < C; ++c) {
            a.probabilities(i, c) = u(rng) / C;
            a.centroidDistances(i, c) = 4.0f + 6.0f * u(rng);
        }
        xy(i, 0) = u(rng);
        xy(i, 1) = u(rng);
    }
}

struct Case {
    const char* expression;
    std::function<bool(const analysis::SubsetAnalysis&, int, bool)> loop;
};

} // namespace

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
    std::mt19937 rng(7);
    store::RunData run;
    const int train = n * 6 / 7;
    fill(run.train, train, rng, run.projection.train);
    fill(run.validation, n - train, rng, run.projection.validation);
    run.validation.subset = analysis::Subset::Validation;

    const std::vector<Case> cases = {
        {"loss > 2 and label == 4",
         [](const analysis::SubsetAnalysis& a, int i, bool) {
             return a.losses[static_cast<std::size_t>(i)] > 2.0f && a.labels[i] == 4;
         }},
        {"subset == validation and prediction != label",
         [](const analysis::SubsetAnalysis& a, int i, bool v) {
             return v && a.predictions[i] != a.labels[i];
         }},
        {"dist_own > 9 or not correct",
         [](const analysis::SubsetAnalysis& a, int i, bool) {
             return a.centroidDistances(i, a.labels[i]) > 9.0f || a.predictions[i] != a.labels[i];
         }},
        {"dist_pred < dist_own - 0.5 and (label == 1 or label == 7)",
         [](const analysis::SubsetAnalysis& a, int i, bool) {
             return a.centroidDistances(i, a.predictions[i]) <
                        float(double(a.centroidDistances(i, a.labels[i])) - 0.5) &&
                    (a.labels[i] == 1 || a.labels[i] == 7);
         }},
    };
    std::cout << "samples " << n << "\n";
    for (const Case& c : cases) {
        std::vector<std::uint8_t> flags;
        const auto query = bench::timeRepeatedly(
            7, [&] { flags = query::SampleQuery(c.expression, run).matchFlags(); });
        std::vector<std::uint8_t> expected;
        const auto loop = bench::timeRepeatedly(7, [&] {
            expected.assign(static_cast<std::size_t>(n), 0);
            for (int id = 0; id < n; ++id) {
                const bool v = id >= train;
                expected[static_cast<std::size_t>(id)] =
                    c.loop(v ? run.validation : run.train, v ? id - train : id, v);
            }
        });
        if (flags != expected) {
            std::cerr << "bench_query: the query and the loop disagree on " << c.expression << "\n";
            return 1;
        }
        long long matches = 0;
        for (const std::uint8_t f : flags)
            matches += f;
        std::cout << "expression " << c.expression << "\n"
                  << "  query_ms " << 1e3 * query.front() << "\n"
                  << "  loop_ms " << 1e3 * loop.front() << "\n"
                  << "  ratio " << query.front() / loop.front() << "\n"
                  << "  matches " << matches << "\n";
    }
    return 0;
}
