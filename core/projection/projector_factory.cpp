#include "core/projection/projector_factory.h"

#include "core/projection/pca.h"
#include "core/projection/tsne.h"
#include "core/projection/umap.h"

#include <cmath>
#include <stdexcept>

namespace mnistx::projection {

const std::vector<std::string>& projectorNames()
{
    static const std::vector<std::string> names{"umap", "pca", "tsne"};
    return names;
}

std::string projectorTitle(const std::string& name)
{
    if (name == "umap")
        return "UMAP";
    if (name == "tsne")
        return "t-SNE";
    if (name == "pca")
        return "PCA";
    return name;
}

std::unique_ptr<Projector> makeProjector(const std::string& name,
                                         const std::map<std::string, double>& parameters,
                                         std::uint64_t seed, int threads)
{
    if (name == "pca") {
        if (!parameters.empty())
            throw std::invalid_argument("pca takes no parameters (got '" +
                                        parameters.begin()->first + "')");
        return std::make_unique<PcaProjector>();
    }
    if (name == "tsne") {
        TsneConfig c;
        c.seed = seed;
        c.threads = threads;
        for (const auto& [key, value] : parameters) {
            auto count = [&](int& field) {
                if (!(value >= 0 && value <= 1e7 && value == std::floor(value)))
                    throw std::invalid_argument("tsne: '" + key + "' must be a whole number");
                field = int(value);
            };
            if (key == "perplexity")
                c.perplexity = value;
            else if (key == "iterations")
                count(c.iterations);
            else if (key == "exaggeration")
                c.earlyExaggeration = value;
            else if (key == "exaggeration_iterations")
                count(c.exaggerationIterations);
            else if (key == "learning_rate")
                c.learningRate = value;
            else
                throw std::invalid_argument("tsne: unknown parameter '" + key +
                                            "' (known: perplexity, iterations, exaggeration, "
                                            "exaggeration_iterations, learning_rate)");
        }
        return std::make_unique<TsneProjector>(c); // validates the values
    }
    if (name == "umap") {
        UmapConfig c;
        c.seed = seed;
        c.threads = threads;
        for (const auto& [key, value] : parameters) {
            auto count = [&](int& field) {
                if (!(value >= 0 && value <= 1e7 && value == std::floor(value)))
                    throw std::invalid_argument("umap: '" + key + "' must be a whole number");
                field = int(value);
            };
            if (key == "n_neighbors")
                count(c.nNeighbors);
            else if (key == "min_dist")
                c.minDist = value;
            else if (key == "epochs")
                count(c.epochs);
            else
                throw std::invalid_argument("umap: unknown parameter '" + key +
                                            "' (known: n_neighbors, min_dist, epochs)");
        }
        return std::make_unique<UmapProjector>(c); // validates the values
    }
    std::string known;
    for (const auto& n : projectorNames())
        known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown projection '" + name + "' (known: " + known + ")");
}

} // namespace mnistx::projection
