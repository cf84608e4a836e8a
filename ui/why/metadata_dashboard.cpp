#include "ui/why/metadata_dashboard.h"

#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/map/population_map.h"
#include "ui/why/metadata_coloring.h"

#include <QAction>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGridLayout>
#include <QLabel>
#include <QLegend>
#include <QLocale>
#include <QMetaObject>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <exception>
#include <set>

namespace mnistx::ui
{

namespace
{

using why::MetadataField;

// Bins of a continuous field: 2 is the least that compares anything; beyond
// 20 the groups get small on the 10,000 validation samples and the bars thin.
constexpr int kMinBins = 2;
constexpr int kMaxBins = 20;
// Bars of a chart without a split: the explorer's neutral data blue.
const QColor kSingleBarColor(0x4e, 0x79, 0xa7);
// Room above the highest bar, so its value label and the top tick fit.
constexpr double kValueHeadroom = 1.12;
// Pixels kept free between neighbouring category labels.
constexpr qreal kLabelGap = 6.0;
// Qt Charts gives the category axis (labels and title) at most this share of
// the chart's height (CartesianChartLayout's maxAxisPortion) and elides
// labels longer than what is left above the title.
constexpr qreal kAxisShare = 0.4;
// A label's box in Qt Charts is its text and a document margin on each
// side (measured on Qt 6.4: 3 px).
constexpr qreal kLabelMargins = 6.0;
// Qt Charts' padding between an axis's labels and its title (4 px, measured
// on Qt 6.4) and 2 px to spare.
constexpr qreal kAxisPadding = 6.0;
// Most split entries the legend shows as one row under the chart.
constexpr int kLegendRowEntries = 4;

MetadataField fieldAt(int index)
{
    return static_cast<MetadataField>(index);
}

QString fieldTitle(MetadataField f)
{
    return QString::fromUtf8(why::metadataFieldTitle(f));
}

bool isClassField(MetadataField f)
{
    return f == MetadataField::Label || f == MetadataField::Prediction ||
           f == MetadataField::NearestCentroid;
}

// What each group of a grouping is called on the axis or in the legend:
// categorical values by name ("3", "even"), quantile bins as compact ranges
// with just enough digits to tell them apart ("0.12–0.35").
QStringList groupLabels(const why::Grouping& g)
{
    QStringList out;
    if (!why::isContinuous(g.field)) {
        for (int k = 0; k < g.groupCount(); ++k)
            out << metadataCategoryName(g.field, k);
        return out;
    }
    for (int minDigits : {3, 10}) { // all with 10 digits in the unlikely case of a repeat
        out.clear();
        const QStringList edge = formatDistinctEdges(g.edges, minDigits);
        for (int k = 0; k < g.groupCount() && k + 1 < edge.size(); ++k)
            out << QStringLiteral("%1–%2").arg(edge[k], edge[k + 1]);
        if (std::set<QString>(out.begin(), out.end()).size() == static_cast<size_t>(out.size()))
            break; // Qt Charts drops repeated categories
    }
    return out;
}

// The same groups in fewer characters, for a low chart where the ranges
// would be elided to nothing: quantile bins by their lower edge ("0.12"),
// categorical values as they are.
QStringList compactGroupLabels(const why::Grouping& g, const QStringList& full)
{
    if (!why::isContinuous(g.field))
        return full;
    QStringList out;
    for (const QString& range : full)
        out << range.section(QStringLiteral("–"), 0, 0);
    return std::set<QString>(out.begin(), out.end()).size() == static_cast<size_t>(out.size())
               ? out
               : full; // Qt Charts drops repeated categories
}

// The colours of a split's groups: never repeating. Classes in the class
// colours, two-valued fields in the map's pair, quantile bins along the
// sequential scale (ordered like the values).
QColor splitColor(const why::Grouping& g, int k)
{
    if (!why::isContinuous(g.field))
        return metadataCategoryColor(g.field, k);
    const int n = g.groupCount();
    return QColor(sequentialColor(n > 1 ? double(k) / (n - 1) : 0.5));
}

QString splitName(const why::Grouping& g, int k, const QStringList& labels)
{
    const QString name = k < labels.size() ? labels[k] : QString();
    if (isClassField(g.field))
        return QStringLiteral("%1 %2").arg(fieldTitle(g.field).toLower(), name);
    return name;
}

} // namespace

// The Qt Charts objects (kept out of the header: Qt Charts is deprecated
// from Qt 6.10 and stays replaceable).
struct MetadataDashboard::Chart {
    QChart* chart = nullptr;                        // owned by the view
    QBarSeries* series = nullptr;                   // owned by the chart
    QBarCategoryAxis* xAxis = nullptr;              // owned by the chart
    QValueAxis* yAxis = nullptr;                    // owned by the chart
    QGraphicsSimpleTextItem* placeholder = nullptr; // child item of the chart
    // The category labels in full ("0.12–0.35") and short ("0.12"), and the
    // axis title for each; updateLabelAngle picks the form that fits.
    QStringList fullLabels;
    QStringList compactLabels;
    QString fullTitle;
    QString compactTitle;
    // Declared last, destroyed first (before QWidget's child cleanup), while
    // the dashboard its signals call into is still whole.
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
};

MetadataDashboard::MetadataDashboard(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_chart(std::make_unique<Chart>()),
      m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    // --- Controls
    m_fieldCombo = new QComboBox(this);
    m_fieldCombo->setObjectName(QStringLiteral("fieldCombo"));
    m_splitCombo = new QComboBox(this);
    m_splitCombo->setObjectName(QStringLiteral("splitCombo"));
    m_splitCombo->addItem(tr("None"), -1);
    for (int f = 0; f < why::kMetadataFieldCount; ++f) {
        m_fieldCombo->addItem(fieldTitle(fieldAt(f)), f);
        m_splitCombo->addItem(fieldTitle(fieldAt(f)), f);
    }
    m_fieldCombo->setToolTip(
        tr("The groups of the chart: mean loss per value or per quantile bin"));
    m_splitCombo->setToolTip(tr("Splits every group into bars by a second field"));
    m_subsetCombo = new QComboBox(this);
    m_subsetCombo->addItem(tr("validation"), static_cast<int>(analysis::Subset::Validation));
    m_subsetCombo->addItem(tr("train"), static_cast<int>(analysis::Subset::Train));
    m_binsSpin = new QSpinBox(this);
    m_binsSpin->setRange(kMinBins, kMaxBins);
    m_binsSpin->setValue(m_bins);
    m_binsSpin->setToolTip(
        tr("Continuous fields are cut into this many quantile bins (equal sample counts)"));
    m_colorButton = new QPushButton(this);
    m_colorButton->setObjectName(QStringLiteral("colorMapButton"));

    auto* controls = new QGridLayout();
    controls->setContentsMargins(6, 6, 6, 0);
    controls->setHorizontalSpacing(6);
    controls->setVerticalSpacing(4);
    auto label = [this](const QString& text, QWidget* buddy) {
        auto* l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    controls->addWidget(label(tr("&Field"), m_fieldCombo), 0, 0);
    controls->addWidget(m_fieldCombo, 0, 1);
    controls->addWidget(label(tr("&Split by"), m_splitCombo), 0, 2);
    controls->addWidget(m_splitCombo, 0, 3);
    controls->addWidget(label(tr("Su&bset"), m_subsetCombo), 1, 0);
    controls->addWidget(m_subsetCombo, 1, 1);
    controls->addWidget(label(tr("B&ins"), m_binsSpin), 1, 2);
    controls->addWidget(m_binsSpin, 1, 3, Qt::AlignLeft);
    controls->addWidget(m_colorButton, 2, 0, 1, 4, Qt::AlignLeft);
    controls->setColumnStretch(1, 1);
    controls->setColumnStretch(3, 1);

    // --- Chart
    auto* chart = new QChart(); // owned by the view (setChart)
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 8, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(8.5);
    chart->legend()->setFont(legendFont);
    QFont titleFont = chart->titleFont();
    titleFont.setPointSizeF(10.5);
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    m_chart->chart = chart;
    m_chart->series = new QBarSeries(chart);
    chart->addSeries(m_chart->series);
    m_chart->xAxis = new QBarCategoryAxis(chart);
    m_chart->yAxis = new QValueAxis(chart);
    for (QAbstractAxis* a : {static_cast<QAbstractAxis*>(m_chart->xAxis),
                             static_cast<QAbstractAxis*>(m_chart->yAxis)}) {
        QFont labels = a->labelsFont();
        labels.setPointSizeF(8.5);
        a->setLabelsFont(labels);
        QFont title = a->titleFont();
        title.setPointSizeF(9.0);
        title.setBold(false);
        a->setTitleFont(title);
        a->setGridLineColor(QColor(0xe3, 0xe3, 0xe3));
        a->setLinePenColor(QColor(0x99, 0x99, 0x99));
        a->setLabelsColor(QColor(0x33, 0x33, 0x33));
        a->setTitleBrush(QColor(0x22, 0x22, 0x22));
    }
    // Category labels are turned, shortened and only then elided
    // (updateLabelAngle): never longer than the room above the axis title,
    // which a turned label that the layout gave too little height would
    // otherwise run into. The y ticks are short numbers.
    m_chart->yAxis->setTruncateLabels(false);
    m_chart->xAxis->setTruncateLabels(false);
    m_chart->xAxis->setGridLineVisible(false);
    m_chart->yAxis->setTitleText(tr("mean loss (nats)"));
    m_chart->yAxis->setLabelFormat(QStringLiteral("%g"));
    m_chart->yAxis->setTickCount(6); // applyNiceNumbers then picks round steps near a fifth
    chart->addAxis(m_chart->xAxis, Qt::AlignBottom);
    chart->addAxis(m_chart->yAxis, Qt::AlignLeft);
    m_chart->series->attachAxis(m_chart->xAxis);
    m_chart->series->attachAxis(m_chart->yAxis);
    m_chart->placeholder = new QGraphicsSimpleTextItem(chart);
    m_chart->placeholder->setBrush(QColor(0x70, 0x70, 0x70));
    m_chart->placeholder->setZValue(1000);

    m_chart->view = std::make_unique<QChartView>(chart, this);
    m_chart->view->setRenderHint(QPainter::Antialiasing);
    m_chart->view->setFrameShape(QFrame::NoFrame);
    m_chart->view->setMouseTracking(true);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setContentsMargins(6, 0, 6, 4);
    m_summary->setStyleSheet(QStringLiteral("color: #555555"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(m_chart->view.get(), 1);
    layout->addWidget(m_summary);

    connect(chart, &QChart::plotAreaChanged, this, [this](const QRectF& plot) {
        updateLabelAngle(plot.width());
        m_chart->placePlaceholder();
    });
    connect(m_chart->series, &QBarSeries::hovered, this, [this](bool on, int index, QBarSet* set) {
        if (!on) {
            QToolTip::hideText();
            return;
        }
        const int s = static_cast<int>(m_chart->series->barSets().indexOf(set));
        QToolTip::showText(QCursor::pos(), barTooltip(index, s), m_chart->view.get());
    });

    connect(m_fieldCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (!m_updatingControls && i >= 0)
            setField(fieldAt(m_fieldCombo->itemData(i).toInt()));
    });
    connect(m_splitCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (m_updatingControls || i < 0)
            return;
        const int f = m_splitCombo->itemData(i).toInt();
        setSplitField(f < 0 ? std::nullopt : std::optional<MetadataField>(fieldAt(f)));
    });
    connect(m_subsetCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (!m_updatingControls && i >= 0)
            setSubset(static_cast<analysis::Subset>(m_subsetCombo->itemData(i).toInt()));
    });
    connect(m_binsSpin, qOverload<int>(&QSpinBox::valueChanged), this, [this](int bins) {
        if (!m_updatingControls)
            setBins(bins);
    });
    connect(m_colorButton, &QPushButton::clicked, this, [this] {
        colorMapBy(m_field);
        Q_EMIT colorMapRequested(static_cast<int>(m_field));
    });

    // --- Export (the name follows the field, so not addExportActions'
    // fixed one).
    const std::pair<ExportFormat, QString> formats[] = {
        {ExportFormat::Png, tr("Export as PNG…")},
        {ExportFormat::Svg, tr("Export as SVG…")},
        {ExportFormat::Pdf, tr("Export as PDF…")},
    };
    for (const auto& [format, text] : formats) {
        auto* action = new QAction(text, this);
        action->setToolTip(tr("Save this chart as an image file"));
        connect(action, &QAction::triggered, this, [this, format = format] {
            exportInteractively(
                this, [this](QPainter* p, const QRectF& r) { render(p, r); }, QSizeF(size()),
                exportName(), format);
        });
        addAction(action);
        m_exportActions.append(action);
    }
    setContextMenuPolicy(Qt::ActionsContextMenu);

    // --- Worker
    m_thread.setObjectName(QStringLiteral("metadata-worker"));
    m_worker = new QObject(); // parentless: it moves to the thread
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();

    connect(m_session, &ExplorerSession::runChanged, this, &MetadataDashboard::onRunChanged);
    onRunChanged();
}

MetadataDashboard::~MetadataDashboard()
{
    m_latest->store(~quint64{0}); // a job in flight skips what it has not started
    m_thread.requestInterruption();
    m_thread.quit();
    m_thread.wait();
    disconnect(m_chart->chart, nullptr, this, nullptr);
    disconnect(m_chart->series, nullptr, this, nullptr);
}

// ---------------------------------------------------------------- metadata

void MetadataDashboard::onRunChanged()
{
    const quint64 generation = ++m_generation;
    m_latest->store(generation);
    m_train.reset();
    m_validation.reset();
    if (!m_session->hasRun()) {
        m_placeholder = tr("no run loaded");
    } else {
        m_placeholder = tr("computing metadata…");
        std::shared_ptr<const store::RunData> run = m_session->runPtr();
        std::shared_ptr<const data::MnistData> images = m_session->dataPtr();
        MetadataDashboard* self = this;
        QMetaObject::invokeMethod(
            m_worker,
            [self, latest = m_latest, generation, run, images] {
                // A dashboard being destroyed waits for this job, so `self`
                // is alive whenever a result is posted, and a posted result
                // is dropped with its receiver: it never runs on a dead one.
                auto post = [self](auto&& fn) {
                    QMetaObject::invokeMethod(self, std::forward<decltype(fn)>(fn),
                                              Qt::QueuedConnection);
                };
                try {
                    auto compute = [&](const analysis::SubsetAnalysis& a, const data::Dataset* d) {
                        const bool haveImages = d && d->count == a.sampleCount() &&
                                                d->pixelsPerImage() > 0 && !d->images.empty();
                        return std::make_shared<const why::SubsetMetadata>(
                            why::computeMetadata(a, haveImages ? d->images.data() : nullptr,
                                                 haveImages ? d->pixelsPerImage() : 28 * 28));
                    };
                    if (latest->load() != generation)
                        return;
                    auto train = compute(run->train, images ? &images->train : nullptr);
                    if (latest->load() != generation)
                        return;
                    auto validation =
                        compute(run->validation, images ? &images->validation : nullptr);
                    post([self, generation, train, validation] {
                        self->onMetadataComputed(generation, train, validation);
                    });
                } catch (const std::exception& e) {
                    const QString message =
                        MetadataDashboard::tr("Could not compute the sample metadata: %1")
                            .arg(QString::fromUtf8(e.what()));
                    post([self, generation, message] {
                        if (generation != self->m_generation)
                            return;
                        self->m_placeholder = message;
                        self->updateChart();
                        Q_EMIT self->failed(message);
                    });
                }
            },
            Qt::QueuedConnection);
    }
    updateControls();
    updateChart();
    Q_EMIT metadataChanged();
}

void MetadataDashboard::onMetadataComputed(quint64 generation,
                                           std::shared_ptr<const why::SubsetMetadata> train,
                                           std::shared_ptr<const why::SubsetMetadata> validation)
{
    if (generation != m_generation)
        return; // a newer run, or setMetadata, came first
    m_train = std::move(train);
    m_validation = std::move(validation);
    if (!isFieldAvailable(m_field))
        m_field = MetadataField::Label;
    if (m_split && !isFieldAvailable(*m_split))
        m_split.reset();
    updateControls();
    updateChart();
    Q_EMIT metadataChanged();
}

void MetadataDashboard::setMetadata(std::shared_ptr<const why::SubsetMetadata> train,
                                    std::shared_ptr<const why::SubsetMetadata> validation)
{
    if (!train || !validation || !m_session->hasRun() ||
        train->sampleCount() != m_session->trainCount() ||
        validation->sampleCount() != m_session->validationCount())
        return;
    const quint64 generation = ++m_generation;
    m_latest->store(generation); // the worker's job for this run is moot
    onMetadataComputed(generation, std::move(train), std::move(validation));
}

bool MetadataDashboard::isFieldAvailable(MetadataField field) const
{
    if (field != MetadataField::Ink)
        return true;
    return hasMetadata() && m_train->has(field) && m_validation->has(field);
}

void MetadataDashboard::setMap(PopulationMap* map)
{
    m_map = map;
}

bool MetadataDashboard::colorMapBy(MetadataField field)
{
    if (!m_map || !hasMetadata() || !isFieldAvailable(field))
        return false;
    MetadataColoring c = metadataColoring(*m_train, *m_validation, field);
    if (c.isEmpty())
        return false;
    return m_map->setCustomColoring(c.name, std::move(c.perSample), std::move(c.legend),
                                    std::move(c.entryOfSample));
}

// ---------------------------------------------------------------- controls

void MetadataDashboard::setSubset(analysis::Subset subset)
{
    if (subset == m_subset)
        return;
    m_subset = subset;
    updateControls();
    updateChart();
}

void MetadataDashboard::setField(MetadataField field)
{
    const int f = static_cast<int>(field);
    if (f < 0 || f >= why::kMetadataFieldCount || !isFieldAvailable(field))
        return;
    m_field = field;
    if (m_split == field)
        m_split.reset(); // a field split by itself says nothing
    updateControls();
    updateChart();
}

void MetadataDashboard::setSplitField(std::optional<MetadataField> split)
{
    if (split) {
        const int f = static_cast<int>(*split);
        if (f < 0 || f >= why::kMetadataFieldCount || *split == m_field ||
            !isFieldAvailable(*split))
            return;
    }
    m_split = split;
    updateControls();
    updateChart();
}

void MetadataDashboard::setBins(int bins)
{
    bins = std::clamp(bins, kMinBins, kMaxBins);
    if (bins == m_bins)
        return;
    m_bins = bins;
    updateControls();
    updateChart();
}

void MetadataDashboard::updateControls()
{
    m_updatingControls = true;
    auto* fieldItems = qobject_cast<QStandardItemModel*>(m_fieldCombo->model());
    auto* splitItems = qobject_cast<QStandardItemModel*>(m_splitCombo->model());
    for (int f = 0; f < why::kMetadataFieldCount; ++f) {
        const bool available = isFieldAvailable(fieldAt(f));
        if (fieldItems)
            fieldItems->item(f)->setEnabled(available);
        if (splitItems) // row 0 is "None"
            splitItems->item(f + 1)->setEnabled(available && fieldAt(f) != m_field);
    }
    m_fieldCombo->setCurrentIndex(static_cast<int>(m_field));
    m_splitCombo->setCurrentIndex(m_split ? static_cast<int>(*m_split) + 1 : 0);
    m_subsetCombo->setCurrentIndex(m_subset == analysis::Subset::Validation ? 0 : 1);
    m_binsSpin->setValue(m_bins);
    m_binsSpin->setEnabled(why::isContinuous(m_field) || (m_split && why::isContinuous(*m_split)));
    m_colorButton->setText(tr("Colour map by %1").arg(fieldTitle(m_field).toLower()));
    m_colorButton->setEnabled(hasMetadata() && isFieldAvailable(m_field));
    m_colorButton->setToolTip(
        m_map ? tr("Colour the population map's dots by %1 (both subsets)")
                    .arg(fieldTitle(m_field).toLower())
              : tr("Colour the population map by %1").arg(fieldTitle(m_field).toLower()));
    m_updatingControls = false;
}

// ---------------------------------------------------------------- chart

QString MetadataDashboard::chartTitle() const
{
    // The subset is in the summary line under the chart: the title stays
    // short enough for a narrow dock.
    if (m_split)
        return tr("Mean loss by %1, split by %2")
            .arg(fieldTitle(m_field).toLower(), fieldTitle(*m_split).toLower());
    return tr("Mean loss by %1").arg(fieldTitle(m_field).toLower());
}

QString MetadataDashboard::exportName() const
{
    QString name = QStringLiteral("mean_loss_by_%1").arg(why::metadataFieldName(m_field));
    if (m_split)
        name += QStringLiteral("_split_%1").arg(why::metadataFieldName(*m_split));
    return name;
}

void MetadataDashboard::updateChart()
{
    Chart& c = *m_chart;
    c.series->clear(); // deletes the old bar sets
    m_grouped = {};
    const std::shared_ptr<const why::SubsetMetadata>& md =
        m_subset == analysis::Subset::Train ? m_train : m_validation;
    const bool ready = md && md->has(m_field) && (!m_split || md->has(*m_split));
    if (ready)
        m_grouped = m_split ? why::meanLossBy(*md, m_field, *m_split, m_bins)
                            : why::meanLossBy(*md, m_field, m_bins);

    c.chart->setTitle(chartTitle());
    c.fullTitle = c.compactTitle = fieldTitle(m_field);
    if (why::isContinuous(m_field)) {
        c.fullTitle += tr(" (quantile bins, equal counts)");
        c.compactTitle += tr(" (bin lower edges, equal counts)");
    }
    c.xAxis->setTitleText(c.fullTitle);

    const int groups = m_grouped.groups.groupCount();
    const QStringList categories = groupLabels(m_grouped.groups);
    c.fullLabels = categories;
    c.compactLabels = compactGroupLabels(m_grouped.groups, categories);
    const int splits = static_cast<int>(m_grouped.meanLoss.cols());
    const QStringList splitLabels = m_grouped.split ? groupLabels(m_grouped.splits) : QStringList();
    double top = 0.0;
    QList<QBarSet*> sets;
    for (int s = 0; s < splits && groups > 0; ++s) {
        auto* set = new QBarSet(m_grouped.split ? splitName(m_grouped.splits, s, splitLabels)
                                                : tr("mean loss"));
        QList<qreal> values;
        values.reserve(groups);
        for (int g = 0; g < groups; ++g) {
            values.append(m_grouped.meanLoss(g, s));
            top = std::max(top, m_grouped.meanLoss(g, s));
        }
        set->append(values);
        const QColor color = m_grouped.split ? splitColor(m_grouped.splits, s) : kSingleBarColor;
        set->setColor(color);
        set->setBorderColor(color.darker(130)); // light bars (yellow, light orange) keep an edge
        set->setLabelColor(QColor(0x33, 0x33, 0x33));
        sets.append(set);
    }
    c.series->append(sets);
    c.series->setLabelsVisible(false); // updateLabelAngle shows them when they fit
    c.series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    c.series->setLabelsFormat(QStringLiteral("@value"));
    c.series->setLabelsPrecision(3);
    c.series->setBarWidth(m_grouped.split ? 0.85 : 0.7);
    c.chart->legend()->setVisible(m_grouped.split);
    // A row of entries below the chart for a few splits; a column on the
    // right for more (Qt Charts does not wrap a legend row, it drops it).
    c.chart->legend()->setAlignment(splits <= kLegendRowEntries ? Qt::AlignBottom : Qt::AlignRight);

    c.xAxis->setCategories(categories);
    c.yAxis->setRange(0.0, top > 0 ? top * kValueHeadroom : 1.0);
    c.yAxis->applyNiceNumbers();

    c.placeholder->setText(groups > 0 ? QString() : m_placeholder);
    c.placeholder->setVisible(groups == 0);
    c.placePlaceholder();
    updateLabelAngle(c.chart->plotArea().width());
    m_summary->setText(summaryText(true));
}

void MetadataDashboard::updateLabelAngle(qreal plotWidth) const
{
    Chart& c = *m_chart;
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
        // The ranges in full while they fit above the title; else the short
        // form (Qt Charts would elide "0.12–0.35" to "0..."; the tooltip has
        // the range); else without the axis title (the chart's title names
        // the field); only then elided by Qt Charts.
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
        bool valuesFit = m_grouped.meanLoss.cols() == 1;
        for (int g = 0; valuesFit && g < m_grouped.meanLoss.rows(); ++g)
            valuesFit = fm.horizontalAdvance(QString::number(m_grouped.meanLoss(g, 0), 'g', 3)) +
                            kLabelGap <=
                        slot;
        if (c.series->isLabelsVisible() != valuesFit)
            c.series->setLabelsVisible(valuesFit);
    }
    if (c.xAxis->labelsAngle() != angle)
        c.xAxis->setLabelsAngle(angle);
}

