#include "ui/workers/pipeline_worker.h"

#include "core/data/dataset_fingerprint.h"
#include "core/data/dataset_folder.h"
#include "core/pipeline/run_data_match.h"
#include "core/projection/projector_factory.h"
#include "core/projection/quality.h"
#include "core/store/run_store.h"

#include <QElapsedTimer>
#include <filesystem>

namespace mnistx::ui
{

namespace
{

// Upper bound on signal rate from the worker: the GUI repaints at ~25 Hz, so
// more frequent updates would only queue up.
constexpr qint64 kBatchSignalMs = 50;
constexpr qint64 kLayoutSignalMs = 100;

} // namespace

PipelineWorker::PipelineWorker(std::shared_ptr<std::atomic<bool>> cancel)
    : m_cancel(std::move(cancel))
{
}

void PipelineWorker::runPipeline(const pipeline::PipelineConfig& config)
{
    try {
        QVector<training::BatchReport> pending;
        QElapsedTimer batchClock, layoutClock;
        batchClock.start();
        layoutClock.start();
        pipeline::PipelineCallbacks cb;
        cb.cancel = m_cancel.get();
        cb.onProgress = [&](const std::string& stage, double f) {
            Q_EMIT stageChanged(QString::fromStdString(stage), f);
        };
        cb.onMessage = [&](const std::string& m) { Q_EMIT message(QString::fromStdString(m)); };
        cb.onSanityCheck = [&](const training::SanityCheck& s) { Q_EMIT sanityChecked(s); };
        cb.onBatch = [&](const training::BatchReport& r) {
            pending.push_back(r);
            if (batchClock.elapsed() >= kBatchSignalMs || r.batch + 1 == r.batchesPerEpoch) {
                Q_EMIT batches(pending);
                pending.clear();
                batchClock.restart();
            }
        };
        cb.onEpoch = [&](const training::EpochReport& e) { Q_EMIT epoch(e); };
        DataPtr images; // the pipeline's own, handed on before training
        cb.onDataLoaded = [&](DataPtr loaded) { images = std::move(loaded); };
        cb.onAnalysed = [&](std::shared_ptr<const store::RunData> preview) {
            Q_EMIT analysed(preview, images, MapRunFacts::of(*preview));
        };
        cb.onProjection = [&](const projection::ProjectionProgress& p) {
            if (!p.layout || layoutClock.elapsed() < kLayoutSignalMs)
                return;
            layoutClock.restart();
            Q_EMIT layout(std::make_shared<const RowMatrixXf>(*p.layout));
        };
        RunPtr run = pipeline::runPipeline(config, cb);
        if (!pending.isEmpty())
            Q_EMIT batches(pending);
        Q_EMIT finished(run, images, QString::fromStdString(config.outDir), MapRunFacts::of(*run));
    } catch (const pipeline::PipelineCancelled&) {
        Q_EMIT cancelled();
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("unexpected error in the training worker"));
    }
}

void PipelineWorker::openRun(const QString& runDir, const QString& dataFolder)
{
    try {
        Q_EMIT stageChanged(QStringLiteral("open"), 0.0);
        auto run = std::make_shared<const store::RunData>(store::loadRun(runDir.toStdString()));
        Q_EMIT stageChanged(QStringLiteral("open"), 0.5);
        const std::string folder =
            dataFolder.isEmpty() ? run->dataFolder : dataFolder.toStdString();
        DataPtr data;
        try {
            auto loaded = std::make_shared<data::DatasetSplits>(data::loadDataset(folder));
            const std::string mismatch = pipeline::runDataMismatch(
                *run, runDir.toStdString(), *loaded, data::datasetFingerprint(*loaded));
            if (!mismatch.empty() && !dataFolder.isEmpty()) {
                // Data the user named: ask what to do instead of guessing.
                Q_EMIT dataMismatch(runDir, dataFolder, QString::fromStdString(mismatch));
                return;
            }
            if (!mismatch.empty()) // the run's own folder holds other data by now
                throw data::DataError(mismatch);
            data = std::move(loaded);
        } catch (const std::exception& e) {
            // The run is still worth exploring without thumbnails.
            Q_EMIT message(tr("Images unavailable (%1); thumbnails are hidden.")
                               .arg(QString::fromStdString(e.what())));
        }
        MapFactsPtr facts = MapRunFacts::of(*run);
        Q_EMIT stageChanged(QStringLiteral("open"), 1.0);
        Q_EMIT finished(run, data, runDir, facts);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("unexpected error while opening %1").arg(runDir));
    }
}

void PipelineWorker::saveRun(const RunPtr& run, const QString& dir)
{
    try {
        store::saveRun(*run, dir.toStdString());
        Q_EMIT saved(dir);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

void PipelineWorker::reproject(const RunPtr& run, const QString& method,
                               const std::map<std::string, double>& parameters,
                               const QString& runDir, const DataPtr& data)
{
    try {
        auto projector = projection::makeProjector(method.toStdString(), parameters,
                                                   run->config.seed, run->config.threads);
        QElapsedTimer layoutClock;
        layoutClock.start();
        const projection::ProgressCallback progress = [&](const projection::ProjectionProgress& p) {
            // The whole projection's share (see pipeline.cpp): never backwards.
            Q_EMIT stageChanged(QStringLiteral("project"), p.fraction);
            if (p.layout && layoutClock.elapsed() >= kLayoutSignalMs) {
                layoutClock.restart();
                Q_EMIT layout(std::make_shared<const RowMatrixXf>(*p.layout));
            }
            return !m_cancel->load();
        };
        auto next = std::make_shared<store::RunData>(*run);
        next->projection =
            projector->project(run->train.features, run->validation.features, progress);
        // Only a headless run's why report reuses the kNN graph; the window's
        // why service has an index of its own (at a million rows the graph
        // is over 100 MB).
        next->projection.neighbours.reset();
        Q_EMIT stageChanged(QStringLiteral("quality"), 0.0);
        projection::evaluate(next->projection, next->train.features, next->validation.features,
                             next->train.labels, next->validation.labels);
        for (auto& [stage, seconds] : next->stageSeconds)
            if (stage == "project")
                seconds = next->projection.seconds;
        if (!runDir.isEmpty()) {
            Q_EMIT stageChanged(QStringLiteral("store"), 0.0);
            store::saveRun(*next, runDir.toStdString());
        }
        Q_EMIT finished(next, data, runDir, nullptr);
    } catch (const projection::Cancelled&) {
        Q_EMIT cancelled();
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    }
}

} // namespace mnistx::ui
