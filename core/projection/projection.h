#pragma once

#include "core/util/matrix.h"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace mnistx::projection
{

struct KnnGraph; // knn_graph.h

// A 2D map of the feature vectors. Coordinates are in "map space": unitless,
// only distances within one projection mean anything.
struct Projection {
    std::string method;                       // "pca", "tsne", "umap"
    RowMatrixXf train;                        // N_train × 2
    RowMatrixXf validation;                   // N_validation × 2
    std::map<std::string, double> parameters; // what produced it (for the store and the GUI)
    // Quality of the map (computed by projection::evaluate, -1 when not computed).
    double knnAccuracy = -1.0;     // leave-one-out 10-NN classification accuracy in 2D
    double trustworthiness = -1.0; // trustworthiness@10 on a sample
    double seconds = 0.0;
    // The feature-space k-nearest-neighbour graph a neighbour embedding
    // (UMAP, t-SNE) built on the way, rows train first then validation; null
    // for PCA and for a stored run (never saved). Later work that needs
    // neighbours over the same features (the label candidates of a headless
    // run) reuses it instead of searching a million points again.
    std::shared_ptr<const KnnGraph> neighbours;
};

// Handed to the progress callback every few iterations. layout is the current
// map of all samples (train rows first, then validation), or null when the
// stage has no layout yet. The pointer is valid only during the call: copy it.
struct ProjectionProgress {
    std::string stage; // "knn", "optimise", ...
    int iteration = 0; // within the stage: each stage counts from 0 again
    int totalIterations = 0;
    const RowMatrixXf* layout = nullptr;
    // Share of the whole project() call done, in [0,1]: each stage has a
    // fixed slice of it (from measured stage times), so it never decreases
    // within one call. This is what a progress bar shows.
    double fraction = 0.0;
};

// Return false to cancel; the projector then throws Cancelled promptly.
using ProgressCallback = std::function<bool(const ProjectionProgress&)>;

struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("projection cancelled") {}
};

// A projection method. Implementations are stateless between calls and may
// be called from any one thread at a time.
class Projector
{
public:
    virtual ~Projector() = default;
    virtual std::string name() const = 0;
    // train: N_train × D, validation: N_validation × D (same D).
    virtual Projection project(const RowMatrixXf& train, const RowMatrixXf& validation,
                               const ProgressCallback& progress) = 0;
};

} // namespace mnistx::projection
