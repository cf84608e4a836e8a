#pragma once

#include <QPointF>
#include <QSize>
#include <QWidget>
#include <utility>

namespace mnistx::ui
{

class ConfusionMatrixView;

// The painted matrix of a ConfusionMatrixView (its child): the view paints
// and lays the cells out; this widget handles hover, clicks, the keyboard
// (arrows move a focused cell, Enter or Space activate it) and tooltips.
// GUI thread only.
class ConfusionMatrixCanvas : public QWidget
{
public:
    explicit ConfusionMatrixCanvas(ConfusionMatrixView* view);

    QSize sizeHint() const override { return {520, 460}; }

    // (label, prediction) of the cell at a point of this widget; -1: none.
    std::pair<int, int> cellAt(const QPointF& position) const;

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent*) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    ConfusionMatrixView* m_view;
    int m_hoverLabel = -1;
    int m_hoverPrediction = -1;
    int m_focusLabel = -1;
    int m_focusPrediction = -1;
};

} // namespace mnistx::ui
