#include "ui/common/render_to_image.h"

#include <QPainter>

namespace mnistx::ui
{

QImage renderToImage(const std::function<void(QPainter* painter, const QRectF& target)>& render,
                     QSize logicalSize, qreal scale)
{
    if (!render || logicalSize.isEmpty() || !(scale > 0))
        return {};
    QImage image((QSizeF(logicalSize) * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return {};
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter painter(&image);
    render(&painter, QRectF(QPointF(0, 0), QSizeF(logicalSize)));
    return image;
}

} // namespace mnistx::ui
