#include "ui/inspector/digit_view.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{
constexpr int kPreferredScale =
    8; // 28 px → 224 px: strokes readable, whole panel still fits at 1280×800
constexpr int kMinimumScale = 3;
constexpr int kExportUpscale = 16; // vector output embeds 448 px: crisp even when viewers smooth it
} // namespace

DigitView::DigitView(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void DigitView::setImage(const QImage& image)
{
    m_image = image;
    update();
}

QSize DigitView::sizeHint() const
{
    const QSize s = m_image.isNull() ? QSize(28, 28) : m_image.size();
    return s * kPreferredScale + QSize(2, 2);
}

QSize DigitView::minimumSizeHint() const
{
    const QSize s = m_image.isNull() ? QSize(28, 28) : m_image.size();
    return s * kMinimumScale + QSize(2, 2);
}

QRectF DigitView::digitRect(const QSize& imageSize, const QRectF& target)
{
    if (imageSize.isEmpty() || target.isEmpty())
        return {};
    const double fit = std::min((target.width() - 2.0) / imageSize.width(),
                                (target.height() - 2.0) / imageSize.height());
    const double factor = fit >= 1.0 ? std::floor(fit) : std::max(fit, 0.0);
    const QSizeF size(imageSize.width() * factor, imageSize.height() * factor);
    QRectF r(QPointF(0, 0), size);
    r.moveCenter(target.center());
    // Whole logical pixels: the squares of a nearest-neighbour image stay even.
    r.moveTopLeft(QPointF(std::round(r.left()), std::round(r.top())));
    return r;
}

int DigitView::scaleFactor() const
{
    const QRectF r = digitRect(m_image.size(), QRectF(rect()));
    return r.isEmpty() ? 0 : static_cast<int>(r.width() / m_image.width());
}

QRectF DigitView::paintDigit(QPainter* painter, const QImage& image, const QRectF& target)
{
    const QRectF r = digitRect(image.size(), target);
    if (r.isEmpty())
        return r;
    painter->save();
    painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->drawImage(r, image.scaled(image.size() * kExportUpscale, Qt::IgnoreAspectRatio,
                                       Qt::FastTransformation));
    painter->setPen(QPen(QColor(0x88, 0x88, 0x88), 1.0));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(r.adjusted(-1.0, -1.0, 0.0, 0.0));
    painter->restore();
    return r;
}

void DigitView::setPlaceholder(const QString& text)
{
    m_placeholder = text;
    update();
}

void DigitView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    if (m_image.isNull()) {
        // No pixels (the run's images are not loaded): say so instead of a blank square.
        const QRectF r = digitRect(QSize(28, 28), QRectF(rect()));
        painter.setPen(QColor(0x99, 0x99, 0x99));
        painter.drawRect(r.adjusted(0, 0, -1, -1));
        painter.drawText(r, Qt::AlignCenter | Qt::TextWordWrap,
                         m_placeholder.isEmpty() ? tr("image not loaded") : m_placeholder);
        return;
    }
    paintDigit(&painter, m_image, QRectF(rect()));
}

} // namespace mnistx::ui
