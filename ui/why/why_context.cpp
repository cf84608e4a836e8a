#include "ui/why/why_context.h"

#include "core/why/why_progress.h"
#include "ui/explorer_session.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <algorithm>
#include <exception>
#include <utility>

namespace mnistx::ui
{

namespace
{
// Progress reaches the GUI at most this often (ms): a label update, not a replot.
constexpr qint64 kProgressInterval = 50;

// The subset's metadata, with its ink and the user's metadata.csv fields
// when the session's images belong to it.
std::shared_ptr<const why::SubsetMetadata>
computeSubsetMetadata(const store::RunData& run, const analysis::SubsetAnalysis& analysis,
                      const data::DatasetSplits* dataset, const why::WhyProgress& progress)
{
    const data::Dataset* images = nullptr;
    if (dataset)
        images =
            analysis.subset == analysis::Subset::Train ? &dataset->train : &dataset->validation;
    const bool haveImages = images && images->count == analysis.sampleCount() &&
                            images->valuesPerImage() > 0 && !images->images.empty();
    why::SubsetMetadata m =
        why::computeMetadata(analysis, haveImages ? images->images.data() : nullptr,
                             haveImages ? images->valuesPerImage() : 0, progress);
    m.classNames = run.classNames;
    if (haveImages)
        why::addUserFields(m, dataset->metadata);
    return std::make_shared<const why::SubsetMetadata>(std::move(m));
}

} // namespace

// What one job computes: the steps whose result the context does not have
// yet, for one run, with copies of the settings and of the results it has.
struct WhyContext::Job {
    std::uint64_t generation = 0;
    std::shared_ptr<const store::RunData> run;
    std::shared_ptr<const data::DatasetSplits> images;
    std::shared_ptr<std::atomic<bool>> cancel;
    why::FeatureIndexConfig indexConfig;
    why::LabelErrorConfig labelErrorConfig;
    why::InsightConfig insightConfig;
    std::shared_ptr<const why::SubsetMetadata> train;
    std::shared_ptr<const why::SubsetMetadata> validation;
    std::shared_ptr<const why::FeatureIndex> index;
    bool rankCandidates = true;
    bool findInsights = true;
};

WhyContext::WhyContext(ExplorerSession* session, QObject* parent)
    : QObject(parent), m_session(session), m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    qRegisterMetaType<std::shared_ptr<const why::FeatureIndex>>();
    qRegisterMetaType<std::shared_ptr<const why::SubsetMetadata>>();
    qRegisterMetaType<std::shared_ptr<const std::vector<why::LabelCandidate>>>();
    qRegisterMetaType<std::shared_ptr<const std::vector<why::Insight>>>();
    m_thread.setObjectName(QStringLiteral("why-data"));
    m_worker = new QObject; // parentless: it moves to the thread, deleted when it finishes
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority); // the GUI and the heat maps go first
    connect(m_session, &ExplorerSession::runChanged, this, &WhyContext::onRunChanged);
    onRunChanged();
}

WhyContext::~WhyContext()
{
    m_cancel->store(true); // the step in progress stops at its next progress call
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
}

QString WhyContext::errorText() const
{
    const QString& error = m_error[slot(Step::Index)];
    return error.isEmpty() ? error : tr("Cannot build the neighbour index: %1").arg(error);
}

void WhyContext::follow(QObject* receiver, const std::function<void()>& update)
{
    connect(this, &WhyContext::resultsCleared, receiver, update);
    connect(this, &WhyContext::stepStarted, receiver, update);
    connect(this, &WhyContext::stepFailed, receiver, update);
    connect(this, &WhyContext::metadataReady, receiver, update);
    connect(this, &WhyContext::indexReady, receiver, update);
    connect(this, &WhyContext::candidatesReady, receiver, update);
    connect(this, &WhyContext::insightsReady, receiver, update);
}

void WhyContext::setIndexConfig(const why::FeatureIndexConfig& config)
{
    m_indexConfig = config;
    if (m_session->hasRun()) // else the next run uses it
        recompute({Step::Index, Step::Candidates});
}

void WhyContext::setLabelErrorConfig(const why::LabelErrorConfig& config)
{
    m_labelErrorConfig = config;
    if (m_session->hasRun()) // else the next run uses it
        recompute({Step::Candidates});
}