bool MetadataDashboard::categoryLabelsShortened() const
{
    return m_chart->xAxis->categories() != m_chart->fullLabels;
}

int MetadataDashboard::categoryLabelAngle() const
{
    return m_chart->xAxis->labelsAngle();
}

namespace
{

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

QVector<QRectF> MetadataDashboard::categoryLabelRects(QStringList* texts) const
{
    // Qt Charts keeps its axis items private: find them among the scene's
    // text items, by their text and by lying under the plot area.
    QVector<QRectF> out;
    const QRectF plot = m_chart->chart->plotArea();
    const QStringList categories = m_chart->xAxis->categories();
    for (const QGraphicsItem* item : m_chart->chart->scene()->items()) {
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
            out.append(
                m_chart->view->mapFromScene(box).boundingRect().translated(m_chart->view->pos()));
            if (texts)
                texts->append(shown);
        }
    }
    return out;
}

QRectF MetadataDashboard::categoryAxisTitleRect() const
{
    const QString title = m_chart->xAxis->titleText();
    if (title.isEmpty())
        return {};
    // The title's item: its text whole, or elided (then the lowest such item:
    // an elided label may read "..." too).
    const QGraphicsTextItem* found = nullptr;
    for (const QGraphicsItem* item : m_chart->chart->scene()->items()) {
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
    if (!found)
        return {};
    return m_chart->view->mapFromScene(found->sceneBoundingRect())
        .boundingRect()
        .translated(m_chart->view->pos());
}

void MetadataDashboard::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateLabelAngle(m_chart->chart->plotArea().width());
}

