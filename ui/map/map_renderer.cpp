#include "ui/map/map_renderer.h"

#include "ui/map/map_style.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <thread>

namespace mnistx::ui
{

namespace
{

using mapstyle::kEdgeAlpha;
using mapstyle::kRingAlpha;
using mapstyle::kRingGap;
using mapstyle::kThickRingWidth;
using mapstyle::kThinRingWidth;

// Discs closer than this (logical px) count as touching when vector dots are
// reordered: a pixel's diagonal, so that discs further apart share no
// anti-aliased pixel even when drawn at 1×.
constexpr qreal kOverlapSlack = 1.5;
// Below this many dots one thread draws faster than two: starting and
// joining a thread costs ~0.1 ms, 20,000 dots take ~2 ms.
constexpr int kParallelDots = 20000;

float ringRadius(float dotRadius, bool thick)
{
    return dotRadius + kRingGap + 0.5f * (thick ? kThickRingWidth : kThinRingWidth);
}

// dst = src·a + dst·(1 − a) on two 8-bit channels at a time; src opaque,
// dst premultiplied ARGB32, a in 0..255 (exact /255 rounding).
inline quint32 blendPixel(quint32 src, quint32 dst, quint32 a)
{
    const quint32 ia = 255 - a;
    quint32 rb = (src & 0x00ff00ffu) * a + (dst & 0x00ff00ffu) * ia;
    rb = ((rb + ((rb >> 8) & 0x00ff00ffu) + 0x00800080u) >> 8) & 0x00ff00ffu;
    quint32 ag = ((src >> 8) & 0x00ff00ffu) * a + ((dst >> 8) & 0x00ff00ffu) * ia;
    ag = (ag + ((ag >> 8) & 0x00ff00ffu) + 0x00800080u) & 0xff00ff00u;
    return ag | rb;
}

} // namespace

void MapRenderer::setDevicePixelRatio(qreal dpr)
{
    m_dpr = dpr > 0 ? dpr : 1.0;
}

void MapRenderer::ensureSprites()
{
    if (m_spritesDpr == m_dpr && !m_sprites.empty())
        return;
    m_sprites.clear();
    m_coverage.clear();
    m_rowSpans.clear();
    const float dpr = static_cast<float>(m_dpr);
    std::vector<float> full;
    for (int kind = 0; kind < KindCount; ++kind) {
        for (int b = 0; b < mapstyle::kSizeBuckets; ++b) {
            const float dotRadius = mapstyle::radiusOfBucket(b);
            const bool ring = kind != Fill;
            const bool thick = kind == ThickRing;
            // Everything in device pixels. The edge is a ring just inside
            // the dot's disc, never wider than the dot's radius.
            const float edgeWidth = std::min(kEdgeWidth, dotRadius);
            const float radius = (kind == Fill   ? dotRadius
                                  : kind == Edge ? dotRadius - 0.5f * edgeWidth
                                                 : ringRadius(dotRadius, thick)) *
                                 dpr;
            const float halfWidth = 0.5f *
                                    (kind == Edge ? edgeWidth
                                     : thick      ? kThickRingWidth
                                                  : kThinRingWidth) *
                                    dpr;
            const float outer = ring ? radius + halfWidth : radius;
            const float opacity = kind == Fill   ? mapstyle::kDotAlpha
                                  : kind == Edge ? kEdgeAlpha
                                                 : kRingAlpha;
            const int half = static_cast<int>(std::ceil(outer + 1.0f));
            const int size = 2 * half + 2;
            full.resize(static_cast<size_t>(size) * size);
            for (int py = 0; py < kPhases; ++py) {
                for (int px = 0; px < kPhases; ++px) {
                    // Circle centre inside the square for this sub-pixel phase;
                    // square pixel (i, j) is device pixel (dot − half + i, ...).
                    const float cx = half + (px + 0.5f) / kPhases;
                    const float cy = half + (py + 0.5f) / kPhases;
                    int i0 = size, i1 = -1, j0 = size, j1 = -1;
                    for (int j = 0; j < size; ++j) {
                        for (int i = 0; i < size; ++i) {
                            const float d = std::hypot(i + 0.5f - cx, j + 0.5f - cy);
                            // Analytic box-filter approximation of pixel coverage.
                            const float c =
                                ring ? std::clamp(halfWidth - std::fabs(d - radius) + 0.5f, 0.0f,
                                                  1.0f)
                                     : std::clamp(radius - d + 0.5f, 0.0f, 1.0f);
                            const float v = std::round(c * opacity * 255.0f);
                            full[static_cast<size_t>(j) * size + i] = v;
                            if (v > 0) {
                                i0 = std::min(i0, i);
                                i1 = std::max(i1, i);
                                j0 = std::min(j0, j);
                                j1 = std::max(j1, j);
                            }
                        }
                    }
                    // Keep only the non-zero box: fewer pixels visited per dot.
                    Sprite s;
                    s.offset = m_coverage.size();
                    s.spans = m_rowSpans.size();
                    if (i1 >= i0) {
                        s.dx = i0 - half;
                        s.dy = j0 - half;
                        s.width = i1 - i0 + 1;
                        s.height = j1 - j0 + 1;
                        for (int j = j0; j <= j1; ++j) {
                            int first = s.width, end = 0;
                            for (int i = i0; i <= i1; ++i) {
                                const auto v = static_cast<std::uint8_t>(
                                    full[static_cast<size_t>(j) * size + i]);
                                m_coverage.push_back(v);
                                if (v) {
                                    first = std::min(first, i - i0);
                                    end = i - i0 + 1;
                                }
                            }
                            // Each row is visited only over its non-zero
                            // span, without a test per pixel (zeros inside
                            // a ring's span blend to no change).
                            m_rowSpans.push_back(static_cast<std::uint16_t>(std::min(first, end)));
                            m_rowSpans.push_back(static_cast<std::uint16_t>(end));
                        }
                    }
                    m_sprites.push_back(s);
                }
            }
        }
    }
    m_spritesDpr = m_dpr;
}

void MapRenderer::blitAll(QImage& target, const MapDots& dots, const MapView& view, SpriteKind kind,
                          bool fixedColor, QRgb color)
{
    Q_ASSERT(target.format() == QImage::Format_ARGB32_Premultiplied);
    if (dots.empty() || target.isNull())
        return;
    ensureSprites();

    const int width = target.width();
    const int height = target.height();
    // Dots are drawn band by band, each band's dots in draw order: a band
    // (32 rows of a 1600 px image: 200 KB) stays in the L2 cache while its
    // dots are blended, instead of every dot missing the cache somewhere in
    // a 6 MB image. Same result as drawing in plain order.
    constexpr int kBandHeight = 32;
    const int bands = (height + kBandHeight - 1) / kBandHeight;

    // Large draws run on two threads: each places one half of the dots, then
    // each blends the bands holding one half of the sprites (bands touch
    // disjoint rows). The result is the same as on one thread.
    const int parts = dots.size() >= static_cast<size_t>(kParallelDots) &&
                              std::thread::hardware_concurrency() >= 2
                          ? 2
                          : 1;
    auto onParts = [parts](const auto& work) {
        if (parts == 1) {
            work(0);
            return;
        }
        std::thread helper(work, 1);
        work(0);
        helper.join();
    };

    // device = map·a + b (y flipped), folded once per draw.
    const double dpr = m_dpr;
    const double ax = view.scale * dpr;
    const double bx = (view.plotRect.center().x() - view.center.x() * view.scale) * dpr;
    const double by = (view.plotRect.center().y() + view.center.y() * view.scale) * dpr;
    // Dots beyond this margin cannot touch the image; also keeps the
    // truncation below on positive numbers.
    constexpr double kMargin = 64.0;
    auto bandRange = [&](const Item& item) {
        const Sprite& s = m_sprites[static_cast<size_t>(item.sprite)];
        return std::pair<int, int>(std::max(item.y, 0) / kBandHeight,
                                   std::min(item.y + s.height - 1, height - 1) / kBandHeight);
    };
    // Part p places dots [n·p/parts, n·(p+1)/parts) into its items and counts
    // the sprites each band receives.
    auto place = [&](int p) {
        Part& part = m_parts[static_cast<size_t>(p)];
        part.items.clear();
        part.bandCounts.assign(static_cast<size_t>(bands), 0);
        const size_t begin = dots.size() * static_cast<size_t>(p) / static_cast<size_t>(parts);
        const size_t end = dots.size() * static_cast<size_t>(p + 1) / static_cast<size_t>(parts);
        auto add = [&](const Item& item) {
            part.items.push_back(item);
            const auto [b0, b1] = bandRange(item);
            for (int b = b0; b <= b1; ++b)
                ++part.bandCounts[static_cast<size_t>(b)];
        };
        for (size_t d = begin; d < end; ++d) {
            const MapDot& dot = dots[d];
            const double dx = dot.x * ax + bx;
            const double dy = by - dot.y * ax;
            if (!(dx > -kMargin && dx < width + kMargin && dy > -kMargin && dy < height + kMargin))
                continue; // off screen, or NaN
            // floor via truncation of a positive number (std::floor is a libm
            // call on baseline x86-64).
            const double sx = dx + kMargin, sy = dy + kMargin;
            const int ix = static_cast<int>(sx);
            const int iy = static_cast<int>(sy);
            const int phaseX = std::min(static_cast<int>((sx - ix) * kPhases), kPhases - 1);
            const int phaseY = std::min(static_cast<int>((sy - iy) * kPhases), kPhases - 1);
            const int si = spriteIndex(kind, dot.sizeBucket, phaseX, phaseY);
            const Sprite& s = m_sprites[static_cast<size_t>(si)];
            const int x = ix - static_cast<int>(kMargin) + s.dx;
            const int y = iy - static_cast<int>(kMargin) + s.dy;
            if (x >= width || y >= height || x + s.width <= 0 || y + s.height <= 0)
                continue;
            const quint32 fill = 0xff000000u | (fixedColor ? color : dot.color);
            add({x, y, fill, si});
            if (kind == Fill && dot.outlined) {
                // The edge right after its dot, in the same bands: it stays
                // directly on top of its own fill.
                const int ei = spriteIndex(Edge, dot.sizeBucket, phaseX, phaseY);
                const Sprite& e = m_sprites[static_cast<size_t>(ei)];
                const int ex = ix - static_cast<int>(kMargin) + e.dx;
                const int ey = iy - static_cast<int>(kMargin) + e.dy;
                if (ex >= width || ey >= height || ex + e.width <= 0 || ey + e.height <= 0)
                    continue;
                add({ex, ey, 0xff000000u | edgeColor(fill), ei});
            }
        }
    };
    onParts(place);

    // Stable counting sort: band b holds part 0's sprites, then part 1's,
    // each in draw order. m_bandStart[b]: where band b begins in m_binned;
    // each part's counts become its write cursors.
    m_bandStart.assign(static_cast<size_t>(bands) + 1, 0);
    for (int b = 0; b < bands; ++b) {
        int next = m_bandStart[static_cast<size_t>(b)];
        for (int p = 0; p < parts; ++p) {
            int& slot = m_parts[static_cast<size_t>(p)].bandCounts[static_cast<size_t>(b)];
            const int count = slot;
            slot = next;
            next += count;
        }
        m_bandStart[static_cast<size_t>(b) + 1] = next;
    }
    m_binned.resize(static_cast<size_t>(m_bandStart.back()));
    onParts([&](int p) {
        Part& part = m_parts[static_cast<size_t>(p)];
        for (const Item& item : part.items) {
            const auto [b0, b1] = bandRange(item);
            for (int b = b0; b <= b1; ++b)
                m_binned[static_cast<size_t>(part.bandCounts[static_cast<size_t>(b)]++)] = item;
        }
    });

    const qsizetype stride = target.bytesPerLine();
    uchar* bits = target.bits();
    auto blendBands = [&](int bandBegin, int bandEnd) {
        for (int b = bandBegin; b < bandEnd; ++b) {
            const int rowBegin = b * kBandHeight;
            const int rowEnd = std::min(rowBegin + kBandHeight, height);
            for (int k = m_bandStart[static_cast<size_t>(b)];
                 k < m_bandStart[static_cast<size_t>(b) + 1]; ++k) {
                const Item& item = m_binned[static_cast<size_t>(k)];
                const Sprite& s = m_sprites[static_cast<size_t>(item.sprite)];
                const int i0 = std::max(0, -item.x), i1 = std::min(s.width, width - item.x);
                const int j0 = std::max(0, rowBegin - item.y);
                const int j1 = std::min(s.height, rowEnd - item.y);
                const std::uint8_t* cov = m_coverage.data() + s.offset;
                const std::uint16_t* spans = m_rowSpans.data() + s.spans;
                for (int j = j0; j < j1; ++j) {
                    auto* line = reinterpret_cast<quint32*>(bits + (item.y + j) * stride) + item.x;
                    const std::uint8_t* c = cov + static_cast<size_t>(j) * s.width;
                    const int first = std::max<int>(i0, spans[2 * j]);
                    const int end = std::min<int>(i1, spans[2 * j + 1]);
                    for (int i = first; i < end; ++i)
                        line[i] = blendPixel(item.color, line[i], c[i]);
                }
            }
        }
    };
    // Split where half of the sprites lie: the dots crowd where the clusters are.
    const int total = m_bandStart.back();
    const int split = static_cast<int>(
        std::lower_bound(m_bandStart.begin(), m_bandStart.end(), total / 2) - m_bandStart.begin());
    onParts([&](int p) {
        if (parts == 1)
            blendBands(0, bands);
        else if (p == 0)
            blendBands(0, split);
        else
            blendBands(split, bands);
    });
}

QRgb MapRenderer::edgeColor(QRgb color)
{
    // The dot's own hue, darker (×0.55): reads as an outline of that dot on
    // any background colour, unlike a fixed black.
    auto dark = [](int c) { return c * 55 / 100; };
    return qRgb(dark(qRed(color)), dark(qGreen(color)), dark(qBlue(color)));
}

void MapRenderer::drawDots(QImage& target, const MapDots& dots, const MapView& view)
{
    blitAll(target, dots, view, Fill, false, 0);
}

void MapRenderer::drawRings(QImage& target, const MapDots& dots, const MapView& view, QRgb color,
                            bool thick)
{
    blitAll(target, dots, view, thick ? ThickRing : ThinRing, true, color);
}

void MapRenderer::paintDots(QPainter& painter, const MapDots& dots, const MapView& view,
                            const QRectF& bounds)
{
    // An SVG writer starts a new group, with every style attribute spelt out,
    // at each pen or brush change: in plain draw order nearly every dot of a
    // mixed-colour map is its own ~300-byte group. So dots are batched by
    // style (colour, outline), and a batch may move ahead of earlier dots only
    // where their discs do not touch: a dot's layer is above every earlier
    // dot it overlaps (the same layer for a same-style one), and drawing layer
    // by layer, style by style, each batch in draw order, gives the same
    // picture as the plain order with a group per batch.
    struct Placed {
        QPointF p;
        qreal r;
        int dot;
        int layer;
    };
    std::vector<Placed> placed;
    placed.reserve(dots.size());
    const qreal cell = 2 * mapstyle::kMaxDotRadius + kOverlapSlack;
    const int columns = std::max(1, static_cast<int>(std::ceil(bounds.width() / cell)));
    const int rows = std::max(1, static_cast<int>(std::ceil(bounds.height() / cell)));
    std::vector<std::vector<int>> grid(static_cast<size_t>(columns) * rows); // indices into placed
    auto sameStyle = [&dots](int a, int b) {
        return dots[static_cast<size_t>(a)].color == dots[static_cast<size_t>(b)].color &&
               dots[static_cast<size_t>(a)].outlined == dots[static_cast<size_t>(b)].outlined;
    };
    for (size_t d = 0; d < dots.size(); ++d) {
        const MapDot& dot = dots[d];
        const QPointF p = view.toScreen(dot.x, dot.y);
        if (!bounds.contains(p))
            continue;
        Placed item{p, mapstyle::radiusOfBucket(dot.sizeBucket), static_cast<int>(d), 0};
        const int column = std::min(columns - 1, static_cast<int>((p.x() - bounds.left()) / cell));
        const int row = std::min(rows - 1, static_cast<int>((p.y() - bounds.top()) / cell));
        for (int r = std::max(0, row - 1); r <= std::min(rows - 1, row + 1); ++r) {
            for (int c = std::max(0, column - 1); c <= std::min(columns - 1, column + 1); ++c) {
                for (int k : grid[static_cast<size_t>(r) * columns + c]) {
                    const Placed& below = placed[static_cast<size_t>(k)];
                    const QPointF delta = below.p - p;
                    const qreal reach = below.r + item.r + kOverlapSlack;
                    if (delta.x() * delta.x() + delta.y() * delta.y() >= reach * reach)
                        continue;
                    item.layer = std::max(item.layer,
                                          below.layer + (sameStyle(below.dot, item.dot) ? 0 : 1));
                }
            }
        }
        grid[static_cast<size_t>(row) * columns + column].push_back(
            static_cast<int>(placed.size()));
        placed.push_back(item);
    }
    std::stable_sort(placed.begin(), placed.end(), [&dots](const Placed& a, const Placed& b) {
        if (a.layer != b.layer)
            return a.layer < b.layer;
        const MapDot& x = dots[static_cast<size_t>(a.dot)];
        const MapDot& y = dots[static_cast<size_t>(b.dot)];
        return x.color != y.color ? x.color < y.color : x.outlined < y.outlined;
    });

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    int lastStyle = -1; // index of a dot with the current pen and brush
    for (const Placed& item : placed) {
        const MapDot& dot = dots[static_cast<size_t>(item.dot)];
        if (lastStyle < 0 || !sameStyle(lastStyle, item.dot)) {
            QColor fill = QColor::fromRgb(dot.color);
            fill.setAlphaF(mapstyle::kDotAlpha);
            painter.setBrush(fill);
            if (dot.outlined) {
                QColor edge = QColor::fromRgb(edgeColor(dot.color));
                edge.setAlphaF(kEdgeAlpha);
                painter.setPen(QPen(edge, std::min<qreal>(kEdgeWidth, item.r)));
            } else {
                painter.setPen(Qt::NoPen);
            }
            lastStyle = item.dot;
        }
        if (!dot.outlined) {
            painter.drawEllipse(item.p, item.r, item.r);
            continue;
        }
        // Fill and edge as one element (one circle per misclassified dot in
        // an SVG): the stroke is centred on r − w/2, so it covers the same
        // band as drawDots' edge sprite; only the outer half of that band
        // lacks the fill beneath the 85 % edge, a difference the eye misses.
        const qreal w = std::min<qreal>(kEdgeWidth, item.r);
        if (painter.pen().widthF() != w)
            painter.setPen(QPen(painter.pen().color(), w));
        painter.drawEllipse(item.p, item.r - w / 2, item.r - w / 2);
    }
    painter.restore();
}

void MapRenderer::paintRings(QPainter& painter, const MapDots& dots, const MapView& view,
                             const QRectF& bounds, QRgb color, bool thick)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    QColor c = QColor::fromRgb(color);
    c.setAlphaF(kRingAlpha);
    painter.setPen(QPen(c, thick ? kThickRingWidth : kThinRingWidth));
    painter.setBrush(Qt::NoBrush);
    for (const MapDot& dot : dots) {
        const QPointF p = view.toScreen(dot.x, dot.y);
        if (!bounds.contains(p))
            continue;
        const qreal r = ringRadius(mapstyle::radiusOfBucket(dot.sizeBucket), thick);
        painter.drawEllipse(p, r, r);
    }
    painter.restore();
}

} // namespace mnistx::ui
