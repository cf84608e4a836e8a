#pragma once

#include "ui/map/map_style.h"
#include "ui/map/map_view.h"

#include <QImage>
#include <QRgb>
#include <array>
#include <cstdint>
#include <vector>

class QPainter;

namespace mnistx::ui
{

// One dot to draw: map-space position, opaque colour, mapstyle size bucket.
// The map packs its shown dots in draw order once per data, filter or layout
// change, so a render reads them sequentially (reading positions and
// colours by id in loss order cost a cache miss per array per dot).
struct MapDot {
    float x = 0.0f;
    float y = 0.0f;
    QRgb color = 0;
    std::uint8_t sizeBucket = 0;
    bool outlined = false; // a darker edge: marks misclassified samples in every colouring
};
using MapDots = std::vector<MapDot>; // back to front

// Rasterises dots straight into a QImage (Format_ARGB32_Premultiplied) with
// pre-rendered anti-aliased coverage sprites: one per size bucket and quarter-
// pixel offset, built once per device pixel ratio. A dot costs a few dozen
// integer blends, and nothing is allocated per dot. Any colour works (the
// sprite holds coverage, the colour comes from the dot), so custom continuous
// colourings cost the same as the ten class colours.
// Not thread-safe; one instance per painting site (the map owns one). Large
// draws blend on a second, short-lived thread (disjoint image rows).
class MapRenderer
{
public:
    // Device pixels per logical pixel of the images drawn into (sprites are
    // rebuilt when it changes).
    void setDevicePixelRatio(qreal dpr);
    qreal devicePixelRatio() const { return m_dpr; }

    // Dots filled with their colour at mapstyle::kDotAlpha, outlined ones
    // with a darker edge.
    void drawDots(QImage& target, const MapDots& dots, const MapView& view);
    // A thin ring around each dot (selection, highlight), in one colour.
    void drawRings(QImage& target, const MapDots& dots, const MapView& view, QRgb color,
                   bool thick);

    // The same dots as QPainter primitives, for vector output (SVG, PDF), one
    // ellipse per dot (an outlined one filled and stroked at once); dots
    // whose centre lies outside bounds (logical px) are left out.
    static void paintDots(QPainter& painter, const MapDots& dots, const MapView& view,
                          const QRectF& bounds);
    static void paintRings(QPainter& painter, const MapDots& dots, const MapView& view,
                           const QRectF& bounds, QRgb color, bool thick);
    // The outline drawn on outlined dots (also for legends).
    static QRgb edgeColor(QRgb color);
    static constexpr float kEdgeWidth = 1.1f; // logical px, inside the dot's disc

private:
    // A sprite's non-zero coverage, trimmed: its top-left corner sits at
    // (dx, dy) from the dot's device pixel.
    struct Sprite {
        int dx = 0, dy = 0;
        int width = 0, height = 0;
        size_t offset = 0; // into m_coverage, row-major width × height
        size_t spans = 0;  // into m_rowSpans: per row, [first, last] non-zero column
    };
    // One dot ready to blit: sprite corner in device pixels, colour, sprite.
    struct Item {
        int x, y;
        quint32 color;
        int sprite;
    };
    enum SpriteKind { Fill, Edge, ThinRing, ThickRing, KindCount };
    static constexpr int kPhases = 4; // quarter-pixel placement: no jitter while zooming

    void ensureSprites();
    int spriteIndex(SpriteKind kind, int bucket, int phaseX, int phaseY) const
    {
        return ((kind * mapstyle::kSizeBuckets + bucket) * kPhases + phaseY) * kPhases + phaseX;
    }
    void blitAll(QImage& target, const MapDots& dots, const MapView& view, SpriteKind kind,
                 bool fixedColor, QRgb color);

    qreal m_dpr = 1.0;
    qreal m_spritesDpr = 0.0;              // the ratio the sprites were built for
    std::vector<Sprite> m_sprites;         // [kind][bucket][phaseY][phaseX]
    std::vector<std::uint8_t> m_coverage;  // 0..255, already times the kind's opacity
    std::vector<std::uint16_t> m_rowSpans; // two per sprite row (first, end)
    // Scratch for binning dots into horizontal bands; kept between draws so
    // a draw allocates nothing once they have grown.
    // One part per drawing thread: the sprites it placed, in draw order, and
    // per band how many (then where in m_binned it writes next).
    struct Part {
        std::vector<Item> items;
        std::vector<int> bandCounts;
    };
    std::array<Part, 2> m_parts;
    std::vector<Item> m_binned;
    std::vector<int> m_bandStart;
};

} // namespace mnistx::ui