void WhyContext::setInsightConfig(const why::InsightConfig& config)
{
    m_insightConfig = config;
    if (m_session->hasRun()) // else the next run uses it
        recompute({Step::Insights});
}

void WhyContext::onRunChanged()
{
    const bool hadIndex = static_cast<bool>(m_index);
    recompute({Step::Metadata, Step::Index, Step::Candidates, Step::Insights});
    if (!m_session->hasRun() && hadIndex)
        Q_EMIT indexProgress(0.0);
}

void WhyContext::recompute(std::initializer_list<Step> steps)
{
    for (Step step : steps) {
        switch (step) {
        case Step::Metadata:
            m_train.reset();
            m_validation.reset();
            break;
        case Step::Index:
            m_index.reset();
            break;
        case Step::Candidates:
            m_candidates.reset();
            break;
        case Step::Insights:
            m_insights.reset();
            break;
        }
    }
    restart();
    Q_EMIT resultsCleared();
    if (m_session->hasRun() && std::find(steps.begin(), steps.end(), Step::Index) != steps.end())
        Q_EMIT indexProgress(0.0);
}

void WhyContext::restart()
{
    m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const std::uint64_t generation = ++m_generation;
    const bool run = m_session->hasRun();
    const bool missing[kSteps] = {!hasMetadata(), !m_index, !m_candidates, !m_insights};
    for (std::size_t s = 0; s < kSteps; ++s) {
        if (run && !missing[s])
            continue;
        m_status[s] = run ? Status::Pending : Status::NoRun;
        m_progress[s] = 0.0;
        m_error[s].clear();
    }
    if (!run)
        return;

    Job job;
    job.generation = generation;
    job.run = m_session->runPtr();
    job.images = m_session->dataPtr();
    job.cancel = m_cancel;
    job.indexConfig = m_indexConfig;
    job.labelErrorConfig = m_labelErrorConfig;
    job.insightConfig = m_insightConfig;
    job.train = m_train;
    job.validation = m_validation;
    job.index = m_index;
    job.rankCandidates = !m_candidates;
    job.findInsights = !m_insights;
    QMetaObject::invokeMethod(
        m_worker, [this, job = std::move(job)] { runJob(job); }, Qt::QueuedConnection);
}

