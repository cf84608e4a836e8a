#pragma once

#include "core/store/run_data.h"

#include <QImage>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>

class QAction;
class QLabel;
class QPainter;
class QToolButton;

namespace mnistx::ui
{

class HintStack;

class BarChartWidget;
class DigitView;
class ExplorerSession;

// The error inspector: everything about the session's current sample.
//  - the digit large and crisp (nearest-neighbour, up to 8× = 224 px);
//  - a header: subset and index, ground truth, prediction (red when wrong,
//    green when right), loss;
//  - the predicted probability of every class (bars; GT and prediction marked);
//  - the pixel-space distance to every class centroid (bars over small images
//    of the centroids; GT and prediction marked, a dashed line at the
//    distance to the own class) and, in words, the nearest centroid:
//    "Nearest centroid: 6 (6.83) — closer than its own class 5 (7.71)";
//  - Previous/Next misclassified sample by descending loss
//    (session.misclassifiedByLoss()): buttons, P/N and Ctrl+Left/Ctrl+Right.
// With no current sample it shows a hint instead of empty charts.
// GUI thread only.
class ErrorInspector : public QWidget
{
    Q_OBJECT
public:
    explicit ErrorInspector(ExplorerSession* session, QWidget* parent = nullptr);
    ~ErrorInspector() override;

    // The sample shown (session.current()), -1 when none.
    int sampleId() const { return m_id; }
    // What the panel says, as plain text (tests, accessibility, export).
    // "validation #12 · GT 5 · predicted 6 (wrong) · loss 2.31"
    QString headerText() const { return m_headerPlain; }
    // The sample's metadata.csv fields, "scene studio · exposure 0.82"
    // (also in the header); empty when the dataset has none.
    QString userFieldsText() const { return m_userFields; }
    // "Nearest centroid: 6 (6.83) — closer than its own class 5 (7.71). ..."
    QString nearestCentroidText() const { return m_nearestPlain; }
    // The nearest class centroid of the shown sample, -1 when none.
    int nearestCentroid() const { return m_nearest; }
    // Another run of the same samples (Run ▸ Compare With…): its prediction
    // and loss join the header ("<name>: predicted 6 (wrong) · loss 2.31"),
    // its probabilities and centroid distances show as dark ticks across the
    // bars, side by side with this run's. Null: none. A run of other sample
    // counts or classes is ignored.
    void setComparison(std::shared_ptr<const store::RunData> other, const QString& name);
    // The comparison's line as shown, "" without one.
    QString comparisonText() const { return m_comparisonPlain; }
    // "misclassified 3 of 843, by descending loss"
    QString navigationText() const;
    // Whether the hint (no run / no sample) is shown instead of the sample.
    bool isShowingHint() const;
    QString hintText() const;
    const BarChartWidget* probabilityChart() const { return m_probabilities; }
    const BarChartWidget* distanceChart() const { return m_distances; }
    const DigitView* digitView() const { return m_digit; }

    // The ids Next/Previous would go to now (-1: none; the action is then
    // disabled). From a correctly classified sample (or none) Next goes to
    // the worst misclassified sample, Previous to the least bad.
    int nextMisclassified() const;
    int previousMisclassified() const;
    // Triggered by the buttons and shortcuts; also for menus and toolbars.
    QAction* nextMisclassifiedAction() const { return m_nextAction; }
    QAction* previousMisclassifiedAction() const { return m_previousAction; }

    // The panel as a figure (header, digit, both charts, the nearest-centroid
    // sentence; no buttons) fitted into target at target's size, on white;
    // the hint when no sample is shown. Vector primitives except the digit
    // (an image enlarged nearest-neighbour).
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;
    // The same as an image of logicalSize × scale device pixels.
    QImage renderImage(QSize logicalSize, qreal scale = 2.0) const;
    QImage renderImage(qreal scale = 2.0) const { return renderImage(size(), scale); }

public Q_SLOTS:
    void showNextMisclassified();
    void showPreviousMisclassified();

private:
    // The misclassified sample `step` places from the current one in the
    // order by loss (+1 next, -1 previous); -1 when there is none.
    int misclassifiedStep(int step) const;
    void onRunChanged();
    void showSample(int id);
    void updateNavigation();

    ExplorerSession* m_session;
    int m_id = -1;
    int m_nearest = -1;
    HintStack* m_stack = nullptr;
    QLabel* m_header = nullptr;
    DigitView* m_digit = nullptr;
    BarChartWidget* m_probabilities = nullptr;
    BarChartWidget* m_distances = nullptr;
    QLabel* m_nearestLabel = nullptr;
    QLabel* m_position = nullptr;
    QToolButton* m_previousButton = nullptr;
    QToolButton* m_nextButton = nullptr;
    QAction* m_previousAction = nullptr;
    QAction* m_nextAction = nullptr;
    std::shared_ptr<const store::RunData> m_other;
    QString m_otherName;
    QString m_comparisonPlain;
    QString m_userFields;
    QString m_headerPlain;
    QString m_headerHtml;
    QString m_nearestPlain;
    QString m_nearestHtml;
    bool m_nearestIsOther =
        false; // nearest centroid is not the own class: the sentence is highlighted
};

} // namespace mnistx::ui
