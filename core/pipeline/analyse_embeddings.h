#pragma once

#include "core/data/embeddings.h"
#include "core/pipeline/analyse_model.h"

namespace mnistx::pipeline
{

// Everything the explorer shows per sample, from embeddings computed
// elsewhere instead of a model run here: the features as given, the logits
// as given (or log-probabilities, whose softmax is the probabilities given),
// then what analyseModel derives from them. The class centroids are the
// training rows' mean images when the set has images (pixel space, as for a
// model), else their mean features (feature space; *featureSpace is set). A
// set without training rows takes its centroids from the validation rows.
// A set without logits or probabilities gives unscored subsets
// (analysis::fillUnscored): no predictions, losses or loss-vs-distance bins.
AnalysisOutput analyseEmbeddings(const data::EmbeddingSet& set, int lossBins, bool* featureSpace);

} // namespace mnistx::pipeline
