#include "core/projection/projector_factory.h"

#include "core/projection/pca.h"
#include "core/projection/tsne.h"
#include "core/projection/umap.h"

#include <cmath>
#include <stdexcept>

namespace mnistx::projection
{

namespace
{

// A parameter that counts (iterations, neighbours): a whole number in
// [0, 10^7], named in the error as "<method>: '<key>'".
int wholeNumber(const std::string& method, const std::string& key, double value)
{
    if (!(value >= 0 && value <= 1e7 && value == std::floor(value)))
        throw std::invalid_argument(method + ": '" + key + "' must be a whole number");
    return int(value);
}

} // namespace

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
            if (key == "perplexity")
                c.perplexity = value;
            else if (key == "iterations")
                c.iterations = wholeNumber(name, key, value);
            else if (key == "exaggeration")
                c.earlyExaggeration = value;
            else if (key == "exaggeration_iterations")
                c.exaggerationIterations = wholeNumber(name, key, value);
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
            if (key == "n_neighbors")
                c.nNeighbors = wholeNumber(name, key, value);
            else if (key == "min_dist")
                c.minDist = value;
            else if (key == "epochs")
                c.epochs = wholeNumber(name, key, value);
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
