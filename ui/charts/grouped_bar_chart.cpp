#include "ui/charts/grouped_bar_chart.h"

#include "ui/charts/chart_style.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLegend>
#include <QPainter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// Room above the highest bar, so its value label and the top tick fit.
constexpr double kValueHeadroom = 1.12;
// Pixels kept free between neighbouring category labels.
constexpr qreal kLabelGap = 6.0;
using chartgeometry::kAxisPadding;
using chartgeometry::kAxisShare;
using chartgeometry::kLabelMargins;
// Most sets the legend shows as one row under the chart.
constexpr int kLegendRowEntries = 4;

// Whether an axis text item shows `text`, whole or elided by Qt Charts.
bool showsText(const QString& shown, const QString& text)
{
    if (shown == text)
        return true;
    for (const QString& ellipsis : {QStringLiteral("..."), QStringLiteral("\u2026")})
        if (shown.endsWith(ellipsis))
            return text.startsWith(shown.chopped(ellipsis.size()));
    return false;
}

} // namespace

struct GroupedBarChart::Private {
    QChart* chart = nullptr;                        // owned by the view
    QBarSeries* series = nullptr;                   // owned by the chart
    QBarCategoryAxis* xAxis = nullptr;              // owned by the chart
    QValueAxis* yAxis = nullptr;                    // owned by the chart
    QGraphicsSimpleTextItem* placeholder = nullptr; // child item of the chart
    // The category labels in full ("0.12–0.35") and short ("0.12"), and the
    // axis title for each; fitCategoryLabels picks the form that fits.
    QStringList fullLabels;
    QStringList compactLabels;
    QString fullTitle;
    QString compactTitle;
    // Declared last, destroyed first (before QWidget's child cleanup), while
    // the chart its signals call into is still whole.
    std::unique_ptr<QChartView> view;

    void placePlaceholder()
    {
        const QRectF plot = chart->plotArea();
        const QRectF text = placeholder->boundingRect();
        placeholder->setPos(plot.center() - QPointF(text.width() / 2, text.height() / 2));
    }
    // Lays the chart out at `size` now (QGraphicsLayout otherwise waits for
    // the event loop), so rendering sees the new geometry.
    void layoutAt(const QSizeF& size)
    {
        chart->resize(size);
        if (chart->layout())
            chart->layout()->activate();
        // The legend lays its markers out by itself, on the event loop.
        if (chart->legend()->layout())
            chart->legend()->layout()->activate();
        placePlaceholder();
    }
    // A scene rectangle in the chart widget's coordinates.
    QRectF toWidget(const QRectF& scene) const
    {
        return view->mapFromScene(scene).boundingRect().translated(view->pos());
    }
};

