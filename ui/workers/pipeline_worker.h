#pragma once

#include "core/data/dataset.h"
#include "core/pipeline/pipeline.h"
#include "core/store/run_data.h"
#include "core/training/train_types.h"
#include "ui/map/map_run_facts.h"

#include <QObject>
#include <QString>
#include <QVector>
#include <atomic>
#include <map>
#include <memory>

namespace mnistx::ui
{

using RunPtr = std::shared_ptr<const store::RunData>;
using DataPtr = std::shared_ptr<const data::DatasetSplits>;
using LayoutPtr = std::shared_ptr<const RowMatrixXf>;

// Runs the engine on a worker thread: a parentless QObject that RunController
// moves to its QThread. Every slot catches everything and reports through
// failed(QString). Results leave as immutable values (shared_ptr to const)
// through queued signals. The only shared state is the cancel flag.
class PipelineWorker : public QObject
{
    Q_OBJECT
public:
    explicit PipelineWorker(std::shared_ptr<std::atomic<bool>> cancel);

    // Slots, invoked through queued calls from the GUI thread.
    void runPipeline(const mnistx::pipeline::PipelineConfig& config);
    // Loads a stored run and its images. dataFolder overrides the folder the
    // run remembers (empty: use the remembered one); when it holds other data
    // than the run was made on, dataMismatch is emitted and nothing opened.
    void openRun(const QString& runDir, const QString& dataFolder);
    // Writes a run into a folder (Save Run As).
    void saveRun(const mnistx::ui::RunPtr& run, const QString& dir);
    // Recomputes only the 2D map of `run` with another projection (its
    // features stay), emitting intermediate layouts, then `finished` with the
    // new run; stores it in runDir when runDir is not empty.
    void reproject(const mnistx::ui::RunPtr& run, const QString& method,
                   const std::map<std::string, double>& parameters, const QString& runDir,
                   const mnistx::ui::DataPtr& data);

Q_SIGNALS:
    void stageChanged(const QString& stage, double fraction);
    void message(const QString& text);
    // The untrained model's check, before training (it is not also a message).
    void sanityChecked(const mnistx::training::SanityCheck& check);
    // Batches are batched: at most one signal per 50 ms (STYLE: throttle the
    // worker end; the dashboard coalesces again on its side).
    void batches(const QVector<mnistx::training::BatchReport>& reports);
    void epoch(const mnistx::training::EpochReport& report);
    // The analysed run with a PCA map, before the final projection (see
    // PipelineCallbacks::onAnalysed), with the images. mapFacts: what the
    // population map derives from the run, computed here (null after a
    // re-projection, which keeps the samples: the map has them).
    void analysed(const mnistx::ui::RunPtr& run, const mnistx::ui::DataPtr& data,
                  const mnistx::ui::MapFactsPtr& mapFacts);
    void layout(const mnistx::ui::LayoutPtr& positions);
    void finished(const mnistx::ui::RunPtr& run, const mnistx::ui::DataPtr& data,
                  const QString& runDir, const mnistx::ui::MapFactsPtr& mapFacts);
    void saved(const QString& dir);
    // openRun: the run in runDir was not made on dataFolder; message names both.
    void dataMismatch(const QString& runDir, const QString& dataFolder, const QString& message);
    void cancelled();
    void failed(const QString& message);

private:
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace mnistx::ui

Q_DECLARE_METATYPE(mnistx::pipeline::PipelineConfig)
Q_DECLARE_METATYPE(mnistx::training::BatchReport)
Q_DECLARE_METATYPE(mnistx::training::EpochReport)
Q_DECLARE_METATYPE(mnistx::training::SanityCheck)
Q_DECLARE_METATYPE(mnistx::ui::RunPtr)
Q_DECLARE_METATYPE(mnistx::ui::DataPtr)
Q_DECLARE_METATYPE(mnistx::ui::LayoutPtr)
