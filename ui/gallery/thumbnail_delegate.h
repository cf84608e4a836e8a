#pragma once

#include <QStyledItemDelegate>

class QListView;

namespace mnistx::ui
{

// Paints one row of a SampleListModel as a grid cell: the 28×28 digit
// enlarged nearest-neighbour (×3: strokes readable, 6–8 cells across a side
// panel) and a caption beneath. Wrong predictions get a red frame and red
// text. Every cell has the same size (views can use uniform item sizes) and
// nothing is cached per item.
// GUI thread only.
class ThumbnailDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    enum class Caption {
        // "GT→pred" and the loss: one line, so a large selection shows many cells.
        Compact,
        // The sample's name ("train #123"), "GT→pred" with the loss, and the
        // rank ("3.") with the feature-space distance ("d 1.79"): a short
        // list of neighbours, where each one is worth the extra lines.
        Neighbour,
    };

    explicit ThumbnailDelegate(QObject* parent = nullptr, Caption caption = Caption::Compact);

    void setScale(int scale); // whole factor, ≥ 1
    int scale() const { return m_scale; }
    Caption caption() const { return m_caption; }
    // The digit's rectangle inside a cell rectangle.
    QRect thumbnailRect(const QRect& cell) const;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_scale = 3;
    Caption m_caption;
};

// Sets view up as a static, wrapping grid of uniform cells painted by
// delegate (icon mode, single selection, no editing or dragging, hover on).
void setUpThumbnailGrid(QListView* view, ThumbnailDelegate* delegate);

} // namespace mnistx::ui
