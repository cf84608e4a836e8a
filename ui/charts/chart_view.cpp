#include "ui/charts/chart_view.h"

#include "ui/charts/chart_style.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QGraphicsItem>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace mnistx::ui
{

namespace
{

// Whisker cap width in logical pixels: wide enough to read as an error bar,
// narrow enough not to touch a neighbouring bin's cap at 20 bins in 400 px.
constexpr qreal kWhiskerCap = 7.0;

// The Qt Charts view with the mouse forwarded to ChartView's signals.
class PlotView : public QChartView
{
public:
    using QChartView::QChartView;
    std::function<void(QMouseEvent*)> onMove;
    std::function<void(QMouseEvent*)> onPress;
    std::function<void()> onLeave;

protected:
    void mouseMoveEvent(QMouseEvent* e) override
    {
        if (onMove)
            onMove(e);
        QChartView::mouseMoveEvent(e);
    }
    void mousePressEvent(QMouseEvent* e) override
    {
        if (onPress)
            onPress(e);
        QChartView::mousePressEvent(e);
    }
    void leaveEvent(QEvent* e) override
    {
        if (onLeave)
            onLeave();
        QChartView::leaveEvent(e);
    }
};

} // namespace

struct ChartView::Private {
    struct Series {
        QString name;
        SeriesStyle style;
        QXYSeries* xy = nullptr;      // the line or scatter; for a histogram its outline
        QLineSeries* lower = nullptr; // histogram baseline
        QAreaSeries* area = nullptr;  // histogram only
        QList<QPointF> points;        // as given (histogram: bin centres and heights)
        QList<qreal> errors;
        bool visible = true;
        QAbstractSeries* shown() const
        {
            return area ? static_cast<QAbstractSeries*>(area) : static_cast<QAbstractSeries*>(xy);
        }
    };

    // Whiskers and the placeholder text, drawn over the series in chart
    // coordinates. Mapping happens at paint time, so a resize (or the export
    // rendering at another size) needs no bookkeeping beyond an update.
    class OverlayItem : public QGraphicsItem
    {
    public:
        OverlayItem(Private* d, QGraphicsItem* parent) : QGraphicsItem(parent), m_d(d)
        {
            setZValue(1000); // above every series
        }
        // The plot area moved (resize, axis labels changed width).
        void plotAreaChanged()
        {
            prepareGeometryChange();
            update();
        }
        QRectF boundingRect() const override
        {
            return m_d->chart->plotArea().adjusted(-8, -8, 8, 8);
        }
        void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override
        {
            const QRectF plot = m_d->chart->plotArea();
            p->save();
            p->setClipRect(plot);
            p->setRenderHint(QPainter::Antialiasing);
            for (const Series& s : m_d->series) {
                if (!s.visible || s.errors.isEmpty() || s.errors.size() != s.points.size())
                    continue;
                QPen pen(s.style.color.darker(115), 1.3);
                pen.setCapStyle(Qt::FlatCap);
                p->setPen(pen);
                for (int i = 0; i < s.points.size(); ++i) {
                    const qreal e = s.errors[i];
                    const QPointF v = s.points[i];
                    if (!(e > 0) || !std::isfinite(v.x()) || !std::isfinite(v.y()))
                        continue;
                    const QPointF top = m_d->toPosition({v.x(), v.y() + e}, s.style.axis);
                    const QPointF bottom = m_d->toPosition({v.x(), v.y() - e}, s.style.axis);
                    if (!std::isfinite(top.y()) || !std::isfinite(bottom.y()))
                        continue;
                    p->drawLine(top, bottom);
                    p->drawLine(QPointF(top.x() - kWhiskerCap / 2, top.y()),
                                QPointF(top.x() + kWhiskerCap / 2, top.y()));
                    p->drawLine(QPointF(bottom.x() - kWhiskerCap / 2, bottom.y()),
                                QPointF(bottom.x() + kWhiskerCap / 2, bottom.y()));
                }
            }
            if (!m_d->placeholder.isEmpty()) {
                p->setPen(QColor(0x70, 0x70, 0x70));
                QFont f = p->font();
                f.setPointSizeF(f.pointSizeF() * 1.2);
                p->setFont(f);
                p->drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, m_d->placeholder);
            }
            p->restore();
        }

    private:
        Private* m_d;
    };

    QChart* chart = nullptr;
    QValueAxis* xAxis = nullptr;
    QValueAxis* leftAxis = nullptr;
    QLogValueAxis* leftLogAxis = nullptr;
    QValueAxis* rightAxis = nullptr;
    bool leftLog = false;
    bool rightAttached = false;
    std::vector<Series> series;
    OverlayItem* overlay = nullptr;
    QString placeholder;

    QAbstractAxis* leftY() const
    {
        return leftLog ? static_cast<QAbstractAxis*>(leftLogAxis)
                       : static_cast<QAbstractAxis*>(leftAxis);
    }
    QAbstractAxis* yAxisFor(AxisSide side) const
    {
        return side == AxisSide::Right ? static_cast<QAbstractAxis*>(rightAxis) : leftY();
    }

    // Value → chart coordinates, computed from the axis ranges and the plot
    // area (works for either y axis and with no series attached).
    QPointF toPosition(const QPointF& v, AxisSide side) const
    {
        const QRectF plot = chart->plotArea();
        const double x0 = xAxis->min(), x1 = xAxis->max();
        const double px = plot.left() + (v.x() - x0) / (x1 - x0) * plot.width();
        double t;
        if (side == AxisSide::Left && leftLog) {
            const double y0 = std::log10(leftLogAxis->min()), y1 = std::log10(leftLogAxis->max());
            // Non-positive values lie infinitely far below: just below the plot.
            t = v.y() > 0 ? (std::log10(v.y()) - y0) / (y1 - y0) : -0.1;
        } else {
            const QValueAxis* a = side == AxisSide::Right ? rightAxis : leftAxis;
            t = (v.y() - a->min()) / (a->max() - a->min());
        }
        t = std::clamp(t, -0.1, 1.1); // whiskers far off the plot stay drawable (clipped)
        return {px, plot.bottom() - t * plot.height()};
    }
    QPointF toValue(const QPointF& pos, AxisSide side) const
    {
        const QRectF plot = chart->plotArea();
        const double x =
            xAxis->min() + (pos.x() - plot.left()) / plot.width() * (xAxis->max() - xAxis->min());
        const double t = (plot.bottom() - pos.y()) / plot.height();
        double y;
        if (side == AxisSide::Left && leftLog) {
            const double y0 = std::log10(leftLogAxis->min()), y1 = std::log10(leftLogAxis->max());
            y = std::pow(10.0, y0 + t * (y1 - y0));
        } else {
            const QValueAxis* a = side == AxisSide::Right ? rightAxis : leftAxis;
            y = a->min() + t * (a->max() - a->min());
        }
        return {x, y};
    }

    // The points a Qt series gets: finite, and positive on a log axis.
    QList<QPointF> drawable(const Series& s) const
    {
        const bool log = s.style.axis == AxisSide::Left && leftLog;
        QList<QPointF> out;
        out.reserve(s.points.size());
        for (const QPointF& p : s.points)
            if (std::isfinite(p.x()) && std::isfinite(p.y()) && (!log || p.y() > 0))
                out.append(p);
        return out;
    }

    void attachRightAxis()
    {
        if (rightAttached)
            return;
        chart->addAxis(rightAxis, Qt::AlignRight);
        rightAttached = true;
    }

    // Declared last, destroyed first: the view (and with it the chart, its
    // series and the overlay) goes while everything it may call back into is
    // still alive. Also a child widget of ChartView; the unique_ptr deletes it
    // before QWidget's own child cleanup would.
    std::unique_ptr<PlotView> view;

    // Lays the chart out at `size` now (QGraphicsLayout otherwise waits for
    // the event loop), so mapping and rendering see the new geometry.
    void layoutAt(const QSizeF& size)
    {
        chart->resize(size);
        if (chart->layout())
            chart->layout()->activate();
    }
};

