#pragma once
// Automatic insights (core/why/insights.h) of the session's run: the groups
// of samples where the model is weakest, one sentence each, selectable.

#include "core/why/insights.h"
#include "core/why/sample_metadata.h"

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

// Lists the run's insights, validation first, best first: a kind badge
// (cluster / confusion / metadata), a bold title naming the group ("4s and 9s
// near the 4/9 border · 312 samples · 18 % wrong"), the sentence
// (word-wrapped), its numbers
// (samples, mean loss against the subset's, error rate, share of the excess
// loss) and a "Select" button that makes the group the session's selection
// (global ids, described by the sentence) for the map and the gallery.
//
// On every runChanged two worker tasks (QtConcurrent) run one after the
// other: the per-sample metadata of both subsets (with the ink of the
// session's images when it has them), announced with metadataReady so other
// views can reuse it; then why::findRunInsights (~1 s on MNIST). The GUI
// thread never waits; results of an older run are discarded.
// GUI thread only.
class InsightsPanel : public QWidget
{
    Q_OBJECT
public:
    enum class State { NoRun, ComputingMetadata, FindingInsights, Ready, Failed };
    Q_ENUM(State)

    explicit InsightsPanel(ExplorerSession* session, QWidget* parent = nullptr);
    ~InsightsPanel() override;

    // Settings of the search (default: why::InsightConfig{}); recomputes.
    void setConfig(const why::InsightConfig& config);

    State state() const { return m_state; }
    QString statusText() const;
    const std::vector<why::Insight>& insights() const { return m_insights; }
    // Null until metadataReady.
    std::shared_ptr<const why::SubsetMetadata> trainMetadata() const { return m_train; }
    std::shared_ptr<const why::SubsetMetadata> validationMetadata() const { return m_validation; }

    // The samples of insight i as session ids (ascending), empty when out of range.
    QVector<int> idsOf(int insight) const;
    // What the insight's Select button does: session.setSelection(idsOf(i), sentence).
    void selectInsight(int insight);
    // The Select button of insight i (for tests and tours), null when out of range.
    QPushButton* selectButton(int insight) const;

    // writeInsightsJson; false with a message naming the file in *error.
    bool exportJson(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    void metadataReady(std::shared_ptr<const mnistx::why::SubsetMetadata> train,
                       std::shared_ptr<const mnistx::why::SubsetMetadata> validation);
    void insightsReady(int count);
    void failed(const QString& message);

private:
    struct MetadataResult;
    struct InsightsResult;
    void onRunChanged();
    void start();
    void onMetadataFinished(int generation, const MetadataResult& result);
    void onInsightsFinished(int generation, const InsightsResult& result);
    void setState(State state, const QString& detail = {});
    void rebuildList();
    void exportInteractively();

    ExplorerSession* m_session;
    why::InsightConfig m_config;
    State m_state = State::NoRun;
    int m_generation = 0; // results of older runs are discarded
    std::shared_ptr<const why::SubsetMetadata> m_train;
    std::shared_ptr<const why::SubsetMetadata> m_validation;
    std::vector<why::Insight> m_insights;
    QVector<QPushButton*> m_selectButtons;

    QLabel* m_status = nullptr;
    QPushButton* m_exportButton = nullptr;
    QScrollArea* m_scroll = nullptr;
};

} // namespace mnistx::ui
