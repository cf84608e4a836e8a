#pragma once

#include "ui/why/heat_map_panel.h"

#include <QFont>
#include <QRectF>
#include <QString>

class QPainter;

namespace mnistx::ui
{

// Draws a HeatMapPanel's maps: the large tile under its title, the class
// tiles and the small loss tile with their labels and GT/prediction tags,
// and the two colour bars. The on-screen canvas and the export
// (HeatMapPanel::render) both draw through it, so an exported figure is what
// the screen shows; the panel's hit tests use its layout. Reads the panel's
// state and keeps none. GUI thread only.
class HeatMapPainter
{
public:
    explicit HeatMapPainter(const HeatMapPanel& panel) : m_panel(panel) {}

    // Where everything goes in area (logical pixels) for text in font; no
    // tiles when area is too small to draw anything useful.
    HeatMapPanel::Layout layout(const QRectF& area, const QFont& font) const;
    // Draws the maps into area; dim: veiled with "computing …" on top.
    void paint(QPainter& painter, const QRectF& area, const QFont& font, bool dim) const;

private:
    void paintTileNote(QPainter& painter, const QRectF& tile, const QString& note,
                       const QFont& font) const;
    void paintColorBar(QPainter& painter, const QRectF& rect, const HeatMapPanel::Scale& scale,
                       const QString& title, const QFont& font) const;

    const HeatMapPanel& m_panel;
};

} // namespace mnistx::ui
