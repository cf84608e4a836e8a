#pragma once

#include "ui/workers/pipeline_worker.h"

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>

namespace mnistx::ui
{

// Owns the worker thread and its PipelineWorker. The GUI talks to the worker
// only through queued calls (invokeMethod with functors) and the worker's
// signals; the cancel flag is the one shared object. One job at a time.
class RunController : public QObject
{
    Q_OBJECT
public:
    explicit RunController(QObject* parent = nullptr);
    // Cancels the running job and waits for the thread: after cancellation
    // the pipeline stops within one batch/iteration.
    ~RunController() override;

    bool busy() const { return m_busy; }
    PipelineWorker* worker() const { return m_worker; }

    void startPipeline(const pipeline::PipelineConfig& config);
    void openRun(const QString& runDir, const QString& dataFolder = {});
    void saveRun(const RunPtr& run, const QString& dir);
    void reproject(const RunPtr& run, const QString& method,
                   const std::map<std::string, double>& parameters, const QString& runDir,
                   const DataPtr& data);
    void cancel();

Q_SIGNALS:
    void busyChanged(bool busy);

private:
    void setBusy(bool busy);

    QThread m_thread;
    PipelineWorker* m_worker = nullptr; // lives on m_thread, deleted on thread finish
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_busy = false;
};

// Registers the metatypes that cross threads (call once before connecting).
void registerWorkerMetaTypes();

} // namespace mnistx::ui