ChartView::ChartView(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>())
{
    auto* chart = new QChart(); // owned by the view (setChart)
    styleChart(chart);
    d->chart = chart;

    d->view = std::make_unique<PlotView>(chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->view->setMouseTracking(true);
    d->view->viewport()->setMouseTracking(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view.get());

    // Axes are created once and owned by the chart; series attach to them.
    d->xAxis = new QValueAxis(chart);
    d->leftAxis = new QValueAxis(chart);
    d->leftLogAxis = new QLogValueAxis(chart);
    d->leftLogAxis->setBase(10.0);
    d->leftLogAxis->setMinorTickCount(8); // 2…9 × 10^k: the usual log-paper grid
    d->leftLogAxis->setLabelFormat(QStringLiteral("%g"));
    d->rightAxis = new QValueAxis(chart);
    d->rightAxis->setGridLineVisible(false); // the left axis owns the grid
    for (QAbstractAxis* a :
         {static_cast<QAbstractAxis*>(d->xAxis), static_cast<QAbstractAxis*>(d->leftAxis),
          static_cast<QAbstractAxis*>(d->leftLogAxis), static_cast<QAbstractAxis*>(d->rightAxis)})
        styleAxis(a);
    chart->addAxis(d->xAxis, Qt::AlignBottom);
    chart->addAxis(d->leftAxis, Qt::AlignLeft);
    chart->addAxis(d->leftLogAxis, Qt::AlignLeft);
    d->leftLogAxis->setVisible(false); // until setLeftAxisLogarithmic(true)

    d->overlay = new Private::OverlayItem(d.get(), chart);
    connect(chart, &QChart::plotAreaChanged, this,
            [this](const QRectF&) { d->overlay->plotAreaChanged(); });

    auto viewToWidget = [this](const QPointF& p) {
        return d->view->viewport()->mapTo(this, p.toPoint());
    };
    d->view->onMove = [this, viewToWidget](QMouseEvent* e) {
        const QPointF scenePos = d->view->mapToScene(e->position().toPoint());
        const QPointF chartPos = d->chart->mapFromScene(scenePos);
        Q_EMIT hovered(d->toValue(chartPos, AxisSide::Left), viewToWidget(e->position()),
                       e->globalPosition().toPoint());
    };
    d->view->onPress = [this, viewToWidget](QMouseEvent* e) {
        const QPointF chartPos =
            d->chart->mapFromScene(d->view->mapToScene(e->position().toPoint()));
        Q_EMIT clicked(d->toValue(chartPos, AxisSide::Left), viewToWidget(e->position()),
                       e->button());
    };
    d->view->onLeave = [this] { Q_EMIT hoverLeft(); };
}

ChartView::~ChartView()
{
    // Nothing may call back into this half-destroyed object while the chart
    // tears down its series and axes.
    disconnect(d->chart, nullptr, this, nullptr);
    d->view->onMove = nullptr;
    d->view->onPress = nullptr;
    d->view->onLeave = nullptr;
}

int ChartView::addSeries(const QString& name, const SeriesStyle& style)
{
    Private::Series s;
    s.name = name;
    s.style = style;
    QPen pen(style.color, style.lineWidth, style.penStyle);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    switch (style.kind) {
    case SeriesKind::Line:
    case SeriesKind::LineWithMarkers: {
        auto* line = new QLineSeries(d->chart);
        line->setPen(pen);
        if (style.kind == SeriesKind::LineWithMarkers) {
            line->setPointsVisible(true);
            line->setMarkerSize(style.markerSize);
        }
        s.xy = line;
        break;
    }
    case SeriesKind::Markers: {
        auto* scatter = new QScatterSeries(d->chart);
        scatter->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        scatter->setMarkerSize(style.markerSize);
        scatter->setColor(style.color);
        scatter->setBorderColor(style.color.darker(130));
        s.xy = scatter;
        break;
    }
    case SeriesKind::Histogram: {
        auto* upper = new QLineSeries(d->chart);
        auto* lower = new QLineSeries(d->chart);
        auto* area = new QAreaSeries(upper, lower);
        area->setParent(d->chart);
        // Light: bars are context, not the message. A colour with its own
        // alpha sets the fill's opacity itself.
        QColor fill = style.color;
        if (fill.alpha() == 255)
            fill.setAlphaF(0.22);
        area->setBrush(fill);
        QColor border = style.color;
        border.setAlphaF(std::min(0.45, 2.0 * fill.alphaF()));
        area->setPen(QPen(border, 0.8));
        s.xy = upper;
        s.lower = lower;
        s.area = area;
        break;
    }
    }
    s.shown()->setName(name);
    d->chart->addSeries(s.shown());
    s.shown()->attachAxis(d->xAxis);
    if (style.axis == AxisSide::Right)
        d->attachRightAxis();
    s.shown()->attachAxis(d->yAxisFor(style.axis));
    if (!style.inLegend)
        for (QLegendMarker* m : d->chart->legend()->markers(s.shown()))
            m->setVisible(false);
    d->series.push_back(std::move(s));
    return static_cast<int>(d->series.size()) - 1;
}

int ChartView::seriesCount() const
{
    return static_cast<int>(d->series.size());
}

void ChartView::setPoints(int series, const QList<QPointF>& points)
{
    Private::Series& s = d->series.at(series);
    s.points = points;
    if (s.errors.size() != points.size())
        s.errors.clear();
    s.xy->replace(d->drawable(s));
    d->overlay->update();
}

void ChartView::setErrorBars(int series, const QList<qreal>& halfWidths)
{
    d->series.at(series).errors = halfWidths;
    d->overlay->update();
}

void ChartView::setHistogram(int series, const std::vector<double>& edges,
                             const QList<qreal>& heights)
{
    Private::Series& s = d->series.at(series);
    QList<QPointF> outline;
    QList<QPointF> centres;
    const int n =
        static_cast<int>(std::min<size_t>(heights.size(), edges.empty() ? 0 : edges.size() - 1));
    outline.reserve(2 * n + 2);
    centres.reserve(n);
    for (int i = 0; i < n; ++i) {
        const qreal h = std::isfinite(heights[i]) ? heights[i] : 0.0;
        if (i == 0)
            outline.append({edges[0], 0.0});
        outline.append({edges[i], h});
        outline.append({edges[i + 1], h});
        centres.append({(edges[i] + edges[i + 1]) / 2, h});
    }
    if (n > 0)
        outline.append({edges[n], 0.0});
    s.points = centres;
    s.errors.clear();
    s.xy->replace(outline);
    if (s.lower)
        s.lower->replace(n > 0 ? QList<QPointF>{{edges[0], 0.0}, {edges[n], 0.0}}
                               : QList<QPointF>{});
}

QList<QPointF> ChartView::points(int series) const
{
    return d->series.at(series).points;
}
QList<qreal> ChartView::errorBars(int series) const
{
    return d->series.at(series).errors;
}

void ChartView::setSeriesVisible(int series, bool visible)
{
    Private::Series& s = d->series.at(series);
    s.visible = visible;
    s.shown()->setVisible(visible);
    d->overlay->update();
}

void ChartView::setTitle(const QString& title)
{
    d->chart->setTitle(title);
}

void ChartView::setAxisTitles(const QString& x, const QString& yLeft, const QString& yRight)
{
    d->xAxis->setTitleText(x);
    d->leftAxis->setTitleText(yLeft);
    d->leftLogAxis->setTitleText(yLeft);
    d->rightAxis->setTitleText(yRight);
}

void ChartView::setLabelFormats(const QString& x, const QString& yLeft, const QString& yRight)
{
    if (!x.isEmpty())
        d->xAxis->setLabelFormat(x);
    if (!yLeft.isEmpty()) {
        d->leftAxis->setLabelFormat(yLeft);
        d->leftLogAxis->setLabelFormat(yLeft);
    }
    if (!yRight.isEmpty())
        d->rightAxis->setLabelFormat(yRight);
}

void ChartView::setXRange(double min, double max)
{
    d->xAxis->setRange(min, max);
    d->overlay->update();
}

void ChartView::setYRange(AxisSide side, double min, double max)
{
    if (side == AxisSide::Right) {
        d->rightAxis->setRange(min, max);
    } else if (d->leftLog) {
        // Whole decades: Qt labels a log axis at powers of its base, and a
        // range inside one decade got labels of six digits at odd places,
        // elided to "…" (a million embeddings' mean losses all lay within
        // 0.01–0.02).
        if (min > 0 && max > min) {
            min = std::pow(10.0, std::floor(std::log10(min) + 1e-9));
            max = std::pow(10.0, std::ceil(std::log10(max) - 1e-9));
            if (!(max > min))
                max = min * 10.0;
        }
        d->leftLogAxis->setRange(min, max);
    } else
        d->leftAxis->setRange(min, max);
    d->overlay->update();
}

std::pair<double, double> ChartView::range(Qt::Orientation orientation, AxisSide side) const
{
    if (orientation == Qt::Horizontal)
        return {d->xAxis->min(), d->xAxis->max()};
    if (side == AxisSide::Right)
        return {d->rightAxis->min(), d->rightAxis->max()};
    if (d->leftLog)
        return {d->leftLogAxis->min(), d->leftLogAxis->max()};
    return {d->leftAxis->min(), d->leftAxis->max()};
}

void ChartView::setNiceNumbers(Qt::Orientation orientation, AxisSide side)
{
    if (orientation == Qt::Horizontal)
        d->xAxis->applyNiceNumbers();
    else if (side == AxisSide::Right)
        d->rightAxis->applyNiceNumbers();
    else if (!d->leftLog)
        d->leftAxis->applyNiceNumbers();
    d->overlay->update();
}

void ChartView::setLeftAxisLogarithmic(bool logarithmic)
{
    if (logarithmic == d->leftLog)
        return;
    QAbstractAxis* from = d->leftY();
    d->leftLog = logarithmic;
    QAbstractAxis* to = d->leftY();
    // Both axes stay in the chart and only swap visibility: removing an axis
    // leaves its graphics until the event loop deletes them, and an export
    // right after the switch would show them.
    for (Private::Series& s : d->series) {
        if (s.style.axis != AxisSide::Left)
            continue;
        s.shown()->detachAxis(from);
        s.shown()->attachAxis(to);
        s.xy->replace(d->drawable(s));
    }
    from->setVisible(false);
    to->setVisible(true);
    d->overlay->update();
}

bool ChartView::leftAxisLogarithmic() const
{
    return d->leftLog;
}

void ChartView::setTickCount(Qt::Orientation orientation, int count)
{
    const auto apply = [&](QValueAxis* a) {
        a->setTickType(QValueAxis::TicksFixed);
        a->setTickCount(count);
    };
    if (orientation == Qt::Horizontal) {
        apply(d->xAxis);
    } else {
        apply(d->leftAxis);
        apply(d->rightAxis);
    }
}

void ChartView::setTickInterval(Qt::Orientation orientation, double interval, double anchor)
{
    const auto apply = [&](QValueAxis* a) {
        a->setTickType(QValueAxis::TicksDynamic);
        a->setTickAnchor(anchor);
        a->setTickInterval(interval);
    };
    if (orientation == Qt::Horizontal) {
        apply(d->xAxis);
    } else {
        apply(d->leftAxis);
        apply(d->rightAxis);
    }
}

void ChartView::setLegendVisible(bool visible)
{
    d->chart->legend()->setVisible(visible);
}

void ChartView::setLegendAlignment(Qt::Alignment alignment)
{
    d->chart->legend()->setAlignment(alignment);
}

namespace
{
// The visible text items under item, with their scene positions: what Qt
// Charts drew, elided to the room its layout gave each.
void collectTexts(const QGraphicsItem* item, std::vector<std::pair<QPointF, QString>>& shown)
{
    for (const QGraphicsItem* child : item->childItems()) {
        if (!child->isVisible())
            continue;
        if (const auto* text = qgraphicsitem_cast<const QGraphicsTextItem*>(child))
            shown.emplace_back(text->scenePos(), text->toPlainText());
        collectTexts(child, shown);
    }
}

QStringList inReadingOrder(std::vector<std::pair<QPointF, QString>> shown)
{
    std::sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
        return std::make_pair(a.first.y(), a.first.x()) < std::make_pair(b.first.y(), b.first.x());
    });
    QStringList labels;
    for (const auto& [position, text] : shown)
        labels.append(text);
    return labels;
}
} // namespace