QStringList MetadataDashboard::categories() const
{
    return m_chart->xAxis->categories();
}

int MetadataDashboard::barSetCount() const
{
    return m_chart->series->count();
}

QString MetadataDashboard::barSetName(int set) const
{
    const QList<QBarSet*> sets = m_chart->series->barSets();
    return set >= 0 && set < sets.size() ? sets[set]->label() : QString();
}

QColor MetadataDashboard::barSetColor(int set) const
{
    const QList<QBarSet*> sets = m_chart->series->barSets();
    return set >= 0 && set < sets.size() ? sets[set]->color() : QColor();
}

QVector<double> MetadataDashboard::barValues(int set) const
{
    QVector<double> out;
    const QList<QBarSet*> sets = m_chart->series->barSets();
    if (set < 0 || set >= sets.size())
        return out;
    for (int i = 0; i < sets[set]->count(); ++i)
        out.append(sets[set]->at(i));
    return out;
}

QString MetadataDashboard::barTooltip(int group, int set) const
{
    const why::GroupedLoss& g = m_grouped;
    if (group < 0 || group >= g.groups.groupCount() || set < 0 || set >= g.meanLoss.cols())
        return {};
    const QLocale en(QLocale::English);
    const auto name = [](const why::Grouping& grouping, int k) {
        const QString value = why::isContinuous(grouping.field)
                                  ? QString::fromStdString(grouping.names[k])
                                  : metadataCategoryName(grouping.field, k);
        return QStringLiteral("%1: %2").arg(fieldTitle(grouping.field), value).toHtmlEscaped();
    };
    QString html = QStringLiteral("<b>%1</b>").arg(name(g.groups, group));
    if (g.split)
        html += QStringLiteral("<br>%1").arg(name(g.splits, set));
    const qint64 count = g.counts(group, set);
    if (count == 0)
        return html + QStringLiteral("<br>") + tr("no samples");
    const double rate = g.errorRate(group, set);
    html += QStringLiteral("<br>") + tr("mean loss %1 nats").arg(g.meanLoss(group, set), 0, 'g', 3);
    html += QStringLiteral("<br>") +
            tr("%1 samples, error rate %2\u00a0% (%3 wrong)")
                .arg(en.toString(count))
                .arg(100.0 * rate, 0, 'f', rate < 0.1 ? 2 : 1)
                .arg(en.toString(static_cast<qint64>(std::llround(rate * count))));
    return html;
}