void WhyContext::runJob(const Job& job)
{
    // Worker thread: touches only the job (immutable inputs, the atomic
    // cancel flag), its own locals and m_metadataComputations; everything
    // else goes back through queued calls, which the GUI thread drops when
    // they belong to an older generation.
    if (job.cancel->load())
        return;
    const std::uint64_t generation = job.generation;
    const auto post = [this](auto&& call) {
        QMetaObject::invokeMethod(this, std::forward<decltype(call)>(call), Qt::QueuedConnection);
    };
    enum class Outcome { Done, Failed, Cancelled };
    // Runs one step with a progress callback that polls the cancel flag;
    // a failure is posted with the core's message.
    const auto runStep = [&](Step step, const auto& compute) {
        post([this, generation, step] { onStarted(generation, step); });
        QElapsedTimer sinceReport;
        sinceReport.start();
        const why::WhyProgress progress = [&](double fraction) {
            if (job.cancel->load() || QThread::currentThread()->isInterruptionRequested())
                return false;
            if (sinceReport.elapsed() >= kProgressInterval) {
                sinceReport.restart();
                post(
                    [this, generation, step, fraction] { onProgress(generation, step, fraction); });
            }
            return true;
        };
        QString error;
        try {
            compute(progress);
            return Outcome::Done;
        } catch (const why::Cancelled&) {
            return Outcome::Cancelled; // a newer job (or the destructor) took over
        } catch (const why::IndexCancelled&) {
            return Outcome::Cancelled;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        } catch (...) {
            error = tr("unknown error");
        }
        post([this, generation, step, error] { onFailed(generation, step, error); });
        return Outcome::Failed;
    };

    auto train = job.train;
    auto validation = job.validation;
    if (!train || !validation) {
        const Outcome outcome = runStep(Step::Metadata, [&](const why::WhyProgress& progress) {
            ++m_metadataComputations;
            const double trainShare =
                double(job.run->train.sampleCount()) /
                std::max(1, job.run->train.sampleCount() + job.run->validation.sampleCount());
            train = computeSubsetMetadata(*job.run, job.run->train, job.images.get(),
                                          why::partOf(progress, 0.0, trainShare));
            validation = computeSubsetMetadata(*job.run, job.run->validation, job.images.get(),
                                               why::partOf(progress, trainShare, 1.0 - trainShare));
        });
        if (outcome == Outcome::Cancelled)
            return;
        if (outcome == Outcome::Done)
            post([this, generation, train, validation] {
                if (!accept(generation, Step::Metadata))
                    return;
                m_train = train;
                m_validation = validation;
                Q_EMIT metadataReady(train, validation);
            });
    }

    auto index = job.index;
    if (!index) {
        const Outcome outcome = runStep(Step::Index, [&](const why::WhyProgress& progress) {
            index = std::make_shared<const why::FeatureIndex>(
                job.run->train.features, job.run->validation.features, job.indexConfig, progress);
        });
        if (outcome == Outcome::Cancelled)
            return;
        if (outcome == Outcome::Done)
            post([this, generation, index] {
                if (!accept(generation, Step::Index))
                    return; // built for a run that is gone
                m_index = index;
                Q_EMIT indexProgress(1.0);
                Q_EMIT indexReady(index);
            });
        else
            index.reset();
    }

    // A step whose input failed fails with it (onFailed says so).
    if (job.rankCandidates && index) {
        std::shared_ptr<const std::vector<why::LabelCandidate>> candidates;
        const Outcome outcome = runStep(Step::Candidates, [&](const why::WhyProgress& progress) {
            candidates = std::make_shared<const std::vector<why::LabelCandidate>>(
                why::rankLabelCandidates(*job.run, *index, job.labelErrorConfig, progress));
        });
        if (outcome == Outcome::Cancelled)
            return;
        if (outcome == Outcome::Done)
            post([this, generation, candidates] {
                if (!accept(generation, Step::Candidates))
                    return;
                m_candidates = candidates;
                Q_EMIT candidatesReady(candidates);
            });
    }

    if (job.findInsights && train && validation) {
        std::shared_ptr<const std::vector<why::Insight>> insights;
        const Outcome outcome = runStep(Step::Insights, [&](const why::WhyProgress& progress) {
            insights = std::make_shared<const std::vector<why::Insight>>(
                why::findRunInsights(*job.run, *train, *validation, job.insightConfig, progress));
        });
        if (outcome == Outcome::Done)
            post([this, generation, insights] {
                if (!accept(generation, Step::Insights))
                    return;
                m_insights = insights;
                Q_EMIT insightsReady(insights);
            });
    }
}

bool WhyContext::accept(std::uint64_t generation, Step step)
{
    if (generation != m_generation)
        return false;
    m_status[slot(step)] = Status::Ready;
    m_progress[slot(step)] = 1.0;
    return true;
}

void WhyContext::onStarted(std::uint64_t generation, Step step)
{
    if (generation != m_generation)
        return;
    m_status[slot(step)] = Status::Running;
    Q_EMIT stepStarted(step);
}

void WhyContext::onProgress(std::uint64_t generation, Step step, double fraction)
{
    if (generation != m_generation || m_status[slot(step)] != Status::Running)
        return;
    m_progress[slot(step)] = fraction;
    Q_EMIT progressChanged(step, fraction);
    if (step == Step::Index)
        Q_EMIT indexProgress(fraction);
}

void WhyContext::onFailed(std::uint64_t generation, Step step, const QString& message)
{
    if (generation != m_generation)
        return;
    const auto fail = [&](Step s) {
        m_status[slot(s)] = Status::Failed;
        m_error[slot(s)] = message;
        Q_EMIT stepFailed(s, message);
    };
    fail(step);
    if (step == Step::Index) {
        Q_EMIT indexFailed(errorText());
        if (m_status[slot(Step::Candidates)] == Status::Pending)
            fail(Step::Candidates); // ranked from the index
    }
    if (step == Step::Metadata && m_status[slot(Step::Insights)] == Status::Pending)
        fail(Step::Insights); // found from the metadata
}

} // namespace mnistx::ui