GroupedBarChart::GroupedBarChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>())
{
    auto* chart = new QChart(); // owned by the view (setChart)
    styleChart(chart);
    d->chart = chart;
    d->series = new QBarSeries(chart);
    chart->addSeries(d->series);
    d->xAxis = new QBarCategoryAxis(chart);
    d->yAxis = new QValueAxis(chart);
    styleAxis(d->xAxis);
    styleAxis(d->yAxis);
    // Category labels are turned, shortened and only then elided
    // (fitCategoryLabels): never longer than the room above the axis title,
    // which a turned label that the layout gave too little height would
    // otherwise run into. The value ticks are short numbers.
    d->yAxis->setTruncateLabels(false);
    d->xAxis->setTruncateLabels(false);
    d->xAxis->setGridLineVisible(false);
    d->yAxis->setLabelFormat(QStringLiteral("%g"));
    d->yAxis->setTickCount(6); // applyNiceNumbers then picks round steps near a fifth
    chart->addAxis(d->xAxis, Qt::AlignBottom);
    chart->addAxis(d->yAxis, Qt::AlignLeft);
    d->series->attachAxis(d->xAxis);
    d->series->attachAxis(d->yAxis);
    d->placeholder = new QGraphicsSimpleTextItem(chart);
    d->placeholder->setBrush(QColor(0x70, 0x70, 0x70));
    d->placeholder->setZValue(1000);

    d->view = std::make_unique<QChartView>(chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->view->setMouseTracking(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view.get());

    connect(chart, &QChart::plotAreaChanged, this, [this](const QRectF& plot) {
        fitCategoryLabels(plot.width());
        d->placePlaceholder();
    });
    connect(d->series, &QBarSeries::hovered, this, [this](bool on, int index, QBarSet* set) {
        Q_EMIT barHovered(on, index, static_cast<int>(d->series->barSets().indexOf(set)));
    });
}

GroupedBarChart::~GroupedBarChart()
{
    disconnect(d->chart, nullptr, this, nullptr);
    disconnect(d->series, nullptr, this, nullptr);
}

void GroupedBarChart::setTitle(const QString& title)
{
    d->chart->setTitle(title);
}

void GroupedBarChart::setValueAxisTitle(const QString& title)
{
    d->yAxis->setTitleText(title);
}

void GroupedBarChart::setCategories(const QStringList& labels, const QString& title,
                                    const QStringList& compactLabels, const QString& compactTitle)
{
    d->fullLabels = labels;
    d->fullTitle = title;
    d->compactLabels = compactLabels.size() == labels.size() ? compactLabels : labels;
    d->compactTitle = compactTitle;
    d->xAxis->setTitleText(title);
    d->xAxis->setCategories(labels);
    fitCategoryLabels(d->chart->plotArea().width());
}

void GroupedBarChart::setBarSets(const QList<BarSet>& sets, bool legend, qreal barWidth)
{
    d->series->clear(); // deletes the old bar sets
    double top = 0.0;
    QList<QBarSet*> bars;
    for (const BarSet& s : sets) {
        auto* set = new QBarSet(s.name);
        QList<qreal> values;
        values.reserve(s.values.size());
        for (double v : s.values) {
            values.append(v);
            top = std::max(top, v);
        }
        set->append(values);
        set->setColor(s.color);
        set->setBorderColor(s.color.darker(130)); // light bars (yellow, light orange) keep an edge
        set->setLabelColor(QColor(0x33, 0x33, 0x33));
        bars.append(set);
    }
    d->series->append(bars);
    d->series->setLabelsVisible(false); // fitCategoryLabels shows them when they fit
    d->series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    d->series->setLabelsFormat(QStringLiteral("@value"));
    d->series->setLabelsPrecision(3);
    d->series->setBarWidth(barWidth);
    d->chart->legend()->setVisible(legend);
    // A row of entries below the chart for a few sets; a column on the
    // right for more (Qt Charts does not wrap a legend row, it drops it).
    d->chart->legend()->setAlignment(sets.size() <= kLegendRowEntries ? Qt::AlignBottom
                                                                      : Qt::AlignRight);
    d->yAxis->setRange(0.0, top > 0 ? top * kValueHeadroom : 1.0);
    d->yAxis->applyNiceNumbers();
    fitCategoryLabels(d->chart->plotArea().width());
}

void GroupedBarChart::setPlaceholderText(const QString& text)
{
    d->placeholder->setText(text);
    d->placeholder->setVisible(!text.isEmpty());
    d->placePlaceholder();
}

void GroupedBarChart::fitCategoryLabels(qreal plotWidth) const
{
    Private& c = *d;
    int angle = 0;
    if (!c.fullLabels.isEmpty() && plotWidth > 0) {
        const QFontMetricsF fm(c.xAxis->labelsFont());
        const qreal slot = plotWidth / c.fullLabels.size();
        // The room the axis leaves its labels above its title (see
        // kAxisShare): a share of the chart's layout height below the plot's
        // top (no axis above it), less the legend's row.
        qreal layoutBottom = 0.0;
        if (c.chart->layout())
            c.chart->layout()->getContentsMargins(nullptr, nullptr, nullptr, &layoutBottom);
        qreal layoutHeight = c.chart->size().height() - c.chart->margins().bottom() - layoutBottom -
                             c.chart->plotArea().top();
        if (c.chart->legend()->isVisible() && c.chart->legend()->alignment() == Qt::AlignBottom)
            layoutHeight -= c.chart->legend()->size().height();
        const qreal titleHeight = QFontMetricsF(c.xAxis->titleFont()).height();
        const qreal labelRoom = kAxisShare * layoutHeight - titleHeight - kAxisPadding;
        // Qt Charts centres a turned label on its category and hides labels
        // that leave the axis or touch a neighbour: at 45° a label needs a
        // slot as wide as its bounding box, at 90° one line of text (when
        // even that does not fit, Qt leaves out every other label).
        const auto fit = [&](const QStringList& labels, qreal* height) {
            qreal widest = 0;
            for (const QString& l : labels)
                widest = std::max(widest, fm.horizontalAdvance(l));
            const qreal turnedWidth = (widest + fm.height()) * std::sqrt(0.5);
            if (widest + kLabelGap <= slot) {
                *height = fm.height() + kLabelMargins;
                return 0;
            }
            if (turnedWidth + kLabelGap / 2 <= slot) {
                *height = turnedWidth + kLabelMargins;
                return -45;
            }
            *height = widest + kLabelMargins;
            return -90;
        };
        // The labels in full while they fit above the title; else the
        // compact form (Qt Charts would elide "0.12–0.35" to "0..."); else
        // without the axis title (the chart's title names the categories);
        // only then elided by Qt Charts.
        qreal height = 0;
        angle = fit(c.fullLabels, &height);
        const bool compact = height > labelRoom && c.compactLabels != c.fullLabels;
        if (compact)
            angle = fit(c.compactLabels, &height);
        const bool titled = height <= labelRoom;
        const bool elide = height > labelRoom + (titled ? 0.0 : titleHeight);
        const QStringList& labels = compact ? c.compactLabels : c.fullLabels;
        if (c.xAxis->categories() != labels)
            c.xAxis->setCategories(labels);
        const QString& title = compact ? c.compactTitle : c.fullTitle;
        if (c.xAxis->titleText() != title)
            c.xAxis->setTitleText(title);
        if (c.xAxis->isTitleVisible() != titled)
            c.xAxis->setTitleVisible(titled);
        // Eliding also applies to a turned label's thickness, which would
        // leave "..." for every label of a narrow slot: only as the last resort.
        if (c.xAxis->truncateLabels() != elide)
            c.xAxis->setTruncateLabels(elide);
        // Value labels above the bars only while each fits its bar's slot.
        const QList<QBarSet*> sets = c.series->barSets();
        bool valuesFit = sets.size() == 1;
        for (int g = 0; valuesFit && g < sets.front()->count(); ++g)
            valuesFit =
                fm.horizontalAdvance(QString::number(sets.front()->at(g), 'g', 3)) + kLabelGap <=
                slot;
        if (c.series->isLabelsVisible() != valuesFit)
            c.series->setLabelsVisible(valuesFit);
    }
    if (c.xAxis->labelsAngle() != angle)
        c.xAxis->setLabelsAngle(angle);
}

void GroupedBarChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitCategoryLabels(d->chart->plotArea().width());
}

