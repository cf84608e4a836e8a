#include "ui/why/neighbour_delegate.h"

#include "ui/why/neighbour_model.h"

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

QString formatLoss(double loss)
{
    return loss >= 0.01 ? QString::number(loss, 'f', 2) : QString::number(loss, 'g', 1);
}
} // namespace

NeighbourDelegate::NeighbourDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

void NeighbourDelegate::setScale(int scale)
{
    m_scale = std::max(1, scale);
}

QSize NeighbourDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int side = kImageSide * m_scale;
    const QFontMetrics fm(option.font);
    // Wide enough for the longest lines ("validation #9999", "9→9  loss 0.0006").
    const int width = std::max({side, fm.horizontalAdvance(QStringLiteral("validation #9999")),
                                fm.horizontalAdvance(QStringLiteral("9→9 loss 0.0006")) + 6}) +
                      2 * kPad;
    return {width, kPad + side + 3 + 3 * fm.height() + kPad};
}

void NeighbourDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
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

    const bool correct = index.data(NeighbourModel::CorrectRole).toBool();
    const int side = kImageSide * m_scale;
    const QRect digit(cell.left() + (cell.width() - side) / 2, cell.top() + kPad, side, side);
    const QImage image = index.data(NeighbourModel::ThumbnailRole).value<QImage>();
    if (image.isNull()) {
        painter->fillRect(digit, QColor(0x30, 0x30, 0x30));
    } else {
        // Whole-factor nearest-neighbour: each source pixel a sharp square.
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(
            digit, image.scaled(digit.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation));
    }
    if (correct) {
        painter->setPen(QPen(kFrame, 1));
        painter->drawRect(digit.adjusted(-1, -1, 0, 0));
    } else {
        painter->setPen(QPen(kWrong, 2));
        painter->drawRect(QRectF(digit).adjusted(-1.0, -1.0, 1.0, 1.0));
    }

    const QFontMetrics fm(option.font);
    const int lh = fm.height();
    const QRect line1(cell.left() + 3, digit.bottom() + 4, cell.width() - 6, lh);
    const QRect line2 = line1.translated(0, lh);
    const QRect line3 = line2.translated(0, lh);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);

    painter->setFont(option.font);
    painter->setPen(text);
    const QString name = index.data(Qt::DisplayRole).toString();
    painter->drawText(line1, Qt::AlignHCenter | Qt::AlignVCenter,
                      fm.elidedText(name, Qt::ElideMiddle, line1.width()));

    // "GT→pred" in bold (red when wrong) on the left, the loss on the right.
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(correct ? text : kWrong);
    const QString pair = QStringLiteral("%1→%2")
                             .arg(index.data(NeighbourModel::LabelRole).toInt())
                             .arg(index.data(NeighbourModel::PredictionRole).toInt());
    painter->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter, pair);
    painter->setFont(option.font);
    painter->setPen(correct ? muted : kWrong);
    painter->drawText(
        line2, Qt::AlignRight | Qt::AlignVCenter,
        tr("loss %1").arg(formatLoss(index.data(NeighbourModel::LossRole).toDouble())));

    // The rank ("1." = nearest) on the left, the feature-space distance on the right.
    painter->setPen(muted);
    painter->drawText(line3, Qt::AlignLeft | Qt::AlignVCenter,
                      QStringLiteral("%1.").arg(index.data(NeighbourModel::RankRole).toInt()));
    painter->drawText(line3, Qt::AlignRight | Qt::AlignVCenter,
                      tr("d %1").arg(QString::number(
                          index.data(NeighbourModel::DistanceRole).toDouble(), 'f', 2)));
    painter->restore();
}

} // namespace mnistx::ui
