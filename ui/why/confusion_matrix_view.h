#pragma once
// The confusion matrix of one subset of the session's run as a heat map the
// user clicks to select a cell's samples.

#include "core/analysis/analysis_types.h"
#include "ui/why/confusion_color_scale.h"

#include <QList>
#include <QRectF>
#include <QString>
#include <QVector>
#include <QWidget>
#include <utility>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QPainter;

namespace mnistx::ui
{

class ExplorerSession;

// A C×C heat map of one subset (train / validation selector): rows ground
// truth, columns prediction, and a per-row accuracy column. Off-diagonal
// cells (the errors) are coloured on a logarithmic sequential orange-to-red
// scale, so that 3 errors and 300 both show; the diagonal is a separate
// pale-to-mid green, so errors stand out from the correct mass; empty cells
// stay white. A legend right of the accuracy column shows both scales with
// their ranges. Text is black or white by the cell's lightness; cells grow
// wider than square in a low dock so the counts stay legible. "Row %"
// shows each cell as a share of its row (ground-truth class) instead of a
// count.
//
// Clicking a cell (or Enter on the keyboard-focused one) makes exactly that
// cell's samples the session's selection (global ids, "validation: ground
// truth 5 predicted 6 (12 samples)") and emits cellActivated, so the main
// window can also filter the map to that pair. The active cell keeps an
// outline until the selection changes elsewhere. Hovering a cell shows its
// numbers in a tooltip. Right-click offers PNG/SVG/PDF export
// ("confusion_<subset>").
// GUI thread only.
class ConfusionMatrixView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionMatrixView(ExplorerSession* session, QWidget* parent = nullptr);
    ~ConfusionMatrixView() override;

    void setSubset(analysis::Subset subset);
    analysis::Subset subset() const { return m_subset; }
    // Counts (false) or row percentages (true).
    void setNormalized(bool rowPercent);
    bool isNormalized() const { return m_normalized; }

    // The cell's text as shown ("12", or "0.4" in row %), "" without a run.
    QString cellText(int label, int prediction) const;
    // "98.9 %": the row's accuracy as shown in the accuracy column.
    QString accuracyText(int label) const;
    long long cellCount(int label, int prediction) const;
    // Where cell (label, prediction) is, in the coordinates of matrixWidget();
    // empty when out of range or without a run.
    QRectF cellRect(int label, int prediction) const;
    // Whether the cells show their text at the matrix's current size (too
    // small cells show colour only; the tooltip still has the numbers).
    bool cellTextShown() const;
    // The colour legend (what the error and diagonal colours mean and their
    // range), in the coordinates of matrixWidget(); empty without a run or
    // when the dock is too narrow for it beside legible counts.
    QRectF legendRect() const;
    // The painted matrix (a child of this view): clicks and tooltips land here.
    QWidget* matrixWidget() const { return m_canvas; }
    // What a click on the cell does (also for tests and tours); a cell with
    // no samples selects nothing.
    void activateCell(int label, int prediction);

    // Draws the matrix with a title line into target (logical pixels), as
    // the export does.
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;
    // The PNG/SVG/PDF export actions (also in the matrix's context menu);
    // they suggest "confusion_<subset>".
    QList<QAction*> exportActions() const { return m_exportActions; }

Q_SIGNALS:
    // subset: analysis::Subset as int.
    void cellActivated(int subset, int label, int prediction);

private:
    friend class ConfusionMatrixCanvas;
    struct Layout;
    Layout layoutFor(const QRectF& area, bool withTitle) const;
    Layout layoutFor(const QRectF& area, bool withTitle, bool withLegend) const;
    void fitCellFont(Layout& layout, double maxWidth, double maxHeight) const;
    // The error cells' colour scale: values (counts, or row shares in "Row %")
    // from the smallest to the largest error, on a log scale.
    ConfusionColorScale errorScale() const;
    QString legendValueText(double value) const;
    double legendWidthFor(const Layout& layout) const;
    void paintLegend(QPainter* painter, const Layout& layout) const;
    QString legendDescription() const;
    std::pair<int, int> cellAt(const QPointF& position) const; // canvas coordinates, -1: none
    void paintMatrix(QPainter* painter, const QRectF& area, bool withTitle, int hoverLabel,
                     int hoverPrediction) const;
    int classCount() const;
    const analysis::SubsetAnalysis* analysis() const;
    QString cellDescription(int label, int prediction) const;
    void onRunChanged();
    void onSelectionChanged();
    void updateSummary();

    ExplorerSession* m_session;
    analysis::Subset m_subset = analysis::Subset::Validation;
    bool m_normalized = false;
    int m_activeLabel = -1; // the cell whose samples are the session's selection
    int m_activePrediction = -1;
    QString m_activeDescription;
    QComboBox* m_subsetBox = nullptr;
    QCheckBox* m_normalizeBox = nullptr;
    QLabel* m_summary = nullptr;
    QWidget* m_canvas = nullptr;
    QList<QAction*> m_exportActions;
};

} // namespace mnistx::ui
