#include "core/projection/umap.h"

#include "core/projection/keyed_random.h"
#include "core/projection/neighbour_embedding.h"
#include "core/projection/umap_steps.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::projection
{

namespace
{

// umap-learn's epoch defaults: small data sets get more epochs because each
// epoch is cheap and the layout visibly improves up to ~500.
constexpr int kSmallDataEpochs = 500;
constexpr int kLargeDataEpochs = 200;
constexpr int kSmallDataUpTo = 10000;
// The initial map spans [0, 10] per axis: umap-learn normalises every
// initialisation to that range, and its gradients (clip 4, min_dist 0.1) are
// tuned to maps of this size.
constexpr float kInitialExtent = 10.0f;
// Noise added to the initial map (map units): separates points with identical
// features, whose repulsion would otherwise push them all the same way
// (umap-learn adds the same amount to its spectral initialisation).
constexpr float kInitialNoise = 1e-4f;
// Rows per task of the PCA covariance product (2 MB of 64-D rows per task).
constexpr int kPcaRowChunk = 8192;
// Where each step of umapEmbed ends on the progress bar (ProjectionProgress::
// fraction): the measured stage times on MNIST's 70,000 features, kNN graph
// 4.3 s, fuzzy graph 0.2 s, layout 7.1 s (docs/PERFORMANCE.md).
constexpr double kKnnShareEnd = 0.37;
constexpr double kGraphShareEnd = 0.39;

// ---------------------------------------------------------------------------
// Initialisation.

// Scales each axis to [0, kInitialExtent] and adds the tie-breaking noise.
void normaliseInitialLayout(RowMatrixXf& map, std::uint64_t seed)
{
    for (Eigen::Index c = 0; c < map.cols(); ++c) {
        const float lo = map.col(c).minCoeff();
        const float hi = map.col(c).maxCoeff();
        const float scale = hi > lo ? kInitialExtent / (hi - lo) : 0.0f;
        map.col(c) = ((map.col(c).array() - lo) * scale).matrix();
    }
    for (Eigen::Index i = 0; i < map.rows(); ++i) {
        detail::KeyedRandom random(seed, detail::kStreamInitialNoise,
                                   static_cast<std::uint64_t>(i));
        for (Eigen::Index c = 0; c < map.cols(); ++c)
            map(i, c) += kInitialNoise * static_cast<float>(2.0 * random.uniform() - 1.0);
    }
}

RowMatrixXf pcaLayout(const RowMatrixXf& points, const TaskRunner& run)
{
    const Eigen::Index n = points.rows();
    const Eigen::Index d = points.cols();
    const Eigen::RowVectorXd mean = points.cast<double>().colwise().mean();
    const Eigen::RowVectorXf meanF = mean.cast<float>();

    // Covariance by blocks of rows in fixed task order (float products of the
    // centred rows, summed in double), independent of the thread count.
    const int tasks = static_cast<int>((n + kPcaRowChunk - 1) / kPcaRowChunk);
    std::vector<Eigen::MatrixXd> partial(static_cast<std::size_t>(tasks));
    run(tasks, [&](int task) {
        const Eigen::Index r0 = Eigen::Index(task) * kPcaRowChunk;
        const Eigen::Index rn = std::min<Eigen::Index>(kPcaRowChunk, n - r0);
        const RowMatrixXf centred = points.middleRows(r0, rn).rowwise() - meanF;
        Eigen::MatrixXf product = Eigen::MatrixXf::Zero(d, d);
        product.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
        partial[static_cast<std::size_t>(task)] = product.cast<double>();
    });
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(d, d);
    for (const auto& p : partial)
        covariance += p;
    covariance = covariance.selfadjointView<Eigen::Lower>();

    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    // Eigenvalues ascend: the last columns are the leading components.
    Eigen::MatrixXf components = Eigen::MatrixXf::Zero(d, 2);
    for (int c = 0; c < 2 && c < d; ++c) {
        Eigen::VectorXd v = solver.eigenvectors().col(d - 1 - c);
        // Eigenvectors have no sign: make the largest coefficient positive so
        // that the map does not flip between platforms or library versions.
        Eigen::Index largest = 0;
        v.cwiseAbs().maxCoeff(&largest);
        if (v[largest] < 0)
            v = -v;
        components.col(c) = v.cast<float>();
    }
    RowMatrixXf map(n, 2);
    run(tasks, [&](int task) {
        const Eigen::Index r0 = Eigen::Index(task) * kPcaRowChunk;
        const Eigen::Index rn = std::min<Eigen::Index>(kPcaRowChunk, n - r0);
        map.middleRows(r0, rn).noalias() =
            (points.middleRows(r0, rn).rowwise() - meanF) * components;
    });
    return map;
}

RowMatrixXf randomLayout(Eigen::Index n, std::uint64_t seed)
{
    RowMatrixXf map(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) {
        detail::KeyedRandom random(seed, detail::kStreamRandomInit, static_cast<std::uint64_t>(i));
        map(i, 0) = static_cast<float>(random.uniform());
        map(i, 1) = static_cast<float>(random.uniform());
    }
    return map;
}

// The starting map for points (n×d, feature space, finite): PCA or random,
// normalised.
RowMatrixXf startMap(const RowMatrixXf& points, const UmapConfig& config, const TaskRunner& run)
{
    RowMatrixXf map = config.initialisation == UmapInitialisation::Pca
                          ? pcaLayout(points, run)
                          : randomLayout(points.rows(), config.seed);
    normaliseInitialLayout(map, config.seed);
    return map;
}

// UMAP's part of the shared flow: fuzzy simplicial set, PCA or random start,
// SGD.
class UmapSteps : public detail::NeighbourEmbedding
{
public:
    explicit UmapSteps(const UmapConfig& config) : m_config(config) {}

    void buildAffinities(const KnnGraph& graph, detail::WorkerPool& pool,
                         detail::ProgressReporter& reporter) override
    {
        const TaskRunner run = pool.runner(reporter.poll());
        const SmoothKnn calibration =
            detail::smoothKnnCalibration(graph, m_config.localConnectivity, run);
        m_graph = detail::fuzzySimplicialSet(graph, calibration, run);
        reporter.setIteration(1);
        reporter.report();
    }
    RowMatrixXf initialLayout(const RowMatrixXf& points, detail::WorkerPool& pool,
                              detail::ProgressReporter& reporter) override
    {
        return startMap(points, m_config, pool.runner(reporter.poll()));
    }
    RowMatrixXf optimise(const RowMatrixXf& initial, detail::WorkerPool& pool,
                         detail::ProgressReporter& reporter) override
    {
        return detail::umapLayout(m_graph, initial, m_config, pool, reporter);
    }

private:
    const UmapConfig& m_config;
    FuzzyGraph m_graph;
};

} // namespace

void validateUmapConfig(const UmapConfig& c)
{
    auto fail = [](const std::string& what) { throw std::invalid_argument("UMAP: " + what); };
    if (c.nNeighbors < 2)
        fail("n_neighbors must be at least 2 (got " + std::to_string(c.nNeighbors) + ")");
    if (!(c.spread > 0) || !std::isfinite(c.spread))
        fail("spread must be positive (got " + std::to_string(c.spread) + ")");
    if (!(c.minDist >= 0) || c.minDist > c.spread)
        fail("min_dist must be in [0, spread] (got " + std::to_string(c.minDist) + ")");
    if (c.epochs < 0)
        fail("epochs must be ≥ 0 (got " + std::to_string(c.epochs) + ")");
    if (!(c.learningRate > 0) || !std::isfinite(c.learningRate))
        fail("learning rate must be positive (got " + std::to_string(c.learningRate) + ")");
    if (c.negativeSampleRate < 0)
        fail("negative sample rate must be ≥ 0");
    if (!(c.repulsionStrength >= 0) || !std::isfinite(c.repulsionStrength))
        fail("repulsion strength must be ≥ 0");
    if (!(c.localConnectivity >= 0) || !std::isfinite(c.localConnectivity))
        fail("local connectivity must be ≥ 0");
    if (c.threads < 0)
        fail("threads must be ≥ 0");
    if (c.layoutEvery < 1)
        fail("layoutEvery must be at least 1");
    if (c.knnMethod != "auto" && c.knnMethod != "nndescent" && c.knnMethod != "hnsw" &&
        c.knnMethod != "exact")
        fail("unknown kNN method '" + c.knnMethod + "' (known: auto, nndescent, hnsw, exact)");
}

int detail::umapEpochs(int epochs, int n)
{
    if (epochs > 0)
        return epochs;
    return n <= kSmallDataUpTo ? kSmallDataEpochs : kLargeDataEpochs;
}

RowMatrixXf umapInitialLayout(const RowMatrixXf& points, const UmapConfig& config)
{
    validateUmapConfig(config);
    if (points.rows() < 1 || points.cols() < 1)
        throw std::invalid_argument("UMAP: no points to lay out");
    detail::WorkerPool pool(config.threads);
    return startMap(points, config, pool.runner());
}

RowMatrixXf umapEmbed(const RowMatrixXf& points, const UmapConfig& config,
                      const ProgressCallback& progress, std::shared_ptr<const KnnGraph>* neighbours)
{
    validateUmapConfig(config);
    detail::checkPoints(points, "UMAP", 2);
    UmapSteps steps(config);
    // n_neighbors counts the point itself.
    const int k = static_cast<int>(std::min<Eigen::Index>(config.nNeighbors, points.rows()) - 1);
    const auto plan = detail::neighbourEmbeddingPlan(config, k, "graph", kKnnShareEnd,
                                                     kGraphShareEnd, neighbours);
    return detail::embedNeighbourGraph(points, plan, steps, progress);
}

std::map<std::string, double> UmapProjector::parameters(int n) const
{
    return {
        {"n_neighbors", double(m_config.nNeighbors)},
        {"min_dist", m_config.minDist},
        {"epochs", double(detail::umapEpochs(m_config.epochs, n))},
        {"seed", double(m_config.seed)},
    };
}

} // namespace mnistx::projection