QStringList GroupedBarChart::categories() const
{
    return d->xAxis->categories();
}

int GroupedBarChart::barSetCount() const
{
    return d->series->count();
}

QString GroupedBarChart::barSetName(int set) const
{
    const QList<QBarSet*> sets = d->series->barSets();
    return set >= 0 && set < sets.size() ? sets[set]->label() : QString();
}

QColor GroupedBarChart::barSetColor(int set) const
{
    const QList<QBarSet*> sets = d->series->barSets();
    return set >= 0 && set < sets.size() ? sets[set]->color() : QColor();
}

QVector<double> GroupedBarChart::barValues(int set) const
{
    QVector<double> out;
    const QList<QBarSet*> sets = d->series->barSets();
    if (set < 0 || set >= sets.size())
        return out;
    for (int i = 0; i < sets[set]->count(); ++i)
        out.append(sets[set]->at(i));
    return out;
}

int GroupedBarChart::categoryLabelAngle() const
{
    return d->xAxis->labelsAngle();
}

bool GroupedBarChart::categoryLabelsShortened() const
{
    return d->xAxis->categories() != d->fullLabels;
}

QVector<QRectF> GroupedBarChart::categoryLabelRects(QStringList* texts) const
{
    // Qt Charts keeps its axis items private: find them among the scene's
    // text items, by their text and by lying under the plot area.
    QVector<QRectF> out;
    const QRectF plot = d->chart->plotArea();
    const QStringList categories = d->xAxis->categories();
    for (const QGraphicsItem* item : d->chart->scene()->items()) {
        const auto* text = qgraphicsitem_cast<const QGraphicsTextItem*>(item);
        if (!text || !text->isVisible() || !text->parentItem())
            continue;
        const QRectF box = text->sceneBoundingRect();
        if (box.top() < plot.bottom() - 1.0 || box.center().x() < plot.left() ||
            box.center().x() > plot.right())
            continue;
        const QString shown = text->toPlainText();
        if (std::any_of(categories.begin(), categories.end(),
                        [&](const QString& c) { return showsText(shown, c); })) {
            out.append(d->toWidget(box));
            if (texts)
                texts->append(shown);
        }
    }
    return out;
}