QString MetadataDashboard::summaryText(bool withHint) const
{
    const std::shared_ptr<const why::SubsetMetadata>& md =
        m_subset == analysis::Subset::Train ? m_train : m_validation;
    if (!md || m_grouped.groups.groupCount() == 0)
        return m_placeholder;
    const QLocale en(QLocale::English);
    double loss = 0.0;
    qint64 wrong = 0;
    for (int i = 0; i < md->sampleCount(); ++i) {
        loss += md->loss[static_cast<std::size_t>(i)];
        wrong += md->correct[static_cast<std::size_t>(i)] ? 0 : 1;
    }
    const int n = std::max(1, md->sampleCount());
    QString text = tr("%1 %2 samples · mean loss %3 nats · error rate %4\u00a0%")
                       .arg(en.toString(md->sampleCount()),
                            m_subset == analysis::Subset::Train ? tr("train") : tr("validation"))
                       .arg(loss / n, 0, 'g', 3)
                       .arg(100.0 * wrong / n, 0, 'f', 2);
    if (withHint)
        text += QStringLiteral(" · ") + tr("hover a bar for its count and error rate");
    return text;
}

void MetadataDashboard::render(QPainter* painter, const QRectF& target) const
{
    Chart& c = *m_chart;
    const QFontMetricsF fm(font());
    const QString summary = summaryText(false);
    const QRectF summaryBox = fm.boundingRect(QRectF(0, 0, std::max(1.0, target.width() - 16), 1e6),
                                              Qt::TextWordWrap, summary);
    const qreal summaryHeight = summary.isEmpty() ? 0.0 : summaryBox.height() + 8.0;
    const QRectF chartRect(target.topLeft(),
                           QSizeF(target.width(), std::max(0.0, target.height() - summaryHeight)));

    const QSizeF oldSize = c.chart->size();
    const int oldAngle = c.xAxis->labelsAngle();
    const QStringList oldLabels = c.xAxis->categories();
    const QString oldTitle = c.xAxis->titleText();
    const bool oldTitled = c.xAxis->isTitleVisible();
    const bool oldElide = c.xAxis->truncateLabels();
    c.layoutAt(chartRect.size());
    updateLabelAngle(c.chart->plotArea().width());
    c.layoutAt(chartRect.size());

    painter->save();
    painter->fillRect(target, Qt::white);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    const QRectF source(c.chart->mapToScene(QPointF(0, 0)), chartRect.size());
    c.chart->scene()->render(painter, chartRect, source, Qt::IgnoreAspectRatio);
    if (summaryHeight > 0) {
        painter->setFont(font());
        painter->setPen(QColor(0x55, 0x55, 0x55));
        const QRectF line(target.left() + 8, chartRect.bottom(), target.width() - 16,
                          summaryHeight);
        painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, summary);
    }
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
