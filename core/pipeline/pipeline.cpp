#include "core/pipeline/pipeline.h"

#include "core/data/dataset_fingerprint.h"
#include "core/data/dataset_folder.h"
#include "core/data/embeddings.h"
#include "core/data/idx_reader.h"
#include "core/pipeline/analyse_embeddings.h"
#include "core/pipeline/analyse_model.h"
#include "core/pipeline/run_data_match.h"
#include "core/projection/pca.h"
#include "core/projection/projector_factory.h"
#include "core/projection/quality.h"
#include "core/store/run_store.h"

#include <ATen/Parallel.h>
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>
#include <sys/resource.h>
#include <torch/version.h>
#include <vector>

#ifndef MNISTX_VERSION
#define MNISTX_VERSION "dev"
#endif

namespace mnistx::pipeline
{

namespace
{

using Clock = std::chrono::steady_clock;

std::string utcNow()
{
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Times one stage and records it in the run.
class StageTimer
{
public:
    StageTimer(store::RunData& run, std::string name, const PipelineCallbacks& cb)
        : m_run(run), m_name(std::move(name)), m_cb(cb), m_start(Clock::now())
    {
        if (m_cb.onProgress)
            m_cb.onProgress(m_name, 0.0);
    }
    ~StageTimer()
    {
        m_run.stageSeconds.emplace_back(
            m_name, std::chrono::duration<double>(Clock::now() - m_start).count());
        if (m_cb.onProgress)
            m_cb.onProgress(m_name, 1.0);
    }

private:
    store::RunData& m_run;
    std::string m_name;
    const PipelineCallbacks& m_cb;
    Clock::time_point m_start;
};

void throwIfCancelled(const PipelineCallbacks& cb)
{
    if (cb.cancel && cb.cancel->load())
        throw PipelineCancelled();
}

void message(const PipelineCallbacks& cb, const std::string& text)
{
    if (cb.onMessage)
        cb.onMessage(text);
}

// The run stored in outDir, when there is one and the user did not ask to
// retrain. A damaged store is reported and then ignored (we retrain). A run
// of other data stops the pipeline (DatasetMismatch): its results are never
// overwritten with another dataset's unless --retrain says so.
std::optional<store::RunData> storedRun(const PipelineConfig& config, const PipelineCallbacks& cb,
                                        const data::DatasetSplits& data,
                                        const std::string& fingerprint)
{
    if (config.retrain || config.outDir.empty() || !store::hasRun(config.outDir))
        return std::nullopt;
    std::optional<store::RunData> old;
    try {
        old = store::loadRun(config.outDir);
    } catch (const std::exception& e) {
        message(cb, std::string("the stored run cannot be reused, training again: ") + e.what());
        return std::nullopt;
    }
    const std::string mismatch = runDataMismatch(*old, config.outDir, data, fingerprint);
    if (!mismatch.empty())
        throw DatasetMismatch(mismatch + "; pass --retrain to replace it with a run of the new "
                                         "data, or give another --out");
    return old;
}

// Takes the model of the stored run `old` (see storedRun) into `model`.
bool reuseStoredModel(const PipelineConfig& config, const training::TrainConfig& train,
                      const PipelineCallbacks& cb, std::optional<store::RunData> old,
                      store::RunData& run, model::Classifier& model)
{
    if (!old)
        return false;
    try {
        model::Classifier stored =
            model::Classifier::fromBytes(old->modelBytes, config.outDir + "/run.bin");
        if (stored.classCount() != model.classCount() ||
            stored.inputShape() != model.inputShape()) {
            message(cb, "the model stored in " + config.outDir + " takes " +
                            std::to_string(stored.classCount()) + " classes of " +
                            stored.inputShape().text() + " images, the data has " +
                            std::to_string(model.classCount()) + " of " +
                            model.inputShape().text() + ": training a new one");
            return false;
        }
        model = std::move(stored);
        run.config = old->config;
        run.history = old->history;
        run.sanity = old->sanity;
        run.modelBytes = std::move(old->modelBytes);
        message(cb, "reusing the model stored in " + config.outDir + " (trained for " +
                        std::to_string(old->history.epochs.size()) +
                        " epochs; pass --retrain to train again)");
        const auto& a = old->config;
        const auto& b = train;
        if (a.epochs != b.epochs || a.seed != b.seed || a.batchSize != b.batchSize ||
            a.architecture != b.architecture || a.learningRate != b.learningRate)
            message(cb, "note: the stored model was trained with other settings than the ones "
                        "given; pass --retrain to use them");
        return true;
    } catch (const std::exception& e) {
        message(cb, std::string("the stored run cannot be reused, training again: ") + e.what());
        return false;
    }
}

// The model of the run: the stored one when it fits, else ours trained now.
model::Classifier trainedModel(const PipelineConfig& config, const PipelineCallbacks& cb,
                               const data::DatasetSplits& data, std::optional<store::RunData> old,
                               store::RunData& run)
{
    // Auto epochs are resolved before the stored model is matched against
    // the settings (its record holds the count it was trained with).
    training::TrainConfig train = config.train;
    const bool autoEpochs = train.epochs == training::kAutoEpochs;
    const int usable = training::usableCount(data.train, train.trainLimit);
    if (autoEpochs)
        train.epochs = training::autoEpochs(usable, train.batchSize);
    run.config = train;
    model::Classifier model(train.architecture, train.seed, data.classCount(), data.train.shape());
    if (reuseStoredModel(config, train, cb, std::move(old), run, model))
        return model;
    if (autoEpochs)
        message(cb, "epochs: " + std::to_string(train.epochs) + ", chosen for " +
                        std::to_string(usable) + " training images (about " +
                        std::to_string(training::kAutoSteps) + " steps of " +
                        std::to_string(std::min(train.batchSize, usable)) +
                        "; --epochs sets them)");
    {
        StageTimer t(run, "sanity", cb);
        run.sanity = training::runSanityCheck(model, data.train, config.sanityCount);
    }
    if (cb.onSanityCheck)
        cb.onSanityCheck(run.sanity);
    else
        message(cb, "sanity check: the untrained model scores " +
                        std::to_string(run.sanity.accuracy) + " on " +
                        std::to_string(run.sanity.sampleCount) + " samples (chance ≈ 0.1)");
    {
        StageTimer t(run, "train", cb);
        training::Trainer trainer(model, train);
        training::TrainCallbacks tc;
        tc.cancel = cb.cancel;
        tc.onBatch = [&](const training::BatchReport& r) {
            if (cb.onBatch)
                cb.onBatch(r);
            if (cb.onProgress) {
                const double total = static_cast<double>(r.batchesPerEpoch) * train.epochs;
                cb.onProgress("train", (r.epoch * r.batchesPerEpoch + r.batch + 1) / total);
            }
        };
        tc.onEpoch = cb.onEpoch;
        run.history = trainer.train(data.train, data.validation, tc);
        if (run.history.cancelled)
            throw PipelineCancelled();
        if (!config.outDir.empty())
            trainer.saveCheckpoint(config.outDir + "/checkpoint.pt");
    }
    run.modelBytes = model.toBytes();
    return model;
}

// The user's TorchScript model, checked against the data: evaluated, never
// trained (the run's settings and history stay empty).
model::Classifier importedModel(const PipelineConfig& config, const PipelineCallbacks& cb,
                                const data::DatasetSplits& data, store::RunData& run)
{
    StageTimer t(run, "import", cb);
    model::Classifier model =
        model::Classifier::fromTorchScript(config.modelFile, data.train.shape());
    if (model.classCount() != data.classCount())
        throw model::ModelError(config.modelFile + ": the model returns " +
                                std::to_string(model.classCount()) +
                                " logits per image, but the data in " + config.dataFolder +
                                " has " + std::to_string(data.classCount()) + " classes");
    run.config = config.train;
    run.config.architecture = model.architecture();
    run.config.epochs = 0;
    run.importedModel = std::filesystem::absolute(config.modelFile).lexically_normal().string();
    run.featuresAreLogits = model.featuresAreLogits();
    run.modelBytes = model.toBytes();
    message(cb, "evaluating the TorchScript model " + config.modelFile + " (" +
                    std::to_string(model.parameterCount()) + " parameters, " +
                    std::to_string(model.featureDim()) + " features per image)");
    if (model.featuresAreLogits())
        message(cb, "the model returns logits only: the map, similar samples and label "
                    "candidates use its " +
                        std::to_string(model.classCount()) +
                        " logits as features (return (logits, features) from forward to "
                        "use its own features)");
    return model;
}

// Loads and analyses a folder of embeddings computed elsewhere into `run`:
// no model runs here (config.train and the history stay as they are).
void analyseEmbeddingsFolder(store::RunData& run, const PipelineConfig& config,
                             const PipelineCallbacks& cb)
{
    const std::string& folder = config.embeddingsFolder;
    data::EmbeddingSet set;
    {
        StageTimer t(run, "load", cb);
        set = data::readEmbeddings(folder);
    }
    for (const std::string& note : set.notes)
        message(cb, folder + ": " + note);
    run.dataFolder = std::filesystem::absolute(folder).lexically_normal().string();
    run.trainCount = set.train.count();
    run.validationCount = set.validation.count();
    run.datasetFormat = "embeddings";
    run.classNames = set.classNames;
    std::shared_ptr<const data::DatasetSplits> images;
    if (set.hasImages) {
        images = std::make_shared<const data::DatasetSplits>(data::embeddingDataset(set));
        run.datasetFingerprint = data::datasetFingerprint(*images);
    }
    // A run of other data in --out is not replaced without --retrain.
    if (!config.retrain && !config.outDir.empty() && store::hasRun(config.outDir)) {
        std::string other;
        try {
            const store::RunData old = store::loadRun(config.outDir);
            if (old.dataFolder != run.dataFolder || old.trainCount != run.trainCount ||
                old.validationCount != run.validationCount)
                other = old.dataFolder;
        } catch (const std::exception&) {
            // A damaged run is replaced, as the pipeline does for datasets.
        }
        if (!other.empty())
            throw DatasetMismatch(config.outDir + " holds a run of " + other + ", not of " +
                                  run.dataFolder +
                                  "; pass --retrain to replace it, or give another --out");
    }
    run.config = config.train;
    run.config.architecture = "embeddings";
    run.config.epochs = 0;
    throwIfCancelled(cb);
    if (cb.onDataLoaded && images)
        cb.onDataLoaded(images);
    message(cb, "exploring " + std::to_string(set.count()) + " embeddings of " +
                    std::to_string(set.featureDim) + " dimensions from " + folder +
                    " (computed elsewhere: no model runs here)");
    if (!set.hasImages)
        message(cb, "no images.npy: class centroids and every distance to them are in feature "
                    "space, and there are no thumbnails");
    StageTimer t(run, "analyse", cb);
    AnalysisOutput a = analyseEmbeddings(set, config.lossBins, &run.featureSpaceCentroids);
    run.centroids = std::move(a.centroids);
    run.train = std::move(a.train);
    run.validation = std::move(a.validation);
}

// The stages after the analysis, whatever made it: a PCA preview, the
// projection, its quality, the store.
void finishRun(const std::shared_ptr<store::RunData>& run, const PipelineConfig& config,
               const PipelineCallbacks& cb, projection::Projector& projector)
{
    // The projections fit on the training rows; embeddings may have none
    // (every row validation): then the validation rows take their place.
    const bool swap = run->train.sampleCount() == 0;
    const analysis::SubsetAnalysis& fit = swap ? run->validation : run->train;
    const analysis::SubsetAnalysis& placed = swap ? run->train : run->validation;
    const auto unswap = [swap](projection::Projection& p) {
        if (swap)
            std::swap(p.train, p.validation);
    };
    if (cb.onAnalysed) {
        auto preview = std::make_shared<store::RunData>(*run);
        preview->projection = projection::PcaProjector().project(fit.features, placed.features, {});
        unswap(preview->projection);
        cb.onAnalysed(std::move(preview));
    }
    {
        StageTimer t(*run, "project", cb);
        projection::ProgressCallback progress = [&](const projection::ProjectionProgress& p) {
            if (cb.onProjection)
                cb.onProjection(p);
            // The whole projection's share, not the step's: "knn", "graph" and
            // "optimise" each count 0..total, and the bar went backwards.
            if (cb.onProgress)
                cb.onProgress("project", p.fraction);
            return !(cb.cancel && cb.cancel->load());
        };
        try {
            run->projection = projector.project(fit.features, placed.features, progress);
        } catch (const projection::Cancelled&) {
            throw PipelineCancelled();
        }
    }
    {
        StageTimer t(*run, "quality", cb);
        // Still as projected (fit rows first), then in the run's order.
        projection::evaluate(run->projection, fit.features, placed.features, fit.labels,
                             placed.labels);
        unswap(run->projection);
    }
    throwIfCancelled(cb);

    run->peakMemoryBytes = peakResidentBytes();
    if (!config.outDir.empty()) {
        StageTimer t(*run, "store", cb);
        store::saveRun(*run, config.outDir);
    }
}

} // namespace

std::map<std::string, std::string> libraryVersions()
{
    return {
        {"app", MNISTX_VERSION},
        {"libtorch", TORCH_VERSION},
        {"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) +
                      "." + std::to_string(EIGEN_MINOR_VERSION)},
        {"compiler", __VERSION__},
        {"torch_threads", std::to_string(at::get_num_threads())},
    };
}

long long peakResidentBytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<long long>(usage.ru_maxrss) * 1024; // Linux reports KiB
}

std::shared_ptr<const store::RunData> runPipeline(const PipelineConfig& config,
                                                  const PipelineCallbacks& cb)
{
    auto run = std::make_shared<store::RunData>();
    run->config = config.train;
    run->versions = libraryVersions();
    run->createdAt = utcNow();
    if (config.lossBins < 1 || config.lossBins > 1000)
        throw std::invalid_argument("loss bins must be between 1 and 1000");
    // Refuse a bad projection name before spending minutes on training.
    auto projector = projection::makeProjector(config.projection, config.projectionParameters,
                                               config.train.seed, config.train.threads);
    if (!config.outDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(config.outDir, ec);
        if (ec)
            throw std::runtime_error("cannot create the output folder " + config.outDir + ": " +
                                     ec.message());
    }
    if (!config.embeddingsFolder.empty()) {
        analyseEmbeddingsFolder(*run, config, cb);
        finishRun(run, config, cb, *projector);
        return run;
    }

    std::shared_ptr<const data::DatasetSplits> loaded;
    {
        StageTimer t(*run, "load", cb);
        loaded = std::make_shared<const data::DatasetSplits>(
            data::loadDataset(config.dataFolder, config.train.threads));
    }
    const data::DatasetSplits& data = *loaded;
    for (const std::string& note : data.notes)
        message(cb, config.dataFolder + ": " + note);
    {
        // A labels file from another dataset (or a subset) can use fewer
        // classes; the centroids, confusion matrix and map need every digit.
        std::vector<bool> seen(static_cast<std::size_t>(data.train.classCount), false);
        for (const data::ClassLabel label : data.train.labels)
            seen[label] = true;
        const auto present = std::count(seen.begin(), seen.end(), true);
        if (present < data.train.classCount) {
            std::string missing;
            for (std::size_t k = 0; k < seen.size(); ++k)
                if (!seen[k])
                    missing += (missing.empty() ? "" : ", ") + std::to_string(k);
            throw std::invalid_argument(
                data.train.labelsPath + ": the training labels hold only " +
                std::to_string(present) + " of the " + std::to_string(data.train.classCount) +
                " classes (none of " + missing + "); every class needs training images");
        }
    }
    run->dataFolder = std::filesystem::absolute(config.dataFolder).lexically_normal().string();
    run->trainCount = data.train.count;
    run->datasetFormat = data.format;
    run->classNames = data.classNames;
    run->datasetFingerprint = data::datasetFingerprint(data);
    std::optional<store::RunData> old = storedRun(config, cb, data, run->datasetFingerprint);
    run->validationCount = data.validation.count;
    throwIfCancelled(cb);

    if (cb.onDataLoaded)
        cb.onDataLoaded(loaded);
    model::Classifier model = config.modelFile.empty()
                                  ? trainedModel(config, cb, data, std::move(old), *run)
                                  : importedModel(config, cb, data, *run);
    throwIfCancelled(cb);

    {
        StageTimer t(*run, "analyse", cb);
        AnalysisOutput a = analyseModel(
            model, data, config.lossBins,
            [&](double f) {
                if (cb.onProgress)
                    cb.onProgress("analyse", f);
            },
            cb.cancel);
        if (a.train.sampleCount() == 0)
            throw PipelineCancelled();
        run->centroids = std::move(a.centroids);
        run->train = std::move(a.train);
        run->validation = std::move(a.validation);
    }
    throwIfCancelled(cb);

    finishRun(run, config, cb, *projector);
    return run;
}

} // namespace mnistx::pipeline
