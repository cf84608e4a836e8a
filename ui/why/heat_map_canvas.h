#pragma once

#include <QWidget>

namespace mnistx::ui
{

class HeatMapPanel;

// Paints a HeatMapPanel's maps (through HeatMapPainter) and forwards clicks
// and tooltip requests: all state stays in the panel, so the panel's
// render() draws the same picture. GUI thread only.
class HeatMapCanvas : public QWidget
{
public:
    explicit HeatMapCanvas(HeatMapPanel* panel);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    HeatMapPanel* m_panel;
};

} // namespace mnistx::ui