QStringList ChartView::legendLabels() const
{
    if (d->chart->layout())
        d->chart->layout()->activate();
    std::vector<std::pair<QPointF, QString>> shown;
    if (d->chart->legend()->isVisible())
        collectTexts(d->chart->legend(), shown);
    return inReadingOrder(std::move(shown));
}

QStringList ChartView::drawnTexts() const
{
    if (d->chart->layout())
        d->chart->layout()->activate();
    std::vector<std::pair<QPointF, QString>> shown;
    collectTexts(d->chart, shown);
    return inReadingOrder(std::move(shown));
}

void ChartView::setPlaceholderText(const QString& text)
{
    d->placeholder = text;
    d->overlay->update();
}

QString ChartView::placeholderText() const
{
    return d->placeholder;
}

QPointF ChartView::valueAt(const QPointF& position, AxisSide side) const
{
    const QPoint inView = d->view->viewport()->mapFrom(this, position.toPoint());
    return d->toValue(d->chart->mapFromScene(d->view->mapToScene(inView)), side);
}

QPointF ChartView::positionOf(const QPointF& value, AxisSide side) const
{
    const QPointF scenePos = d->chart->mapToScene(d->toPosition(value, side));
    return d->view->viewport()->mapTo(this, d->view->mapFromScene(scenePos));
}

QRectF ChartView::plotArea() const
{
    const QRectF area = d->chart->plotArea();
    return QRectF(positionOf(d->toValue(area.topLeft(), AxisSide::Left)),
                  positionOf(d->toValue(area.bottomRight(), AxisSide::Left)))
        .normalized();
}

void ChartView::render(QPainter* painter, const QRectF& target)
{
    const QSizeF oldSize = d->chart->size();
    d->layoutAt(target.size());
    const QRectF source(d->chart->mapToScene(QPointF(0, 0)), target.size());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    d->chart->scene()->render(painter, target, source, Qt::IgnoreAspectRatio);
    painter->restore();
    d->layoutAt(oldSize);
}

} // namespace mnistx::ui
