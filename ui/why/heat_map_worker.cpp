#include "ui/why/heat_map_worker.h"

#include "core/model/classifier.h"
#include "core/store/run_data.h"
#include "ui/explorer_session.h"

#include <QMetaObject>
#include <chrono>
#include <exception>

namespace mnistx::ui
{

// The worker-thread side: a parentless QObject moved to HeatMapWorker's
// thread. It alone touches its Classifier. Its slots are invoked through
// queued functor calls and answer through queued signals; every slot body
// turns exceptions into failed().
class HeatMapComputer : public QObject
{
    Q_OBJECT
public:
    // A new run: load its model (or remember why there is none).
    void setModel(quint64 generation, std::shared_ptr<const store::RunData> run)
    {
        m_generation = generation;
        m_classifier.reset();
        m_modelError.clear();
        if (!run || run->modelBytes.empty())
            return;
        try {
            m_classifier = std::make_unique<model::Classifier>(
                model::Classifier::fromBytes(run->modelBytes, "the run's model"));
        } catch (const std::exception& e) {
            m_modelError = QString::fromUtf8(e.what());
        } catch (...) {
            m_modelError = tr("the run's model cannot be read");
        }
    }

    void compute(quint64 generation, int sampleId, const std::vector<std::uint8_t>& pixels,
                 const data::ImageShape& shape, int label)
    {
        if (generation != m_generation) {
            Q_EMIT failed(generation, sampleId, tr("the run changed"));
            return;
        }
        if (!m_classifier) {
            Q_EMIT failed(generation, sampleId,
                          m_modelError.isEmpty() ? tr("this run has no model") : m_modelError);
            return;
        }
        try {
            const auto start = std::chrono::steady_clock::now();
            why::HeatMaps maps = why::computeHeatMaps(*m_classifier, pixels.data(), shape, label);
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            Q_EMIT computed(generation, sampleId, maps, ms);
        } catch (const std::exception& e) {
            Q_EMIT failed(generation, sampleId, QString::fromUtf8(e.what()));
        } catch (...) {
            Q_EMIT failed(generation, sampleId, tr("unknown error"));
        }
    }

Q_SIGNALS:
    void computed(quint64 generation, int sampleId, const mnistx::why::HeatMaps& maps,
                  double computeMs);
    void failed(quint64 generation, int sampleId, const QString& message);

private:
    quint64 m_generation = 0;
    std::unique_ptr<model::Classifier> m_classifier;
    QString m_modelError;
};

HeatMapWorker::HeatMapWorker(ExplorerSession* session, QObject* parent)
    : QObject(parent), m_session(session)
{
    qRegisterMetaType<why::HeatMaps>();
    m_thread.setObjectName(QStringLiteral("heat-maps"));
    m_computer = new HeatMapComputer; // parentless: it moves to the thread
    m_computer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_computer, &QObject::deleteLater);
    connect(m_computer, &HeatMapComputer::computed, this, &HeatMapWorker::onComputed,
            Qt::QueuedConnection);
    connect(m_computer, &HeatMapComputer::failed, this, &HeatMapWorker::onFailed,
            Qt::QueuedConnection);
    m_thread.start();
    connect(m_session, &ExplorerSession::runChanged, this, &HeatMapWorker::onRunChanged);
    onRunChanged();
}

HeatMapWorker::~HeatMapWorker()
{
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

bool HeatMapWorker::canCompute() const
{
    return m_session->hasRun() && m_hasModel && m_session->hasImages();
}

QString HeatMapWorker::unavailableReason() const
{
    if (!m_session->hasRun())
        return tr("No run loaded.");
    if (!m_hasModel)
        return tr("This run has no stored model, so its heat maps cannot be computed.");
    if (!m_session->hasImages())
        return tr("The images of this run are not loaded, so its heat maps cannot be computed.");
    return {};
}

int HeatMapWorker::pendingId() const
{
    if (m_waiting)
        return m_waiting->sampleId;
    return m_inFlight ? m_inFlightId : -1;
}

void HeatMapWorker::onRunChanged()
{
    ++m_generation;
    m_waiting.reset();
    // A result in flight belongs to the old run: onComputed drops it by generation.
    m_hasModel = m_session->hasRun() && !m_session->run().modelBytes.empty();
    QMetaObject::invokeMethod(
        m_computer,
        [c = m_computer, generation = m_generation,
         run = m_session->hasRun() ? m_session->runPtr() : nullptr] {
            c->setModel(generation, run);
        },
        Qt::QueuedConnection);
}

void HeatMapWorker::request(int sampleId)
{
    if (!m_session->hasRun() || sampleId < 0 || sampleId >= m_session->sampleCount())
        return;
    if (!canCompute()) {
        Q_EMIT failed(sampleId, unavailableReason());
        return;
    }
    const auto data = m_session->dataPtr();
    const data::Dataset& d =
        m_session->subsetOf(sampleId) == analysis::Subset::Train ? data->train : data->validation;
    Request r;
    r.sampleId = sampleId;
    r.label = m_session->label(sampleId);
    r.shape = d.shape();
    const std::uint8_t* pixels = d.image(m_session->indexInSubset(sampleId));
    r.pixels.assign(pixels, pixels + d.valuesPerImage());
    r.requested.start();
    m_waiting = std::move(r); // replaces an older waiting request: only the newest counts
    if (!m_inFlight)
        dispatch();
}

void HeatMapWorker::dispatch()
{
    if (!m_waiting)
        return;
    Request r = std::move(*m_waiting);
    m_waiting.reset();
    m_inFlight = true;
    m_inFlightId = r.sampleId;
    m_inFlightTimer = r.requested;
    QMetaObject::invokeMethod(
        m_computer,
        [c = m_computer, generation = m_generation, id = r.sampleId, pixels = std::move(r.pixels),
         shape = r.shape, label = r.label] { c->compute(generation, id, pixels, shape, label); },
        Qt::QueuedConnection);
}

void HeatMapWorker::onComputed(quint64 generation, int sampleId, const why::HeatMaps& maps,
                               double computeMs)
{
    m_inFlight = false;
    m_inFlightId = -1;
    const bool current = generation == m_generation;
    if (current) {
        m_lastLatencyMs = m_inFlightTimer.nsecsElapsed() / 1e6;
        m_lastComputeMs = computeMs;
    }
    dispatch(); // the next waiting request first: the worker never idles while one waits
    if (current)
        Q_EMIT ready(sampleId, maps);
}

void HeatMapWorker::onFailed(quint64 generation, int sampleId, const QString& message)
{
    m_inFlight = false;
    m_inFlightId = -1;
    dispatch();
    if (generation == m_generation)
        Q_EMIT failed(sampleId, message);
}

} // namespace mnistx::ui

#include "heat_map_worker.moc"
