#include "ui/why/why_context.h"

#include "ui/explorer_session.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <exception>

namespace mnistx::ui
{

namespace
{
// Progress reaches the GUI at most this often (ms): a label update, not a replot.
constexpr qint64 kProgressInterval = 50;
} // namespace

WhyContext::WhyContext(ExplorerSession* session, QObject* parent)
    : QObject(parent), m_session(session), m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    qRegisterMetaType<std::shared_ptr<const why::FeatureIndex>>();
    m_thread.setObjectName(QStringLiteral("feature-index"));
    m_worker = new QObject; // parentless: it moves to the thread, deleted when it finishes
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority); // the GUI and the heat maps go first
    connect(m_session, &ExplorerSession::runChanged, this, &WhyContext::onRunChanged);
    onRunChanged();
}

WhyContext::~WhyContext()
{
    m_cancel->store(true); // the build stops at its next progress call
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

void WhyContext::cancelBuild()
{
    m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
}

void WhyContext::onRunChanged()
{
    cancelBuild();
    const std::uint64_t generation = ++m_generation;
    const bool hadIndex = static_cast<bool>(m_index);
    m_index.reset();
    m_error.clear();
    m_progress = 0.0;
    m_building = false;
    if (!m_session->hasRun()) {
        if (hadIndex)
            Q_EMIT indexProgress(0.0);
        return;
    }
    m_building = true;
    Q_EMIT indexProgress(0.0);

    auto run = m_session->runPtr();
    auto cancel = m_cancel;
    QMetaObject::invokeMethod(
        m_worker,
        [this, run, cancel, generation] {
            // Worker thread: touches only run (immutable), cancel (atomic) and
            // its own locals; everything else goes back through queued calls.
            if (cancel->load())
                return;
            QElapsedTimer sinceReport;
            sinceReport.start();
            const auto progress = [&](double fraction) {
                if (cancel->load() || QThread::currentThread()->isInterruptionRequested())
                    return false;
                if (sinceReport.elapsed() >= kProgressInterval) {
                    sinceReport.restart();
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation, fraction] {
                            if (generation != m_generation || !m_building)
                                return;
                            m_progress = fraction;
                            Q_EMIT indexProgress(fraction);
                        },
                        Qt::QueuedConnection);
                }
                return true;
            };
            std::shared_ptr<const why::FeatureIndex> index;
            QString error;
            try {
                index = std::make_shared<const why::FeatureIndex>(
                    run->train.features, run->validation.features, why::FeatureIndexConfig{},
                    progress);
            } catch (const why::IndexCancelled&) {
                return; // a newer run (or the destructor) took over: nothing to report
            } catch (const std::exception& e) {
                error = tr("Cannot build the neighbour index: %1").arg(QString::fromUtf8(e.what()));
            } catch (...) {
                error = tr("Cannot build the neighbour index: unknown error");
            }
            QMetaObject::invokeMethod(
                this,
                [this, generation, index, error] {
                    if (generation != m_generation)
                        return; // built for a run that is gone
                    m_building = false;
                    if (!index) {
                        m_error = error;
                        Q_EMIT indexFailed(error);
                        return;
                    }
                    m_index = index;
                    m_progress = 1.0;
                    Q_EMIT indexProgress(1.0);
                    Q_EMIT indexReady(index);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace mnistx::ui
