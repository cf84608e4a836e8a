#pragma once

#include "core/why/feature_index.h"

#include <QImage>
#include <QList>
#include <QPointer>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>

class QAction;
class QCheckBox;
class QLabel;
class QListView;
class QPainter;
class QPushButton;
class QSpinBox;

namespace mnistx::ui
{

class HintStack;

class DigitView;
class ExplorerSession;
class SampleListModel;
class ThumbnailDelegate;
class PopulationMap;
class WhyContext;

// "Which training/validation samples does the model see as this one?": the
// k nearest neighbours of a query sample in feature space (the CNN's
// penultimate layer, why::FeatureIndex), as a thumbnail gallery (digit,
// "train #123", GT→pred, loss, distance; misclassified ones framed red),
// under the query and a summary ("12 nearest: 9 with GT 5 like the query,
// 3 misclassified · distances 0.84–1.62").
//
// The query is the session's current sample as chosen anywhere else (map,
// tables, galleries). Clicking a neighbour makes it the current sample (the
// inspector and heat maps show it) but keeps the query and its list, so
// the user can look through the neighbours one by one; double-click (or
// Enter) on a neighbour makes it the new query.
//
// "Show on map" rings the query and its neighbours on the population map
// (setMap); "Select" makes the neighbours the session's selection
// ("12 nearest neighbours of validation #45"). Until the run's index is
// there it says "Building the neighbour index… 40%". Context menu: export
// as PNG/SVG/PDF. GUI thread only.
class SimilarSamplesPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kDefaultK = 12;
    static constexpr int kMaxK = 100;

    explicit SimilarSamplesPanel(ExplorerSession* session, QWidget* parent = nullptr);
    ~SimilarSamplesPanel() override;

    // The index of the session's run (an index of another size is ignored:
    // it belongs to another run). Null: none yet (the panel waits for one).
    void setIndex(std::shared_ptr<const why::FeatureIndex> index);
    std::shared_ptr<const why::FeatureIndex> index() const { return m_index; }
    // Build state to show while there is no index.
    void setIndexProgress(double fraction);
    void setIndexFailed(const QString& message);
    // Follows a WhyContext: its index, progress and failures (convenience for
    // the three calls above).
    void setContext(WhyContext* context);
    // The map that "Show on map" rings samples on (optional; the checkbox is
    // disabled without one).
    void setMap(PopulationMap* map);

    void setK(int k); // clamped to [1, kMaxK]
    int k() const;
    void setShowOnMap(bool on);
    bool showOnMap() const;
    // Makes id the query (as a double-click on a neighbour does).
    void setQuery(int id);
    int queryId() const { return m_queryId; }
    // The listed neighbours, nearest first (empty: none listed).
    QVector<int> neighbourIds() const;
    why::Neighbours neighbours() const;
    // Puts the listed neighbours into the session's selection (the Select button).
    void selectNeighbours();

    // What the panel says, plain text (tests, accessibility).
    QString queryText() const;
    QString summaryText() const;
    bool isShowingHint() const;
    QString hintText() const;
    QListView* listView() const { return m_view; }
    SampleListModel* model() const { return m_model; }
    QList<QAction*> exportActions() const { return m_exportActions; }
    // "similar_validation_45" (no query: "similar").
    QString exportName() const;

    // The panel as a figure (query, summary, the neighbours as a grid) at
    // target's size on white; the hint when nothing is listed.
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;
    QImage renderImage(QSize logicalSize, qreal scale = 2.0) const;

    QSize sizeHint() const override { return {520, 560}; }

private:
    void onRunChanged();
    void onCurrentChanged(int id);
    void updateNeighbours();
    void updateHint();
    void updateMapHighlight();
    void activate(const QModelIndex& index);

    ExplorerSession* m_session;
    std::shared_ptr<const why::FeatureIndex> m_index;
    QPointer<PopulationMap> m_map;
    QVector<int> m_ownHighlight; // what this panel put on the map (cleared only if still there)
    int m_queryId = -1;
    double m_progress = 0.0;
    QString m_indexError;
    bool m_settingCurrent = false; // a click here made a neighbour current: keep the query
    QString m_queryPlain;
    QString m_queryHtml;
    QString m_summary;

    SampleListModel* m_model = nullptr;
    ThumbnailDelegate* m_delegate = nullptr;
    HintStack* m_stack = nullptr;
    DigitView* m_queryDigit = nullptr;
    QLabel* m_queryLabel = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QListView* m_view = nullptr;
    QSpinBox* m_kSpin = nullptr;
    QCheckBox* m_showOnMap = nullptr;
    QPushButton* m_selectButton = nullptr;
    QList<QAction*> m_exportActions;
};

} // namespace mnistx::ui
