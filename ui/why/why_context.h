#pragma once

#include "core/analysis/analysis_types.h"
#include "core/why/feature_index.h"
#include "core/why/insights.h"
#include "core/why/label_errors.h"
#include "core/why/sample_metadata.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThread>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// The why-data service of one session: everything the why-views show that
// takes long to compute, computed once per run on one worker thread and
// handed to the views as immutable values (std::shared_ptr<const …>):
//   1. Metadata: why::computeMetadata of train and validation (with the ink
//      of the session's images when it has them);
//   2. Index: the feature-space neighbour index (why::FeatureIndex) over
//      RunData::train/validation.features, global ids as in ExplorerSession
//      (~1.5 s for 70,000 × 64 on 2 cores);
//   3. Candidates: why::rankLabelCandidates from the index (~1 s);
//   4. Insights: why::findRunInsights from the metadata (~1 s).
// The views (metadata dashboard, insights, label candidates, similar
// samples) only listen: none computes its own data.
//
// On every session runChanged the results are dropped (resultsCleared) and
// the steps run again, in this order. A newer run (or clear(), or a setting
// that changes a result) sets the per-run cancel flag, which every step
// polls between chunks of work (≤ 25 ms apart), and a result of an older run
// is never delivered: every result arrives through its ready signal,
// preceded by stepStarted and progressChanged. Why one thread: the steps
// share their inputs (the index feeds the ranking, the metadata the
// insights), and one cancel flag stops whatever runs. The GUI thread never
// waits for a step; the destructor cancels the one in progress and waits
// for the thread: the poll interval plus the chunk in flight, well inside
// the 100 ms a closing window may take.
// GUI thread only (the results are immutable: any thread may read them).
class WhyContext : public QObject
{
    Q_OBJECT
public:
    enum class Step { Metadata, Index, Candidates, Insights };
    Q_ENUM(Step)
    enum class Status {
        NoRun,   // the session has no run
        Pending, // waits for the steps before it
        Running,
        Ready,
        Failed, // errorText(step) says why; a step that needs it fails with it
    };
    Q_ENUM(Status)

    explicit WhyContext(ExplorerSession* session, QObject* parent = nullptr);
    ~WhyContext() override;

    ExplorerSession* session() const { return m_session; }

    // --- Settings: a change recomputes the steps that depend on it (the
    // other results are kept).
    void setIndexConfig(const why::FeatureIndexConfig& config);
    const why::FeatureIndexConfig& indexConfig() const { return m_indexConfig; }
    void setLabelErrorConfig(const why::LabelErrorConfig& config);
    const why::LabelErrorConfig& labelErrorConfig() const { return m_labelErrorConfig; }
    void setInsightConfig(const why::InsightConfig& config);
    const why::InsightConfig& insightConfig() const { return m_insightConfig; }

    // --- The results for the session's current run; null until ready.
    std::shared_ptr<const why::SubsetMetadata> metadata(analysis::Subset subset) const
    {
        return subset == analysis::Subset::Train ? m_train : m_validation;
    }
    bool hasMetadata() const { return m_train && m_validation; }
    std::shared_ptr<const why::FeatureIndex> index() const { return m_index; }
    std::shared_ptr<const std::vector<why::LabelCandidate>> candidates() const
    {
        return m_candidates;
    }
    std::shared_ptr<const std::vector<why::Insight>> insights() const { return m_insights; }

    Status status(Step step) const { return m_status[slot(step)]; }
    // Fraction of the step done, in [0,1] (1 once ready).
    double progress(Step step) const { return m_progress[slot(step)]; }
    // Why the step failed ("" when it did not): the problem as the core
    // reported it.
    QString errorText(Step step) const { return m_error[slot(step)]; }

    // The index step, as the similar-samples view follows it.
    bool isBuilding() const
    {
        return status(Step::Index) == Status::Pending || status(Step::Index) == Status::Running;
    }
    double progress() const { return progress(Step::Index); }
    // "Cannot build the neighbour index: …", "" when it did not fail.
    QString errorText() const;

