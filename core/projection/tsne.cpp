#include "core/projection/tsne.h"

#include "core/projection/neighbour_embedding.h"
#include "core/projection/tsne_steps.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::projection
{

namespace
{

// openTSNE's initial spread: tiny, so that the first iterations are driven by
// the affinities rather than by the initial distances.
constexpr double kInitialStd = 1e-4;
// Where each step of a full t-SNE run ends on the progress bar
// (ProjectionProgress::fraction): the measured stage times at 10^6 points,
// kNN 137.5 s, affinities 15.0 s, layout 135.7 s (docs/PERFORMANCE.md).
constexpr double kKnnShareEnd = 0.48;
constexpr double kAffinitiesShareEnd = 0.53;

// Standard normal numbers from a 64-bit Mersenne twister by Box–Muller,
// written out because std::normal_distribution differs between standard
// libraries and the map must not.
class Gaussian
{
public:
    explicit Gaussian(std::uint64_t seed) : m_engine(seed) {}
    double operator()()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        // 53 random bits → (0, 1].
        const double u1 = (double(m_engine() >> 11) + 1.0) / 9007199254740992.0;
        const double u2 = double(m_engine() >> 11) / 9007199254740992.0;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 2.0 * 3.14159265358979323846 * u2;
        m_spare = r * std::sin(a);
        m_hasSpare = true;
        return r * std::cos(a);
    }

private:
    std::mt19937_64 m_engine;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

RowMatrixXf randomInitialisation(int n, std::uint64_t seed)
{
    Gaussian gauss(seed);
    RowMatrixXf y(n, 2);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < 2; ++c)
            y(i, c) = float(kInitialStd * gauss());
    return y;
}

// First two principal components, scaled so that the first has standard
// deviation kInitialStd (openTSNE). Sums in fixed row chunks, combined in
// order, so the result does not depend on the thread count.
RowMatrixXf pcaInitialisation(const RowMatrixXf& x, std::uint64_t seed, const TaskRunner& run)
{
    const int n = int(x.rows()), d = int(x.cols());
    if (d < 2)
        return randomInitialisation(n, seed);
    const int tasks = detail::tsneRowTasks(n);
    std::vector<Eigen::VectorXd> partialSum(tasks);
    run(tasks, [&](int t) {
        const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
        partialSum[t] = x.middleRows(i0, i1 - i0).cast<double>().colwise().sum().transpose();
    });
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (const auto& s : partialSum)
        mean += s;
    mean /= n;
    std::vector<Eigen::MatrixXd> partialCov(tasks);
    run(tasks, [&](int t) {
        const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
        const Eigen::MatrixXd c =
            x.middleRows(i0, i1 - i0).cast<double>().rowwise() - mean.transpose();
        partialCov[t] = c.transpose() * c;
    });
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
    for (const auto& c : partialCov)
        cov += c;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    if (eig.info() != Eigen::Success)
        return randomInitialisation(n, seed);
    Eigen::MatrixXd axes(d, 2);
    axes.col(0) = eig.eigenvectors().col(d - 1);
    axes.col(1) = eig.eigenvectors().col(d - 2);
    // An eigenvector's sign is arbitrary: fix it (largest entry positive) so
    // that the map's orientation is stable across library versions.
    for (int c = 0; c < 2; ++c) {
        Eigen::Index at = 0;
        axes.col(c).cwiseAbs().maxCoeff(&at);
        if (axes(at, c) < 0)
            axes.col(c) = -axes.col(c);
    }
    RowMatrixXd y(n, 2);
    run(tasks, [&](int t) {
        const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
        y.middleRows(i0, i1 - i0) =
            (x.middleRows(i0, i1 - i0).cast<double>().rowwise() - mean.transpose()) * axes;
    });
    const double sd = std::sqrt(std::max(0.0, eig.eigenvalues()(d - 1) / std::max(1, n - 1)));
    if (!(sd > 0) || !std::isfinite(sd))
        return randomInitialisation(n, seed);
    return (y * (kInitialStd / sd)).cast<float>();
}

// Perplexity p needs about 3p neighbours; small inputs get what they have.
double effectivePerplexity(const TsneConfig& config, int n)
{
    return std::min(config.perplexity, (n - 1) / 3.0);
}

double learningRate(const TsneConfig& config, int n)
{
    return config.learningRate > 0 ? config.learningRate : detail::tsneAutoLearningRate(n);
}

// t-SNE's part of the shared flow: affinities by perplexity, PCA or random
// start, gradient descent.
class TsneSteps : public detail::NeighbourEmbedding
{
public:
    TsneSteps(const TsneConfig& config, int n)
        : m_config(config), m_perplexity(effectivePerplexity(config, n)),
          m_learningRate(learningRate(config, n))
    {
    }
    double perplexity() const { return m_perplexity; }

    void buildAffinities(const KnnGraph& graph, detail::WorkerPool& pool,
                         detail::ProgressReporter& reporter) override
    {
        const TaskRunner run = pool.runner(reporter.poll());
        const PerplexityCalibration conditional = calibratePerplexity(graph, m_perplexity, run);
        reporter.setIteration(1);
        reporter.report();
        m_affinities =
            detail::symmetricAffinities(graph, conditional, run, [&reporter] { reporter.beat(); });
    }
    RowMatrixXf initialLayout(const RowMatrixXf& points, detail::WorkerPool& pool,
                              detail::ProgressReporter& reporter) override
    {
        if (m_config.initialisation == TsneInitialisation::Pca)
            return pcaInitialisation(points, m_config.seed, pool.runner(reporter.poll()));
        return randomInitialisation(int(points.rows()), m_config.seed);
    }
    RowMatrixXf optimise(const RowMatrixXf& initial, detail::WorkerPool& pool,
                         detail::ProgressReporter& reporter) override
    {
        return detail::tsneLayout(m_affinities, initial, m_config, m_learningRate, pool, reporter);
    }

private:
    const TsneConfig& m_config;
    double m_perplexity;
    double m_learningRate;
    SparseAffinities m_affinities;
};

} // namespace

