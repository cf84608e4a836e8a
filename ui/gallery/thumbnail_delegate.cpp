#include "ui/gallery/thumbnail_delegate.h"

#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/gallery/sample_list_model.h"

#include <QFontMetrics>
#include <QImage>
#include <QListView>
#include <QPainter>
#include <algorithm>

namespace mnistx::ui
{

namespace
{
constexpr int kPad = 5;        // around the digit and the text, px
constexpr int kImageSide = 28; // MNIST
const QColor kFrame(0xb0, 0xb0, 0xb0);
} // namespace

ThumbnailDelegate::ThumbnailDelegate(QObject* parent, Caption caption)
    : QStyledItemDelegate(parent), m_caption(caption)
{
}

void ThumbnailDelegate::setScale(int scale)
{
    m_scale = std::max(1, scale);
}

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int side = kImageSide * m_scale;
    const QFontMetrics fm(option.font);
    if (m_caption == Caption::Compact) {
        const int width =
            std::max(side, fm.horizontalAdvance(QStringLiteral("0.000 · 9→9"))) + 2 * kPad;
        return {width, kPad + side + 3 + fm.height() + kPad};
    }
    // Wide enough for the longest lines ("validation #9999", "9→9  loss 0.0006").
    const int width = std::max({side, fm.horizontalAdvance(QStringLiteral("validation #9999")),
                                fm.horizontalAdvance(QStringLiteral("9→9 loss 0.0006")) + 6}) +
                      2 * kPad;
    return {width, kPad + side + 3 + 3 * fm.height() + kPad};
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

    // Without model scores (no CorrectRole) a sample is neither right nor
    // wrong: the caption is its class only.
    const QVariant correctness = index.data(SampleListModel::CorrectRole);
    const bool scored = correctness.isValid();
    const bool correct = !scored || correctness.toBool();
    const QColor wrong = wrongColor();
    const QRect digit = thumbnailRect(cell);
    const QImage image = index.data(SampleListModel::ThumbnailRole).value<QImage>();
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
        painter->setPen(QPen(wrong, 2));
        painter->drawRect(QRectF(digit).adjusted(-1.0, -1.0, 1.0, 1.0));
    }

    const QFontMetrics fm(option.font);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = pal.color(QPalette::PlaceholderText);
    const int lh = fm.height();
    const int inset = m_caption == Caption::Compact ? 2 : 3;
    QRect line(cell.left() + inset, digit.bottom() + 4, cell.width() - 2 * inset, lh);
    const QString lossText =
        scored ? formatLossShort(index.data(SampleListModel::LossRole).toDouble()) : QString();

    if (m_caption == Caption::Neighbour) {
        painter->setFont(option.font);
        painter->setPen(text);
        const QString name = index.data(Qt::DisplayRole).toString();
        painter->drawText(line, Qt::AlignHCenter | Qt::AlignVCenter,
                          fm.elidedText(name, Qt::ElideMiddle, line.width()));
        line.translate(0, lh);
    }

    // "GT→pred" on the left in bold (red when wrong), the loss on the right;
    // long class names give way (elided) to the loss.
    QFont bold = option.font;
    bold.setBold(true);
    const QString loss =
        !scored || m_caption == Caption::Compact ? lossText : tr("loss %1").arg(lossText);
    const int lossWidth = scored ? fm.horizontalAdvance(loss) + 4 : 0;
    painter->setFont(bold);
    painter->setPen(correct ? text : wrong);
    const QString labelName = index.data(SampleListModel::LabelNameRole).toString();
    const QString pair =
        scored ? QStringLiteral("%1→%2").arg(
                     labelName, index.data(SampleListModel::PredictionNameRole).toString())
               : labelName;
    painter->drawText(
        line.adjusted(0, 0, -lossWidth, 0), Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(bold).elidedText(pair, Qt::ElideRight, std::max(line.width() - lossWidth, 0)));
    painter->setFont(option.font);
    painter->setPen(correct ? muted : wrong);
    painter->drawText(line, Qt::AlignRight | Qt::AlignVCenter, loss);

    if (m_caption == Caption::Neighbour) {
        // The rank ("1." = nearest) on the left, the feature-space distance on the right.
        line.translate(0, lh);
        painter->setPen(muted);
        painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                          QStringLiteral("%1.").arg(index.data(SampleListModel::RankRole).toInt()));
        painter->drawText(
            line, Qt::AlignRight | Qt::AlignVCenter,
            tr("d %1").arg(formatDistance(index.data(SampleListModel::DistanceRole).toDouble())));
    }
    painter->restore();
}

void setUpThumbnailGrid(QListView* view, ThumbnailDelegate* delegate)
{
    view->setItemDelegate(delegate);
    view->setViewMode(QListView::IconMode);
    view->setMovement(QListView::Static);
    view->setFlow(QListView::LeftToRight);
    view->setWrapping(true);
    view->setResizeMode(QListView::Adjust);
    view->setUniformItemSizes(true);
    view->setSpacing(2);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setDragEnabled(false);
    view->setMouseTracking(true);
}

} // namespace mnistx::ui