    // Calls update (in receiver's thread, while receiver lives) after every
    // change a view may show: the results cleared, a step started, failed or
    // delivered its result.
    void follow(QObject* receiver, const std::function<void()>& update);

    // How many times the metadata of a run was computed since construction
    // (both subsets count once), for tests: once per run.
    int metadataComputations() const { return m_metadataComputations.load(); }

Q_SIGNALS:
    // The session's run changed: every result above is null again, every
    // step Pending (NoRun without a run).
    void resultsCleared();
    void stepStarted(mnistx::ui::WhyContext::Step step);
    // At most every 50 ms while a step runs.
    void progressChanged(mnistx::ui::WhyContext::Step step, double fraction);
    void stepFailed(mnistx::ui::WhyContext::Step step, const QString& message);

    void metadataReady(std::shared_ptr<const mnistx::why::SubsetMetadata> train,
                       std::shared_ptr<const mnistx::why::SubsetMetadata> validation);
    // The index step's progress: 0 when a run starts, then as for
    // progressChanged, 1 just before indexReady.
    void indexProgress(double fraction);
    void indexReady(std::shared_ptr<const mnistx::why::FeatureIndex> index);
    // message: "Cannot build the neighbour index: …".
    void indexFailed(const QString& message);
    void
    candidatesReady(std::shared_ptr<const std::vector<mnistx::why::LabelCandidate>> candidates);
    void insightsReady(std::shared_ptr<const std::vector<mnistx::why::Insight>> insights);

private:
    struct Job;
    static constexpr int kSteps = 4;
    static std::size_t slot(Step step) { return static_cast<std::size_t>(step); }

    void onRunChanged();
    // Drops the results of these steps and computes them again (a setting
    // changed, or the run: all of them).
    void recompute(std::initializer_list<Step> steps);
    // Cancels the job in progress and starts one for the steps whose result
    // is missing (results of an older job are dropped from here on).
    void restart();
    void runJob(const Job& job); // on the worker thread
    // A result of `generation` arrived: marks the step Ready when that is
    // the current job; false when the result is of an older one (dropped).
    bool accept(std::uint64_t generation, Step step);
    void onStarted(std::uint64_t generation, Step step);
    void onProgress(std::uint64_t generation, Step step, double fraction);
    void onFailed(std::uint64_t generation, Step step, const QString& message);

    ExplorerSession* m_session;
    why::FeatureIndexConfig m_indexConfig;
    why::LabelErrorConfig m_labelErrorConfig;
    why::InsightConfig m_insightConfig;

    QThread m_thread;
    QObject* m_worker = nullptr; // lives on m_thread: the context the jobs run in
    // The job in progress asks its own flag; a new run sets the old one.
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::uint64_t m_generation = 0;             // of the current job: older results are dropped
    std::atomic<int> m_metadataComputations{0}; // counted on the worker thread

    std::shared_ptr<const why::SubsetMetadata> m_train;
    std::shared_ptr<const why::SubsetMetadata> m_validation;
    std::shared_ptr<const why::FeatureIndex> m_index;
    std::shared_ptr<const std::vector<why::LabelCandidate>> m_candidates;
    std::shared_ptr<const std::vector<why::Insight>> m_insights;
    std::array<Status, kSteps> m_status{};
    std::array<double, kSteps> m_progress{};
    std::array<QString, kSteps> m_error;
};

} // namespace mnistx::ui

Q_DECLARE_METATYPE(std::shared_ptr<const mnistx::why::FeatureIndex>)
Q_DECLARE_METATYPE(std::shared_ptr<const mnistx::why::SubsetMetadata>)
Q_DECLARE_METATYPE(std::shared_ptr<const std::vector<mnistx::why::LabelCandidate>>)
Q_DECLARE_METATYPE(std::shared_ptr<const std::vector<mnistx::why::Insight>>)