QRectF GroupedBarChart::categoryAxisTitleRect() const
{
    const QString title = d->xAxis->titleText();
    if (title.isEmpty() || !d->xAxis->isTitleVisible())
        return {};
    // The title's item: its text whole, or elided (then the lowest such item:
    // an elided label may read "..." too).
    const QGraphicsTextItem* found = nullptr;
    for (const QGraphicsItem* item : d->chart->scene()->items()) {
        const auto* text = qgraphicsitem_cast<const QGraphicsTextItem*>(item);
        if (!text || !text->isVisible() || !showsText(text->toPlainText(), title))
            continue;
        if (text->toPlainText() == title) {
            found = text;
            break;
        }
        if (!found || text->sceneBoundingRect().top() > found->sceneBoundingRect().top())
            found = text;
    }
    return found ? d->toWidget(found->sceneBoundingRect()) : QRectF();
}

void GroupedBarChart::render(QPainter* painter, const QRectF& target) const
{
    Private& c = *d;
    const QSizeF oldSize = c.chart->size();
    const int oldAngle = c.xAxis->labelsAngle();
    const QStringList oldLabels = c.xAxis->categories();
    const QString oldTitle = c.xAxis->titleText();
    const bool oldTitled = c.xAxis->isTitleVisible();
    const bool oldElide = c.xAxis->truncateLabels();
    c.layoutAt(target.size());
    fitCategoryLabels(c.chart->plotArea().width());
    c.layoutAt(target.size());

    painter->save();
    painter->fillRect(target, Qt::white);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    const QRectF source(c.chart->mapToScene(QPointF(0, 0)), target.size());
    c.chart->scene()->render(painter, target, source, Qt::IgnoreAspectRatio);
    painter->restore();

    c.xAxis->setLabelsAngle(oldAngle);
    if (c.xAxis->categories() != oldLabels)
        c.xAxis->setCategories(oldLabels);
    c.xAxis->setTitleText(oldTitle);
    c.xAxis->setTitleVisible(oldTitled);
    c.xAxis->setTruncateLabels(oldElide);
    c.layoutAt(oldSize);
}

} // namespace mnistx::ui
