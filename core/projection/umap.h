#pragma once

// UMAP (McInnes, Healy & Melville, "UMAP: Uniform Manifold Approximation and
// Projection for Dimension Reduction", 2018) for the population map, following
// umap-learn 0.5 where it matters for the result: smooth-kNN calibration of
// rho and sigma, fuzzy union of the directed memberships, a/b fitted to
// min_dist/spread by least squares, edges sampled in proportion to their
// weight (epochs_per_sample), negative sampling, gradients clipped at 4, a
// learning rate decaying linearly to 0.
//
// Two deliberate differences, both measured not to change the map's quality
// (10-NN accuracy and trustworthiness on 70,000 MNIST points equal
// umap-learn's within their run-to-run spread):
// - Deterministic parallel SGD. umap-learn and uwot let threads race on shared
//   coordinates, so their parallel runs differ from run to run. Here the
//   points are cut into chunks of map neighbours; each epoch runs the chunks
//   in parallel, every point moving only itself, reading its own chunk live
//   and other chunks as they were at the start of the epoch. The layout
//   depends on the seed, not on the thread count (see umap_layout.cpp).
// - The attraction of an edge sample and its negative samples are evaluated
//   at the same position and applied together (umap-learn applies them one
//   after another), which halves the SGD time.

#include "core/projection/knn_graph.h"
#include "core/projection/neighbour_embedding_projector.h"
#include "core/projection/projection.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::projection
{

enum class UmapInitialisation {
    // First two principal components of the inputs, each scaled to [0, 10].
    // Costs milliseconds where umap-learn's spectral embedding of the graph
    // costs seconds (an iterative eigensolver on the N×N Laplacian, which can
    // fail to converge on disconnected graphs), and the maps reach
    // umap-learn's 10-NN accuracy and trustworthiness on MNIST features.
    Pca,
    Random, // uniform in [0, 10]², seeded
};

struct UmapConfig {
    // Neighbourhood size including the point itself, as umap-learn's
    // n_neighbors: the kNN graph has nNeighbors − 1 neighbours per point.
    // Capped at the number of points.
    int nNeighbors = 15;
    double minDist = 0.1; // map units; 0 ≤ minDist ≤ spread
    double spread = 1.0;  // map units, > 0
    // 0: 500 for N ≤ 10,000 points, else 200 (umap-learn's defaults).
    int epochs = 0;
    double learningRate = 1.0;      // initial SGD step, decays linearly to 0
    int negativeSampleRate = 5;     // repulsive samples per attractive sample
    double repulsionStrength = 1.0; // umap-learn's gamma
    double localConnectivity = 1.0; // neighbours assumed fully connected (rho)
    UmapInitialisation initialisation = UmapInitialisation::Pca;
    std::uint64_t seed = 1;         // negative sampling, initial noise, HNSW levels
    int threads = 0;                // 0: all cores
    int layoutEvery = 10;           // epochs between intermediate layouts (≥ 1)
    std::string knnMethod = "auto"; // see KnnConfig::method
};

// The low-dimensional similarity 1 / (1 + a·d^(2b)) fitted to the offset
// exponential (1 for d < minDist, exp(−(d − minDist)/spread) beyond) by least
// squares on 300 points of [0, 3·spread], as umap-learn's find_ab_params
// (min_dist 0.1, spread 1 → a ≈ 1.577, b ≈ 0.895). Throws
// std::invalid_argument unless spread > 0 and 0 ≤ minDist ≤ spread.
struct UmapCurve {
    double a = 0.0;
    double b = 0.0;
};
UmapCurve fitUmapCurve(double minDist, double spread);

// Per point: rho = distance to the nearest neighbour (localConnectivity-th,
// interpolated) and sigma such that Σ_j exp(−max(0, d_ij − rho)/sigma) over
// the graph's k neighbours equals log2(k + 1) (to 1e-5, umap-learn's
// smooth_knn_dist including its floor of 1e-3 × the mean distance).
struct SmoothKnn {
    std::vector<float> rho;   // n, feature-space units
    std::vector<float> sigma; // n, feature-space units
};
SmoothKnn smoothKnnCalibration(const KnnGraph& graph, double localConnectivity = 1.0,
                               int threads = 1);

// The fuzzy simplicial set: directed memberships w_ij = exp(−max(0, d_ij −
// rho_i)/sigma_i), symmetrised by fuzzy union w + wᵀ − w∘wᵀ. Symmetric CSR,
// columns ascending within a row, weights in (0, 1].
struct FuzzyGraph {
    int n = 0;
    std::vector<std::int64_t> rowStart; // n + 1
    std::vector<std::int32_t> columns;
    std::vector<float> weights;
};
FuzzyGraph fuzzySimplicialSet(const KnnGraph& graph, const SmoothKnn& calibration, int threads = 1);

// The starting map (n×2, map space, each axis in [0, 10]) for points (n×d,
// feature space, finite).
RowMatrixXf umapInitialLayout(const RowMatrixXf& points, const UmapConfig& config);

// The SGD layout from a fuzzy graph and a starting map (n×2). Progress runs on
// the calling thread with stage "optimise": with the current map every
// layoutEvery epochs and after the last, and with layout null at least every
// ~25 ms in between so that a cancel is noticed within 100 ms. Returning false
// throws Cancelled. The result depends on the inputs and config.seed only,
// not on the thread count. Throws std::invalid_argument for bad settings or a
// starting map of the wrong shape or with non-finite values.
RowMatrixXf umapOptimise(const FuzzyGraph& graph, const RowMatrixXf& initial,
                         const UmapConfig& config, const ProgressCallback& progress = {});

// The whole method on one matrix: points n×d (feature space, any scale,
// finite, n ≥ 2) → n×2 map (map space). Progress stages "knn" (layout null,
// iteration 0..100), "graph" (layout null) and "optimise" (as umapOptimise).
// Reproducible for a fixed seed, whatever the thread count (see
// buildKnnGraph and umapOptimise). Throws
// std::invalid_argument for bad settings, fewer than 2 points or non-finite
// inputs, Cancelled when progress returns false. neighbours (optional)
// receives the kNN graph of the points.
RowMatrixXf umapEmbed(const RowMatrixXf& points, const UmapConfig& config,
                      const ProgressCallback& progress = {},
                      std::shared_ptr<const KnnGraph>* neighbours = nullptr);

// Throws std::invalid_argument, naming the setting, for settings out of range.
void validateUmapConfig(const UmapConfig& config);

// The Projector: fits train and validation rows stacked together (one map for
// both), returns method "umap" with the train rows first and parameters
// n_neighbors, min_dist, epochs (as run) and seed.
class UmapProjector : public NeighbourEmbeddingProjector
{
public:
    // Throws std::invalid_argument for settings out of range.
    explicit UmapProjector(UmapConfig config = {}) : m_config(std::move(config))
    {
        validateUmapConfig(m_config);
    }
    std::string name() const override { return "umap"; }
    const UmapConfig& config() const { return m_config; }

private:
    const char* displayName() const override { return "UMAP"; }
    RowMatrixXf embed(const RowMatrixXf& points, const ProgressCallback& progress,
                      std::shared_ptr<const KnnGraph>* neighbours) const override
    {
        return umapEmbed(points, m_config, progress, neighbours);
    }
    std::map<std::string, double> parameters(int n) const override;

    UmapConfig m_config;
};

} // namespace mnistx::projection