double detail::tsneAutoLearningRate(int n)
{
    return std::max(200.0, n / 12.0);
}

void validateTsneConfig(const TsneConfig& c)
{
    if (!(c.perplexity > 1) || !std::isfinite(c.perplexity))
        throw std::invalid_argument("t-SNE: perplexity must be above 1");
    if (c.iterations < 0 || c.exaggerationIterations < 0)
        throw std::invalid_argument("t-SNE: iteration counts must not be negative");
    if (!(c.earlyExaggeration >= 1) || !std::isfinite(c.earlyExaggeration))
        throw std::invalid_argument("t-SNE: exaggeration must be at least 1");
    if (!(c.learningRate >= 0) || !std::isfinite(c.learningRate))
        throw std::invalid_argument("t-SNE: learning rate must not be negative (0 = automatic)");
    if (!(c.momentumEarly >= 0 && c.momentumEarly < 1) ||
        !(c.momentumLate >= 0 && c.momentumLate < 1))
        throw std::invalid_argument("t-SNE: momentum must be in [0, 1)");
    if (!(c.maxStepNorm > 0))
        throw std::invalid_argument("t-SNE: maxStepNorm must be positive");
    if (c.layoutEvery < 1)
        throw std::invalid_argument("t-SNE: layoutEvery must be at least 1");
}

RowMatrixXf tsneEmbed(const RowMatrixXf& points, const TsneConfig& config,
                      const ProgressCallback& progress, std::shared_ptr<const KnnGraph>* neighbours)
{
    validateTsneConfig(config);
    detail::checkPoints(points, "t-SNE", 4);
    const int n = int(points.rows());
    TsneSteps steps(config, n);
    const int k = std::min(n - 1, int(std::ceil(3.0 * steps.perplexity())));
    const auto plan = detail::neighbourEmbeddingPlan(config, k, "affinities", kKnnShareEnd,
                                                     kAffinitiesShareEnd, neighbours);
    return detail::embedNeighbourGraph(points, plan, steps, progress);
}

std::map<std::string, double> TsneProjector::parameters(int n) const
{
    return {
        {"perplexity", effectivePerplexity(m_config, n)},
        {"iterations", double(m_config.iterations)},
        {"exaggeration", m_config.earlyExaggeration},
        {"exaggeration_iterations", double(m_config.exaggerationIterations)},
        {"learning_rate", learningRate(m_config, n)},
        {"seed", double(m_config.seed)},
    };
}

} // namespace mnistx::projection
