#pragma once
// Automatic insights (core/why/insights.h) of the session's run: the groups
// of samples where the model is weakest, one sentence each, selectable.

#include "core/why/insights.h"

#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QScrollArea;

namespace mnistx::ui
{

class ExplorerSession;
class WhyContext;

// Lists the run's insights, validation first, best first: a kind badge
// (cluster / confusion / metadata), a bold title naming the group ("4s and 9s
// near the 4/9 border · 312 samples · 18 % wrong"), the sentence
// (word-wrapped), its numbers
// (samples, mean loss against the subset's, error rate, share of the excess
// loss) and a "Select" button that makes the group the session's selection
// (global ids, described by the sentence) for the map and the gallery.
//
// A view of the context's insights (WhyContext: the metadata, then
// why::findRunInsights, ~1 s on MNIST, with the settings of
// WhyContext::setInsightConfig); the state says which of them the context is
// computing. GUI thread only.
class InsightsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit InsightsPanel(WhyContext* context, QWidget* parent = nullptr);

    enum class State { NoRun, ComputingMetadata, FindingInsights, Ready, Failed };
    Q_ENUM(State)
    State state() const { return m_state; }
    QString statusText() const;
    // The insights shown (empty until Ready).
    const std::vector<why::Insight>& insights() const;

    // The samples of insight i as session ids (ascending), empty when out of range.
    QVector<int> idsOf(int insight) const;
    // What the insight's Select button does: session.setSelection(idsOf(i), sentence).
    void selectInsight(int insight);
    // The Select button of insight i (for tests and tours), null when out of range.
    QPushButton* selectButton(int insight) const;

    // writeInsightsJson; false with a message naming the file in *error.
    bool exportJson(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    // The list shows the insights of a run (count of them).
    void insightsReady(int count);
    void failed(const QString& message);

private:
    // Shows what the context has: its insights, or which step it is at.
    void followContext();
    void setState(State state, const QString& detail = {});
    void rebuildList();
    void exportInteractively();

    WhyContext* m_context;
    ExplorerSession* m_session;
    State m_state = State::NoRun;
    std::shared_ptr<const std::vector<why::Insight>> m_insights;
    QVector<QPushButton*> m_selectButtons;

    QLabel* m_status = nullptr;
    QPushButton* m_exportButton = nullptr;
    QScrollArea* m_scroll = nullptr;
};

} // namespace mnistx::ui
