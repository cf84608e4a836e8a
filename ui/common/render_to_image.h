#pragma once

#include <QImage>
#include <QRectF>
#include <QSize>
#include <functional>

class QPainter;

namespace mnistx::ui
{

// A view drawn by render (painter coordinates in logical pixels, target at
// logicalSize) into an image of logicalSize × scale device pixels on white,
// with the device pixel ratio set to scale so text and hairlines are drawn
// at full resolution rather than scaled up. Every exportable widget's
// renderImage and the PNG export go through it. Null for an empty size, a
// scale ≤ 0 or when the image cannot be allocated. Any thread with a
// QGuiApplication, for QPainter-only views.
QImage renderToImage(const std::function<void(QPainter* painter, const QRectF& target)>& render,
                     QSize logicalSize, qreal scale);

} // namespace mnistx::ui
