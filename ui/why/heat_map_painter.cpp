#include "ui/why/heat_map_painter.h"

#include "ui/common/sample_format.h"
#include "ui/explorer_session.h"
#include "ui/why/heat_map_style.h"

#include <QFontInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

using namespace heatmap;

HeatMapPanel::Layout HeatMapPainter::layout(const QRectF& area, const QFont& font) const
{
    HeatMapPanel::Layout out;
    const int C = std::max(m_panel.classCount(), 1);
    const int n = C + 1; // class tiles and the small loss tile
    const QFontMetricsF fm(font);
    const double lh = std::ceil(fm.height());
    const double barBlock = lh + 12.0 + 3.0 + lh; // title, bar, tick labels
    const double titleH = 2.0 * lh + 4.0;         // the large tile's title, up to two lines
    const double cellExtra = 2.0 * lh + 4.0;      // label above, tag below a tile
    // Two colour bars side by side, or one above the other where their titles
    // would not fit beside each other (narrow docks).
    const bool barsStacked = area.width() < 440.0;
    const double barsHeight = barsStacked ? 2.0 * barBlock + kGap : barBlock;
    const QRectF content(area.left(), area.top(), area.width(),
                         std::max(0.0, area.height() - barsHeight - kGap));

    struct Option {
        bool sideBySide = false;
        int cols = 0;
        double s = 0.0;
        double large = 0.0;
    } best;
    // Side by side: the large tile left, the grid right, the title above both.
    for (int cols = 2; cols <= 6; ++cols) {
        const int rows = (n + cols - 1) / cols;
        double s =
            std::min({(content.height() - titleH) / kLargeFactor,
                      (content.width() - 2.0 * kGap - (cols - 1) * kGap) / (cols + kLargeFactor),
                      (content.height() - titleH - rows * cellExtra - (rows - 1) * kGap) / rows});
        s = std::floor(s);
        if (s > best.s)
            best = {true, cols, s,
                    std::floor(std::min(kLargeFactor * s, content.height() - titleH))};
    }
    // Stacked: the large tile on top, the grid below.
    for (int cols = 3; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        double s =
            std::min((content.width() - (cols - 1) * kGap) / cols,
                     (content.height() - titleH - kGap - rows * cellExtra - (rows - 1) * kGap) /
                         (rows + kLargeFactor));
        s = std::floor(s);
        if (s > best.s)
            best = {false, cols, s, std::floor(std::min(kLargeFactor * s, content.width()))};
    }
    if (best.s < 8.0)
        return out; // too small to draw anything useful
    const int rows = (n + best.cols - 1) / best.cols;
    const double gridW = best.cols * best.s + (best.cols - 1) * kGap;
    const double gridH = rows * (best.s + cellExtra) + (rows - 1) * kGap;
    // The large tile takes what the grid leaves (at least kLargeFactor × a tile).
    if (best.sideBySide)
        best.large = std::floor(std::max(
            best.large, std::min(content.height() - titleH, content.width() - gridW - 2.0 * kGap)));
    else
        best.large = std::floor(std::max(
            best.large, std::min(content.width(), content.height() - titleH - 2.0 * kGap - gridH)));
    QPointF gridOrigin;
    if (best.sideBySide) {
        const double totalW = best.large + 2.0 * kGap + gridW;
        const double left = content.left() + std::floor((content.width() - totalW) / 2.0);
        // The title spans both: it is read before either.
        out.largeTitle = QRectF(left, content.top(), content.right() - left, titleH);
        out.large = QRectF(left, content.top() + titleH, best.large, best.large);
        gridOrigin = QPointF(left + best.large + 2.0 * kGap, content.top() + titleH);
    } else {
        const double left = content.left() + std::floor((content.width() - best.large) / 2.0);
        out.largeTitle = QRectF(content.left(), content.top(), content.width(), titleH);
        out.large = QRectF(left, content.top() + titleH, best.large, best.large);
        gridOrigin = QPointF(content.left() + std::floor((content.width() - gridW) / 2.0),
                             out.large.bottom() + kGap);
    }
    for (int i = 0; i < n; ++i) {
        const int r = i / best.cols;
        const int c = i % best.cols;
        const QRectF cell(gridOrigin.x() + c * (best.s + kGap),
                          gridOrigin.y() + r * (best.s + cellExtra + kGap), best.s,
                          best.s + cellExtra);
        out.tileLabels.append(QRectF(cell.left() - 3.0, cell.top(), cell.width() + 6.0, lh));
        out.tiles.append(QRectF(cell.left(), cell.top() + lh + 2.0, best.s, best.s));
    }
    const double barsTop = std::max(out.large.bottom(), gridOrigin.y() + gridH) + kGap;
    if (barsStacked) {
        const double barW = std::min(320.0, area.width());
        const double barsLeft = area.left() + std::floor((area.width() - barW) / 2.0);
        out.classBar = QRectF(barsLeft, barsTop, barW, barBlock);
        out.lossBar = QRectF(barsLeft, barsTop + barBlock + kGap, barW, barBlock);
    } else {
        const double barW = std::min(260.0, (area.width() - 3.0 * kGap) / 2.0);
        const double barsLeft =
            area.left() + std::floor((area.width() - 2.0 * barW - 3.0 * kGap) / 2.0);
        out.classBar = QRectF(barsLeft, barsTop, barW, barBlock);
        out.lossBar = QRectF(barsLeft + barW + 3.0 * kGap, barsTop, barW, barBlock);
    }
    return out;
}

