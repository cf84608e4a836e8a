#include "ui/why/metadata_dashboard.h"

#include "ui/charts/grouped_bar_chart.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/map/map_style.h"
#include "ui/map/population_map.h"
#include "ui/why/metadata_coloring.h"
#include "ui/why/why_context.h"

#include <QAction>
#include <QComboBox>
#include <QCursor>
#include <QFontMetricsF>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
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

MetadataField fieldAt(int index)
{
    return static_cast<MetadataField>(index);
}

bool isClassField(MetadataField f)
{
    return f == MetadataField::Label || f == MetadataField::Prediction ||
           f == MetadataField::NearestCentroid;
}

// What each group of a grouping is called on the axis or in the legend:
// categorical values by name ("3", "even"), quantile bins as compact ranges
// with just enough digits to tell them apart ("0.12–0.35").
// A categorical group's name as the user reads it: the built-in fields'
// words ("3", "even", "correct"), the user's categories and "(missing)" as
// groupBy named them ("studio").
QString categoryName(const why::Grouping& g, int k)
{
    if (static_cast<int>(g.field) >= why::kMetadataFieldCount || k == g.missingGroup)
        return QString::fromStdString(g.names[static_cast<std::size_t>(k)]);
    return metadataCategoryName(g.field, k);
}

QStringList groupLabels(const why::Grouping& g)
{
    QStringList out;
    if (!g.continuous) {
        for (int k = 0; k < g.groupCount(); ++k)
            out << categoryName(g, k);
        return out;
    }
    for (int minDigits : {3, 10}) { // all with 10 digits in the unlikely case of a repeat
        out.clear();
        const QStringList edge = formatDistinctEdges(g.edges, minDigits);
        for (int k = 0; k < g.groupCount() && k + 1 < edge.size(); ++k)
            out << QStringLiteral("%1–%2").arg(edge[k], edge[k + 1]);
        if (g.missingGroup >= 0)
            out << QString::fromStdString(g.names[static_cast<std::size_t>(g.missingGroup)]);
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
    if (!g.continuous)
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
    if (k == g.missingGroup)
        return QColor(mapstyle::otherClassesColor());
    if (!g.continuous)
        return metadataCategoryColor(g.field, k);
    const int n = g.groupCount() - (g.missingGroup >= 0 ? 1 : 0);
    return QColor(sequentialColor(n > 1 ? double(k) / (n - 1) : 0.5));
}

// fieldWords: the split field's title as the sentence uses it.
QString splitName(const why::Grouping& g, int k, const QStringList& labels,
                  const QString& fieldWords)
{
    const QString name = k < labels.size() ? labels[k] : QString();
    if (isClassField(g.field))
        return QStringLiteral("%1 %2").arg(fieldWords, name);
    return name;
}

} // namespace

