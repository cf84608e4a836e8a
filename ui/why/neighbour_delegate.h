#pragma once

#include <QStyledItemDelegate>

namespace mnistx::ui
{

// Paints one row of a NeighbourModel as a gallery cell: the digit ×3
// (nearest-neighbour), "train #123", "GT→pred" with the loss, and the rank
// ("3.") with the feature-space distance ("d 1.79"). Misclassified
// neighbours get a red frame and red text, as in the selection gallery.
// Every cell has the same size. GUI thread only.
class NeighbourDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit NeighbourDelegate(QObject* parent = nullptr);

    void setScale(int scale); // whole factor, ≥ 1
    int scale() const { return m_scale; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_scale = 3;
};

} // namespace mnistx::ui
