#pragma once

#include <QImage>
#include <QRectF>
#include <QWidget>

class QPainter;

namespace mnistx::ui
{

// One digit image shown large and crisp: scaled by the largest whole factor
// that fits (nearest-neighbour, so every source pixel stays a sharp square),
// centred, with a thin frame. The image is shown as given (MNIST: white ink
// on black). GUI thread only.
class DigitView : public QWidget
{
    Q_OBJECT
public:
    explicit DigitView(QWidget* parent = nullptr);

    void setImage(const QImage& image);
    // What the empty square says when there is no image ("image not loaded").
    void setPlaceholder(const QString& text);
    const QImage& image() const { return m_image; }
    // The whole factor the image is drawn at in the widget now (0: none).
    int scaleFactor() const;

    // Draws image into target, fitted at the largest whole factor (a smaller
    // fractional one when even 1× does not fit), centred; returns where it
    // went. The image is enlarged nearest-neighbour before drawing, so vector
    // output (SVG, PDF) stays crisp in viewers that smooth embedded images.
    static QRectF paintDigit(QPainter* painter, const QImage& image, const QRectF& target);
    static QRectF digitRect(const QSize& imageSize, const QRectF& target);

    QSize sizeHint() const override;        // 8× a 28×28 image: 224 px
    QSize minimumSizeHint() const override; // 3×: 84 px
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_image;
    QString m_placeholder;
};

} // namespace mnistx::ui
