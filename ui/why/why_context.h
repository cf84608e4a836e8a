#pragma once

#include "core/why/feature_index.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <cstdint>
#include <memory>

namespace mnistx::ui
{

class ExplorerSession;

// The "why" state shared by the why-panels of one session: the feature-space
// nearest-neighbour index (why::FeatureIndex) of the session's run.
//
// On every session runChanged it starts building a new index over the run's
// train and validation features (RunData::train/validation.features, global
// ids as in ExplorerSession) on its own worker thread: ~1.5 s for 70,000 × 64
// on 2 cores. A newer run (or clear()) cancels the build in progress through
// the index's progress callback and a result of an older run is never
// delivered: index() is null from runChanged until indexReady. The GUI
// thread never waits for a build; the destructor cancels it (it stops
// within ~25 ms, one progress interval) and waits for the thread.
// GUI thread only.
class WhyContext : public QObject
{
    Q_OBJECT
public:
    explicit WhyContext(ExplorerSession* session, QObject* parent = nullptr);
    ~WhyContext() override;

    ExplorerSession* session() const { return m_session; }
    // The index of the session's current run; null while it is being built,
    // when the build failed, or without a run. Immutable: any thread may
    // query it.
    std::shared_ptr<const why::FeatureIndex> index() const { return m_index; }
    bool isBuilding() const { return m_building; }
    // Fraction of the build done, in [0,1] (1 once ready).
    double progress() const { return m_progress; }
    // Why the last build failed (empty when it did not).
    const QString& errorText() const { return m_error; }

Q_SIGNALS:
    // At most every 50 ms while building, starting with 0 when a build starts.
    void indexProgress(double fraction);
    void indexReady(std::shared_ptr<const mnistx::why::FeatureIndex> index);
    void indexFailed(const QString& message);

private:
    void onRunChanged();
    void cancelBuild();

    ExplorerSession* m_session;
    QThread m_thread;
    QObject* m_worker = nullptr; // lives on m_thread: the context the builds run in
    // The build in progress asks its own flag; a new run sets the old one.
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::uint64_t m_generation = 0; // of the current run: older results are dropped
    std::shared_ptr<const why::FeatureIndex> m_index;
    bool m_building = false;
    double m_progress = 0.0;
    QString m_error;
};

} // namespace mnistx::ui

Q_DECLARE_METATYPE(std::shared_ptr<const mnistx::why::FeatureIndex>)
