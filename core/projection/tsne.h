#pragma once

// t-SNE (van der Maaten & Hinton 2008) for the population map: affinities on
// the kNN graph (k = 3·perplexity), exact sparse attractive forces, repulsive
// forces by FFT-accelerated interpolation (fft_interpolation.h), so one
// iteration costs O(N). Optimisation as in the reference implementations
// (bhtsne/Rtsne, FIt-SNE, openTSNE, scikit-learn): early exaggeration, momentum,
// delta-bar-delta gains, PCA initialisation scaled to a tiny spread.

#include "core/projection/fft_interpolation.h"
#include "core/projection/knn_graph.h"
#include "core/projection/neighbour_embedding_projector.h"
#include "core/projection/projection.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::projection
{

enum class TsneInitialisation {
    Pca,    // first two principal components of the inputs (openTSNE's default)
    Random, // Gaussian, seeded
};

struct TsneConfig {
    double perplexity = 30; // effective neighbours; capped at (N−1)/3
    // Total iterations including the early-exaggeration phase: openTSNE's
    // 250 + 500. Measured on 70,000 MNIST feature vectors, 10-NN accuracy and
    // trustworthiness are the same at 500, 750 and 1000; 750 leaves a margin
    // for larger inputs, whose maps take longer to settle.
    int iterations = 750;
    // Attraction ×12 for the first 250 iterations lets clusters form before
    // they are pushed apart (the value all reference implementations use).
    double earlyExaggeration = 12;
    int exaggerationIterations = 250;
    // Step size for the gradient without the factor 4 (FIt-SNE's convention);
    // 0 = automatic: max(200, N/12) (Belkina et al. 2019; scikit-learn's
    // 'auto' takes the same steps with its factor-4 gradient).
    double learningRate = 0;
    double momentumEarly = 0.5; // the reference implementations' values
    double momentumLate = 0.8;
    // Largest step of one point in one iteration, map units (FIt-SNE's
    // max_step_norm): keeps a point with a huge gradient from flying off and
    // blowing up the interpolation grid.
    double maxStepNorm = 5;
    TsneInitialisation initialisation = TsneInitialisation::Pca;
    std::uint64_t seed = 1; // random initialisation and the kNN graph's (KnnConfig::seed)
    int threads = 0;        // 0: all cores
    int layoutEvery = 10;   // iterations between intermediate layouts
    // See KnnConfig::method. "exact" makes the whole map reproducible for
    // any thread count (70,000 × 64: 19 s instead of HNSW's 7 s, 2 threads).
    std::string knnMethod = "auto";
    FftRepulsionConfig repulsion;
};

// Conditional probabilities p_{j|i} ∝ exp(−β_i d_ij²) over each point's k
// neighbours, with β_i found by Newton steps safeguarded by bisection so that
// the entropy of row i is log(perplexity) (nats) to within 1e-5. conditional
// is n×k row-major in the graph's neighbour order; each row sums to 1.
struct PerplexityCalibration {
    int n = 0;
    int k = 0;
    std::vector<float> conditional;
    std::vector<double> beta;
};

// Throws std::invalid_argument when perplexity is not in (1, k].
PerplexityCalibration calibratePerplexity(const KnnGraph& graph, double perplexity,
                                          const TaskRunner& run = runTasksSerially);

// The symmetric joint probabilities p_ij = (p_{j|i} + p_{i|j}) / 2n, CSR with
// columns ascending within a row; all values sum to 1.
struct SparseAffinities {
    int n = 0;
    std::vector<std::int64_t> rowStart; // n + 1
    std::vector<std::int32_t> columns;
    std::vector<float> values;
};

SparseAffinities symmetricAffinities(const KnnGraph& graph,
                                     const PerplexityCalibration& conditional,
                                     const TaskRunner& run = runTasksSerially);

// The whole method on one matrix: points n×d (feature space, any scale) →
// n×2 map (map space). Results depend on the seed and the inputs only, not on
// the thread count, apart from what the kNN search does (HNSW built by several
// threads may differ from run to run; KnnConfig::method "exact" does not).
// progress is called on the calling thread with stages "knn", "affinities"
// (layout null) and "optimise" (layout every layoutEvery iterations, and
// between them about every 25 ms with layout null, so a cancel is noticed
// quickly). Returning false throws Cancelled. Throws std::invalid_argument for
// bad settings, fewer than 4 points or non-finite inputs. neighbours
// (optional) receives the kNN graph of the points.
RowMatrixXf tsneEmbed(const RowMatrixXf& points, const TsneConfig& config,
                      const ProgressCallback& progress = {},
                      std::shared_ptr<const KnnGraph>* neighbours = nullptr);

// The optimisation alone, from given affinities and a starting map (n×2):
// for tests and callers that reuse affinities. Same callback contract.
RowMatrixXf tsneOptimise(const SparseAffinities& affinities, const RowMatrixXf& initial,
                         const TsneConfig& config, const ProgressCallback& progress = {});

// Throws std::invalid_argument, naming the setting, for settings out of range.
void validateTsneConfig(const TsneConfig& config);

// The Projector: fits train and validation rows stacked together (one map for
// both), returns method "tsne" with the train rows first and parameters
// perplexity (as run), iterations, exaggeration, exaggeration_iterations,
// learning_rate (as run) and seed.
class TsneProjector : public NeighbourEmbeddingProjector
{
public:
    // Throws std::invalid_argument for settings out of range.
    explicit TsneProjector(TsneConfig config = {}) : m_config(std::move(config))
    {
        validateTsneConfig(m_config);
    }
    std::string name() const override { return "tsne"; }
    const TsneConfig& config() const { return m_config; }

private:
    const char* displayName() const override { return "t-SNE"; }
    RowMatrixXf embed(const RowMatrixXf& points, const ProgressCallback& progress,
                      std::shared_ptr<const KnnGraph>* neighbours) const override
    {
        return tsneEmbed(points, m_config, progress, neighbours);
    }
    std::map<std::string, double> parameters(int n) const override;

    TsneConfig m_config;
};

} // namespace mnistx::projection
