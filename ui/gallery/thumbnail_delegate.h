#pragma once

#include <QStyledItemDelegate>

namespace mnistx::ui
{

// Paints one sample of a SelectionModel as a gallery cell: the 28×28 digit
// enlarged nearest-neighbour (×3: strokes readable, 6–8 cells across a side
// panel), "GT→pred" and the loss beneath. Wrong predictions get a red frame
// and red text. Every cell has the same size (views can use uniform item
// sizes) and nothing is cached per item.
// GUI thread only.
class ThumbnailDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit ThumbnailDelegate(QObject* parent = nullptr);

    void setScale(int scale); // whole factor, ≥ 1
    int scale() const { return m_scale; }
    // The digit's rectangle inside a cell rectangle.
    QRect thumbnailRect(const QRect& cell) const;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_scale = 3;
};

} // namespace mnistx::ui
