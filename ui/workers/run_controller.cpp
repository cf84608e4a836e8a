#include "ui/workers/run_controller.h"

#include <QMetaObject>

namespace mnistx::ui
{

void registerWorkerMetaTypes()
{
    qRegisterMetaType<pipeline::PipelineConfig>();
    qRegisterMetaType<training::BatchReport>();
    qRegisterMetaType<training::EpochReport>();
    qRegisterMetaType<training::SanityCheck>();
    qRegisterMetaType<QVector<training::BatchReport>>();
    qRegisterMetaType<MapFactsPtr>();
    qRegisterMetaType<RunPtr>();
    qRegisterMetaType<DataPtr>();
    qRegisterMetaType<LayoutPtr>();
}

RunController::RunController(QObject* parent)
    : QObject(parent), m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    registerWorkerMetaTypes();
    m_thread.setObjectName(QStringLiteral("pipeline-worker"));
    m_worker = new PipelineWorker(m_cancel); // parentless: it moves to the thread
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    auto done = [this] { setBusy(false); };
    connect(m_worker, &PipelineWorker::finished, this, done);
    connect(m_worker, &PipelineWorker::failed, this, done);
    connect(m_worker, &PipelineWorker::cancelled, this, done);
    connect(m_worker, &PipelineWorker::saved, this, done);
    connect(m_worker, &PipelineWorker::dataMismatch, this, done);
    m_thread.start();
}

RunController::~RunController()
{
    m_cancel->store(true);
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

void RunController::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void RunController::startPipeline(const pipeline::PipelineConfig& config)
{
    m_cancel->store(false);
    setBusy(true);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, config] { w->runPipeline(config); }, Qt::QueuedConnection);
}

void RunController::openRun(const QString& runDir, const QString& dataFolder)
{
    m_cancel->store(false);
    setBusy(true);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, runDir, dataFolder] { w->openRun(runDir, dataFolder); },
        Qt::QueuedConnection);
}

void RunController::saveRun(const RunPtr& run, const QString& dir)
{
    setBusy(true);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, run, dir] { w->saveRun(run, dir); }, Qt::QueuedConnection);
}

void RunController::reproject(const RunPtr& run, const QString& method,
                              const std::map<std::string, double>& parameters,
                              const QString& runDir, const DataPtr& data)
{
    m_cancel->store(false);
    setBusy(true);
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, run, method, parameters, runDir, data] {
            w->reproject(run, method, parameters, runDir, data);
        },
        Qt::QueuedConnection);
}

void RunController::cancel()
{
    m_cancel->store(true);
}

} // namespace mnistx::ui
