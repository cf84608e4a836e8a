#include "core/projection/neighbour_embedding.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace mnistx::projection::detail
{

namespace
{

// Steps of the affinity stage: the affinities' two halves (the method reports
// the first), the second half including the starting map.
constexpr int kAffinitySteps = 2;
// Steps of the kNN stage: per cent.
constexpr int kKnnSteps = 100;

} // namespace

void checkPoints(const RowMatrixXf& points, const char* method, int minPoints)
{
    const std::string name(method);
    if (points.rows() < minPoints)
        throw std::invalid_argument(name + ": needs at least " + std::to_string(minPoints) +
                                    " points (got " + std::to_string(points.rows()) + ")");
    if (points.cols() < 1)
        throw std::invalid_argument(name + ": the points have no features");
    if (!points.allFinite())
        throw std::invalid_argument(name + ": a feature value is NaN or infinite");
}

RowMatrixXf embedNeighbourGraph(const RowMatrixXf& points, const NeighbourEmbeddingPlan& plan,
                                NeighbourEmbedding& method, const ProgressCallback& progress)
{
    ProgressReporter reporter(progress);
    WorkerPool pool(plan.threads);

    reporter.setShare(0.0, plan.knnShareEnd);
    reporter.setStage("knn", kKnnSteps);
    reporter.report();
    KnnConfig knn = plan.knn;
    knn.threads = pool.threads();
    {
        // The graph goes before the layout starts (at 10^6 points it is
        // hundreds of MB).
        const auto graph = std::make_shared<const KnnGraph>(
            buildKnnGraph(points, knn, [&reporter](double fraction) {
                reporter.setIteration(static_cast<int>(std::lround(kKnnSteps * fraction)));
                return reporter.call();
            }));
        if (plan.keepGraph)
            *plan.keepGraph = graph;
        reporter.setIteration(kKnnSteps);
        reporter.report();

        reporter.setShare(plan.knnShareEnd, plan.affinityShareEnd);
        reporter.setStage(plan.affinityStage, kAffinitySteps);
        reporter.report();
        method.buildAffinities(*graph, pool, reporter);
    }
    const RowMatrixXf initial = method.initialLayout(points, pool, reporter);
    reporter.setIteration(kAffinitySteps);
    reporter.report();

    reporter.setShare(plan.affinityShareEnd, 1.0);
    return method.optimise(initial, pool, reporter);
}

} // namespace mnistx::projection::detail