void HeatMapPainter::paintTileNote(QPainter& painter, const QRectF& tile, const QString& note,
                                   const QFont& font) const
{
    if (note.isEmpty())
        return;
    // The largest type, from the panel's down to kMinNotePixels, at which
    // the note fits the tile word-wrapped.
    const QRectF room = tile.adjusted(4.0, 4.0, -4.0, -4.0);
    const int flags = Qt::AlignCenter | Qt::TextWordWrap;
    QFont f = font;
    const int start = std::max(kMinNotePixels, QFontInfo(font).pixelSize());
    for (int pixels = start; pixels >= kMinNotePixels; --pixels) {
        f.setPixelSize(pixels);
        const QRectF text = QFontMetricsF(f).boundingRect(room, flags, note);
        if (text.width() > room.width() || text.height() > room.height())
            continue;
        // A white backing, so the note reads over the digit's ink.
        painter.save();
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(255, 255, 255, 225));
        painter.drawRoundedRect(text.adjusted(-2.0, -1.0, 2.0, 1.0) & tile, 2.0, 2.0);
        painter.setFont(f);
        painter.setPen(QColor(0x1f, 0x1f, 0x1f));
        painter.drawText(room, flags, note);
        painter.restore();
        return;
    }
}

void HeatMapPainter::paintColorBar(QPainter& painter, const QRectF& rect,
                                   const HeatMapPanel::Scale& scale, const QString& title,
                                   const QFont& font) const
{
    const QFontMetricsF fm(font);
    const double lh = std::ceil(fm.height());
    painter.setFont(font);
    painter.setPen(QColor(0x33, 0x33, 0x33));
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), lh),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(title, Qt::ElideRight, rect.width()));
    const QRectF bar(rect.left(), rect.top() + lh, rect.width(), 12.0);
    const int steps = std::max(2, static_cast<int>(bar.width()));
    QImage ramp(steps, 1, QImage::Format_RGB32);
    for (int i = 0; i < steps; ++i) {
        const double f = static_cast<double>(i) / (steps - 1);
        const float v = static_cast<float>(scale.lo + (scale.hi - scale.lo) * f);
        // The colours a background pixel gets at full overlay opacity.
        reinterpret_cast<QRgb*>(ramp.scanLine(0))[i] = composite(v, scale, 1.0, 255);
    }
    painter.drawImage(bar, ramp);
    painter.setPen(QPen(QColor(0x88, 0x88, 0x88), 1.0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(bar);
    const QRectF ticks(rect.left(), bar.bottom() + 3.0, rect.width(), lh);
    painter.setPen(kMuted);
    const QString more = scale.clipped ? QStringLiteral("≥ ") : QString();
    const QString less = scale.clipped ? QStringLiteral("≤ ") : QString();
    painter.drawText(ticks, Qt::AlignLeft | Qt::AlignVCenter,
                     scale.signedScale ? less + formatValue(scale.lo) : QStringLiteral("0"));
    painter.drawText(ticks, Qt::AlignRight | Qt::AlignVCenter,
                     more + (scale.signedScale ? QStringLiteral("+") : QString()) +
                         formatValue(scale.hi));
    if (scale.signedScale)
        painter.drawText(ticks, Qt::AlignHCenter | Qt::AlignVCenter, QStringLiteral("0"));
}

void HeatMapPainter::paint(QPainter& painter, const QRectF& area, const QFont& font, bool dim) const
{
    const HeatMapPanel::Layout layout = this->layout(area, font);
    const int C = m_panel.classCount();
    if (m_panel.m_shownId < 0 || C == 0 || layout.tiles.isEmpty())
        return;
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QFontMetricsF fm(font);
    QFont bold = font;
    bold.setBold(true);
    const int gt = m_panel.m_session->label(m_panel.m_shownId);
    const int pred = m_panel.m_session->prediction(m_panel.m_shownId);
    const bool right = gt == pred;
    const auto markColor = [&](int tile) -> QColor {
        if (tile == pred)
            return right ? kRight : kWrong;
        if (tile == gt)
            return kGroundTruth;
        return {};
    };
    const auto drawTile = [&](int tile, const QRectF& r, double frameWidth) {
        // Whole-factor upscale first: vector output (SVG/PDF) stays crisp where
        // viewers would smooth a 28×28 image.
        const QImage image = m_panel.tileImage(tile);
        if (!image.isNull())
            painter.drawImage(
                r, image.scaled(image.size() * 8, Qt::IgnoreAspectRatio, Qt::FastTransformation));
        const QColor mark = markColor(tile);
        if (mark.isValid()) {
            painter.setPen(QPen(mark, frameWidth, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
            painter.setBrush(Qt::NoBrush);
            const double h = frameWidth / 2.0;
            painter.drawRect(r.adjusted(-h, -h, h, h));
        } else {
            painter.setPen(QPen(QColor(0xb0, 0xb0, 0xb0), 1.0));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(r.adjusted(-1, -1, 0, 0));
        }
    };

    // The large tile and its title.
    const QStringList title = m_panel.largeTitle();
    const QColor largeMark =
        m_panel.m_largeTile == HeatMapPanel::kLossTile ? QColor() : markColor(m_panel.m_largeTile);
    const double lh = std::ceil(fm.height());
    const QRectF nameRect(layout.largeTitle.left(), layout.largeTitle.top(),
                          layout.largeTitle.width(), lh);
    painter.setFont(bold);
    painter.setPen(largeMark.isValid() ? largeMark : QColor(0x22, 0x22, 0x22));
    painter.drawText(
        nameRect, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(bold).elidedText(title.value(0), Qt::ElideRight, nameRect.width()));
    painter.setFont(font);
    painter.setPen(kMuted);
    painter.drawText(nameRect.translated(0, lh), Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(title.value(1), Qt::ElideRight, nameRect.width()));
    drawTile(m_panel.m_largeTile, layout.large, 3.0);
    QFont largeNoteFont = bold;
    largeNoteFont.setPixelSize(std::max(kMinNotePixels, QFontInfo(bold).pixelSize() + 2));
    paintTileNote(painter, layout.large, m_panel.tileNote(m_panel.m_largeTile), largeNoteFont);

    // The class tiles and the small loss tile.
    for (int i = 0; i <= C && i < layout.tiles.size(); ++i) {
        const int tile = i < C ? i : HeatMapPanel::kLossTile;
        const QRectF& r = layout.tiles[i];
        const QRectF& label = layout.tileLabels[i];
        const QColor mark = markColor(tile);
        QString text;
        if (tile == HeatMapPanel::kLossTile)
            text = HeatMapPanel::tr("loss %1").arg(formatLoss(m_panel.m_maps.loss));
        else
            text = QStringLiteral("%1  p=%2")
                       .arg(m_panel.m_session->className(tile))
                       .arg(formatProbability(
                           m_panel.m_maps.probabilities[static_cast<std::size_t>(tile)]));
        if (tile == m_panel.m_largeTile) {
            // The tile shown large: its cell on a light background.
            painter.fillRect(QRectF(label.left(), label.top() - 2.0, label.width(),
                                    r.bottom() + 6.0 + fm.height() - label.top()),
                             QColor(0xe3, 0xea, 0xf2));
        }
        painter.setFont(mark.isValid() ? bold : font);
        const QFontMetricsF tfm(painter.font());
        painter.setPen(mark.isValid() ? mark : QColor(0x33, 0x33, 0x33));
        painter.drawText(label, Qt::AlignHCenter | Qt::AlignVCenter,
                         tfm.elidedText(text, Qt::ElideRight, label.width()));
        drawTile(tile, r, 3.0);
        paintTileNote(painter, r, m_panel.tileNote(tile), font);
        QString tag;
        if (tile == gt && tile == pred)
            tag = HeatMapPanel::tr("GT = pred");
        else if (tile == gt)
            tag = HeatMapPanel::tr("GT");
        else if (tile == pred)
            tag = HeatMapPanel::tr("predicted");
        if (!tag.isEmpty()) {
            painter.setFont(bold);
            painter.setPen(mark);
            const QRectF tagRect(label.left(), r.bottom() + 4.0, label.width(), fm.height());
            painter.drawText(tagRect, Qt::AlignHCenter | Qt::AlignTop,
                             QFontMetricsF(bold).elidedText(tag, Qt::ElideRight, tagRect.width()));
        }
    }

    // Colour bars: what the values are, per method.
    using Method = HeatMapPanel::Method;
    const Method method = m_panel.m_method;
    QString classValue = HeatMapPanel::tr("d logit / d pixel");
    QString lossValue = HeatMapPanel::tr("d loss / d pixel");
    if (method == Method::GradientTimesInput) {
        classValue = HeatMapPanel::tr("d logit / d pixel × pixel");
        lossValue = HeatMapPanel::tr("d loss / d pixel × pixel");
    } else if (method == Method::Occlusion) {
        classValue = HeatMapPanel::tr("logit − logit with the cell hidden");
        lossValue = HeatMapPanel::tr("loss with the cell hidden − loss");
    }
    if (!m_panel.m_signed) {
        classValue = QLatin1Char('|') + classValue + QLatin1Char('|');
        lossValue = QLatin1Char('|') + lossValue + QLatin1Char('|');
    }
    const QString classTitle = method == Method::GradCam
                                   ? HeatMapPanel::tr("All class tiles: Grad-CAM")
                                   : HeatMapPanel::tr("All class tiles: %1").arg(classValue);
    paintColorBar(painter, layout.classBar, m_panel.m_classScale, classTitle, font);
    paintColorBar(painter, layout.lossBar, m_panel.m_lossScale,
                  HeatMapPanel::tr("Loss map: %1").arg(lossValue), font);

    if (dim) {
        painter.fillRect(area, QColor(255, 255, 255, 170));
        painter.setFont(bold);
        painter.setPen(QColor(0x33, 0x33, 0x33));
        painter.drawText(area, Qt::AlignCenter,
                         HeatMapPanel::tr("computing %1…")
                             .arg(m_panel.m_session->describe(m_panel.m_requestedId)));
    }
    painter.restore();
}

} // namespace mnistx::ui
