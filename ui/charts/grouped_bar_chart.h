#pragma once

#include <QColor>
#include <QList>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <memory>

class QPainter;

namespace mnistx::ui
{

// Bars grouped by category: one bar per set in every category, a value axis
// from 0, a category axis with a title, a legend of the sets when asked for,
// and a placeholder text in the plot while there is nothing to show. Behind
// our chart interface like ChartView: no Qt Charts type in this header.
//
// Category labels never run into the axis title: they are turned (0°, -45°,
// -90°) as the slots narrow, then shown in their compact form (with its own
// axis title) when the full form would not fit above the title, then shown
// without the title, and elided only as the last resort. Value labels sit
// above the bars of a single set while each fits its slot.
//
// Rectangles are logical pixels in this widget. GUI thread only.
class GroupedBarChart : public QWidget
{
    Q_OBJECT
public:
    struct BarSet {
        QString name; // in the legend
        QColor color;
        QVector<double> values; // one per category
    };

    explicit GroupedBarChart(QWidget* parent = nullptr);
    ~GroupedBarChart() override;

    void setTitle(const QString& title);
    void setValueAxisTitle(const QString& title);
    // One label per category, with the axis title that goes with them; the
    // compact labels (the same count, fewer characters; may equal labels)
    // and their title are used where the labels would not fit.
    void setCategories(const QStringList& labels, const QString& title,
                       const QStringList& compactLabels, const QString& compactTitle);
    // Replaces the bars. barWidth: the share of a category's slot the bars
    // take, in (0,1]. The legend is a row below the plot for a few sets, a
    // column on its right for more.
    void setBarSets(const QList<BarSet>& sets, bool legend, qreal barWidth);
    // Drawn in the middle of the plot; empty to remove.
    void setPlaceholderText(const QString& text);

    // --- What the chart shows (tests, tooltips)
    QStringList categories() const; // as shown: full or compact
    int barSetCount() const;
    QString barSetName(int set) const;
    QColor barSetColor(int set) const;
    QVector<double> barValues(int set) const;
    int categoryLabelAngle() const; // 0, -45 or -90
    bool categoryLabelsShortened() const;
    // The visible category labels' boxes (turned ones included) with their
    // texts as drawn (maybe elided) in *texts, and the axis title's box
    // (empty when it is left out).
    QVector<QRectF> categoryLabelRects(QStringList* texts = nullptr) const;
    QRectF categoryAxisTitleRect() const;

    // Draws the chart into target at target's size, whether or not the
    // widget is shown; the widget's own chart is left as it was.
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;

Q_SIGNALS:
    // The mouse entered (on) or left a bar.
    void barHovered(bool on, int category, int set);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Private;
    void fitCategoryLabels(qreal plotWidth) const;

    std::unique_ptr<Private> d;
};

} // namespace mnistx::ui
