#pragma once

#include "core/projection/projection.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mnistx::projection
{

// Names the CLI and the GUI offer, best first.
const std::vector<std::string>& projectorNames();

// How people write a method's name: "UMAP", "t-SNE", "PCA" (an unknown name
// comes back as it is).
std::string projectorTitle(const std::string& name);

// Builds the named projector with its parameters (unknown keys are refused).
// Throws std::invalid_argument for an unknown name or parameter.
std::unique_ptr<Projector> makeProjector(const std::string& name,
                                         const std::map<std::string, double>& parameters = {},
                                         std::uint64_t seed = 1, int threads = 0);

} // namespace mnistx::projection
