#include "ui/gallery/thumbnail_delegate.h"

#include "ui/gallery/selection_model.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <algorithm>

namespace mnistx::ui
{

namespace
{
constexpr int kPad = 5;        // around the digit and the text, px
constexpr int kImageSide = 28; // MNIST
const QColor kWrong(0xc6, 0x28, 0x28);
const QColor kFrame(0xb0, 0xb0, 0xb0);
} // namespace

ThumbnailDelegate::ThumbnailDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

void ThumbnailDelegate::setScale(int scale)
{
    m_scale = std::max(1, scale);
}

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int side = kImageSide * m_scale;
    const QFontMetrics fm(option.font);
    const int width =
        std::max(side, fm.horizontalAdvance(QStringLiteral("0.000 · 9→9"))) + 2 * kPad;
    return {width, kPad + side + 3 + fm.height() + kPad};
}

QRect ThumbnailDelegate::thumbnailRect(const QRect& cell) const
{
    const int side = kImageSide * m_scale;
    return {cell.left() + (cell.width() - side) / 2, cell.top() + kPad, side, side};
}

void ThumbnailDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const
{
    painter->save();
    const QRect cell = option.rect;
    const QPalette& pal = option.palette;
    if (option.state & QStyle::State_Selected) {
        painter->fillRect(cell.adjusted(1, 1, -1, -1), pal.color(QPalette::Highlight).lighter(170));
        painter->setPen(QPen(pal.color(QPalette::Highlight), 2));
        painter->drawRect(cell.adjusted(1, 1, -2, -2));
    } else if (option.state & QStyle::State_MouseOver) {
        painter->fillRect(cell.adjusted(1, 1, -1, -1), pal.color(QPalette::Highlight).lighter(190));
    }

    const bool correct = index.data(SelectionModel::CorrectRole).toBool();
    const QRect digit = thumbnailRect(cell);
    const QImage image = index.data(SelectionModel::ThumbnailRole).value<QImage>();
    if (image.isNull()) {
        painter->fillRect(digit, QColor(0x30, 0x30, 0x30));
    } else {
        // Whole-factor nearest-neighbour: each source pixel a sharp square.
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(digit, image);
    }
    if (correct) {
        painter->setPen(QPen(kFrame, 1));
        painter->drawRect(digit.adjusted(-1, -1, 0, 0));
    } else {
        painter->setPen(QPen(kWrong, 2));
        painter->drawRect(QRectF(digit).adjusted(-1.0, -1.0, 1.0, 1.0));
    }

    const QFontMetrics fm(option.font);
    const QRect textRect(cell.left() + 2, digit.bottom() + 4, cell.width() - 4, fm.height());
    const QString pair = index.data(Qt::DisplayRole).toString();
    const double loss = index.data(SelectionModel::LossRole).toDouble();
    const QString lossText =
        loss >= 0.01 ? QString::number(loss, 'f', 2) : QString::number(loss, 'g', 1);
    // "GT→pred" on the left in bold (red when wrong), the loss on the right.
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(correct ? pal.color(QPalette::Text) : kWrong);
    painter->drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, pair);
    painter->setFont(option.font);
    painter->setPen(correct ? pal.color(QPalette::PlaceholderText) : kWrong);
    painter->drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, lossText);
    painter->restore();
}

} // namespace mnistx::ui