MetadataDashboard::MetadataDashboard(WhyContext* context, QWidget* parent)
    : QWidget(parent), m_context(context), m_session(context->session())
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
    } // the user's fields follow with their metadata (syncUserFields)
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
    m_chart = new GroupedBarChart(this);
    m_chart->setValueAxisTitle(tr("mean loss (nats)"));

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setContentsMargins(6, 0, 6, 4);
    m_summary->setStyleSheet(QStringLiteral("color: #555555"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_summary);

    connect(m_chart, &GroupedBarChart::barHovered, this, [this](bool on, int group, int set) {
        if (on)
            QToolTip::showText(QCursor::pos(), barTooltip(group, set), m_chart);
        else
            QToolTip::hideText();
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

    // --- Export: the suggested name follows the fields.
    m_exportActions = addExportActions(
        this,
        ExportSource{[this](QPainter* painter, const QRectF& target) { render(painter, target); },
                     [this] { return exportName(); },
                     {},
                     {},
                     tr("Save this chart as an image file")});

    connect(m_context, &WhyContext::resultsCleared, this, &MetadataDashboard::followContext);
    connect(m_context, &WhyContext::metadataReady, this, &MetadataDashboard::setMetadata);
    connect(m_context, &WhyContext::stepFailed, this,
            [this](WhyContext::Step step, const QString& message) {
                if (step != WhyContext::Step::Metadata)
                    return;
                m_placeholder = tr("Could not compute the sample metadata: %1").arg(message);
                updateChart();
                Q_EMIT failed(m_placeholder);
            });
    followContext();
}

// ---------------------------------------------------------------- metadata

void MetadataDashboard::followContext()
{
    if (m_context->hasMetadata() && m_train == m_context->metadata(analysis::Subset::Train) &&
        m_validation == m_context->metadata(analysis::Subset::Validation))
        return; // a setting of another view's step changed: the metadata stays
    m_train.reset();
    m_validation.reset();
    m_placeholder = m_session->hasRun() ? tr("computing metadata…") : tr("no run loaded");
    if (m_context->hasMetadata()) {
        setMetadata(m_context->metadata(analysis::Subset::Train),
                    m_context->metadata(analysis::Subset::Validation));
        return;
    }
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
    m_train = std::move(train);
    m_validation = std::move(validation);
    syncUserFields();
    if (!isFieldAvailable(m_field))
        m_field = MetadataField::Label;
    if (m_split && !isFieldAvailable(*m_split))
        m_split.reset();
    updateControls();
    updateChart();
    Q_EMIT metadataChanged();
}

bool MetadataDashboard::isFieldAvailable(MetadataField field) const
{
    if (!hasMetadata())
        return field != MetadataField::Ink && static_cast<int>(field) >= 0 &&
               static_cast<int>(field) < why::kMetadataFieldCount;
    return m_train->has(field) && m_validation->has(field);
}

int MetadataDashboard::fieldCount() const
{
    return hasMetadata() ? m_validation->fieldCount() : why::kMetadataFieldCount;
}

QString MetadataDashboard::fieldTitle(MetadataField field) const
{
    if (hasMetadata() && m_validation->has(field))
        return QString::fromStdString(m_validation->fieldTitle(field));
    return QString::fromUtf8(why::metadataFieldTitle(field));
}

QString MetadataDashboard::fieldWords(MetadataField field) const
{
    const QString title = fieldTitle(field);
    return static_cast<int>(field) >= why::kMetadataFieldCount ? title : title.toLower();
}

bool MetadataDashboard::isContinuousField(MetadataField field) const
{
    return hasMetadata() && m_validation->has(field) ? m_validation->continuous(field)
                                                     : why::isContinuous(field);
}

void MetadataDashboard::syncUserFields()
{
    // Items past the built-in fields are the user's (split combo: after "None").
    QStringList titles;
    for (int f = why::kMetadataFieldCount; f < fieldCount(); ++f)
        titles << fieldTitle(fieldAt(f));
    QStringList shown;
    for (int i = why::kMetadataFieldCount; i < m_fieldCombo->count(); ++i)
        shown << m_fieldCombo->itemText(i);
    if (titles == shown)
        return;
    const bool updating = m_updatingControls;
    m_updatingControls = true;
    while (m_fieldCombo->count() > why::kMetadataFieldCount)
        m_fieldCombo->removeItem(m_fieldCombo->count() - 1);
    while (m_splitCombo->count() > why::kMetadataFieldCount + 1)
        m_splitCombo->removeItem(m_splitCombo->count() - 1);
    for (int k = 0; k < titles.size(); ++k) {
        const int f = why::kMetadataFieldCount + k;
        m_fieldCombo->addItem(titles[k], f);
        m_fieldCombo->setItemData(f, tr("Your metadata.csv's column \"%1\"").arg(titles[k]),
                                  Qt::ToolTipRole);
        m_splitCombo->addItem(titles[k], f);
    }
    m_updatingControls = updating;
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
    if (f < 0 || f >= fieldCount() || !isFieldAvailable(field))
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
        if (f < 0 || f >= fieldCount() || *split == m_field || !isFieldAvailable(*split))
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
    for (int f = 0; f < m_fieldCombo->count(); ++f) {
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
    m_binsSpin->setEnabled(isContinuousField(m_field) || (m_split && isContinuousField(*m_split)));
    m_colorButton->setText(tr("Colour map by %1").arg(fieldWords(m_field)));
    m_colorButton->setEnabled(hasMetadata() && isFieldAvailable(m_field));
    m_colorButton->setToolTip(
        m_map ? tr("Colour the population map's dots by %1 (both subsets)").arg(fieldWords(m_field))
              : tr("Colour the population map by %1").arg(fieldWords(m_field)));
    m_updatingControls = false;
}

// ---------------------------------------------------------------- chart

QString MetadataDashboard::chartTitle() const
{
    // The subset is in the summary line under the chart: the title stays
    // short enough for a narrow dock.
    if (m_split)
        return tr("Mean loss by %1, split by %2").arg(fieldWords(m_field), fieldWords(*m_split));
    return tr("Mean loss by %1").arg(fieldWords(m_field));
}

QString MetadataDashboard::exportName() const
{
    // The user's column names as file-name words: "Camera model" → camera_model.
    const auto word = [this](MetadataField f) {
        QString w = hasMetadata() && m_validation->has(f)
                        ? QString::fromStdString(m_validation->fieldName(f)).toLower()
                        : QString::fromUtf8(why::metadataFieldName(f));
        for (QChar& c : w)
            if (!c.isLetterOrNumber() && c != QLatin1Char('-'))
                c = QLatin1Char('_');
        return w;
    };
    QString name = QStringLiteral("mean_loss_by_%1").arg(word(m_field));
    if (m_split)
        name += QStringLiteral("_split_%1").arg(word(*m_split));
    return name;
}

void MetadataDashboard::updateChart()
{
    m_grouped = {};
    const std::shared_ptr<const why::SubsetMetadata>& md =
        m_subset == analysis::Subset::Train ? m_train : m_validation;
    // The dashboard shows losses: a run without scores has none to show.
    if (md && !md->scored)
        m_placeholder = ExplorerSession::noScoresReason() +
                        tr(" The dashboard shows the mean loss of each group.");
    const bool ready = md && md->scored && md->has(m_field) && (!m_split || md->has(*m_split));
    if (ready)
        m_grouped = m_split ? why::meanLossBy(*md, m_field, *m_split, m_bins)
                            : why::meanLossBy(*md, m_field, m_bins);

    m_chart->setTitle(chartTitle());
    QString title = fieldTitle(m_field);
    QString compactTitle = title;
    if (isContinuousField(m_field)) {
        title += tr(" (quantile bins, equal counts)");
        compactTitle += tr(" (bin lower edges, equal counts)");
    }
    const int groups = m_grouped.groups.groupCount();
    const QStringList categories = groupLabels(m_grouped.groups);
    m_chart->setCategories(categories, title, compactGroupLabels(m_grouped.groups, categories),
                           compactTitle);

    const int splits = static_cast<int>(m_grouped.meanLoss.cols());
    const QStringList splitLabels = m_grouped.split ? groupLabels(m_grouped.splits) : QStringList();
    QList<GroupedBarChart::BarSet> sets;
    for (int s = 0; s < splits && groups > 0; ++s) {
        GroupedBarChart::BarSet set;
        set.name = m_grouped.split
                       ? splitName(m_grouped.splits, s, splitLabels, fieldWords(*m_split))
                       : tr("mean loss");
        set.color = m_grouped.split ? splitColor(m_grouped.splits, s) : kSingleBarColor;
        for (int g = 0; g < groups; ++g)
            set.values.append(m_grouped.meanLoss(g, s));
        sets.append(set);
    }
    m_chart->setBarSets(sets, m_grouped.split, m_grouped.split ? 0.85 : 0.7);
    m_chart->setPlaceholderText(groups > 0 ? QString() : m_placeholder);
    m_summary->setText(summaryText(true));
}

bool MetadataDashboard::categoryLabelsShortened() const
{
    return m_chart->categoryLabelsShortened();
}

int MetadataDashboard::categoryLabelAngle() const
{
    return m_chart->categoryLabelAngle();
}

QVector<QRectF> MetadataDashboard::categoryLabelRects(QStringList* texts) const
{
    QVector<QRectF> rects = m_chart->categoryLabelRects(texts);
    for (QRectF& r : rects)
        r.translate(m_chart->pos());
    return rects;
}

QRectF MetadataDashboard::categoryAxisTitleRect() const
{
    const QRectF title = m_chart->categoryAxisTitleRect();
    return title.isEmpty() ? title : title.translated(m_chart->pos());
}

QStringList MetadataDashboard::categories() const
{
    return m_chart->categories();
}

int MetadataDashboard::barSetCount() const
{
    return m_chart->barSetCount();
}

QString MetadataDashboard::barSetName(int set) const
{
    return m_chart->barSetName(set);
}

QColor MetadataDashboard::barSetColor(int set) const
{
    return m_chart->barSetColor(set);
}

QVector<double> MetadataDashboard::barValues(int set) const
{
    return m_chart->barValues(set);
}

QString MetadataDashboard::barTooltip(int group, int set) const
{
    const why::GroupedLoss& g = m_grouped;
    if (group < 0 || group >= g.groups.groupCount() || set < 0 || set >= g.meanLoss.cols())
        return {};
    const QLocale en(QLocale::English);
    const auto name = [this](const why::Grouping& grouping, int k) {
        const QString value = grouping.continuous ? QString::fromStdString(grouping.names[k])
                                                  : categoryName(grouping, k);
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
    const QFontMetricsF fm(font());
    const QString summary = summaryText(false);
    const QRectF summaryBox = fm.boundingRect(QRectF(0, 0, std::max(1.0, target.width() - 16), 1e6),
                                              Qt::TextWordWrap, summary);
    const qreal summaryHeight = summary.isEmpty() ? 0.0 : summaryBox.height() + 8.0;
    const QRectF chartRect(target.topLeft(),
                           QSizeF(target.width(), std::max(0.0, target.height() - summaryHeight)));
    painter->save();
    painter->fillRect(target, Qt::white);
    m_chart->render(painter, chartRect);
    if (summaryHeight > 0) {
        painter->setRenderHint(QPainter::TextAntialiasing);
        painter->setFont(font());
        painter->setPen(QColor(0x55, 0x55, 0x55));
        const QRectF line(target.left() + 8, chartRect.bottom(), target.width() - 16,
                          summaryHeight);
        painter->drawText(line, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, summary);
    }
    painter->restore();
}

} // namespace mnistx::ui
