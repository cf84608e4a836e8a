#include "ui/inspector/error_inspector.h"

#include "core/data/dataset.h"
#include "ui/charts/bar_chart_widget.h"
#include "ui/common/hint_stack.h"
#include "ui/common/render_to_image.h"
#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"
#include "ui/inspector/digit_view.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QStackedWidget>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace mnistx::ui
{

namespace
{

// Meaning, not class: the bars are neutral grey and only GT and prediction
// stand out, so the ten class hues of the map do not compete with red/green.
const QColor kWrongText = wrongColor();
const QColor kRightText = rightColor();
const QColor kGroundTruthMark(0x26, 0x32, 0x38);
const QColor kGroundTruthFill(0x60, 0x7d, 0x8b);
const QColor kWrongFill(0xe5, 0x39, 0x35);
const QColor kRightFill(0x43, 0xa0, 0x47);
const QColor kOwnDistanceLine(0x26, 0x32, 0x38);
// The other run of a comparison: ticks across the bars, apart from every
// fill and mark above.
const QColor kComparisonTick(0x8e, 0x24, 0xaa);
// The user's metadata fields listed in the header at most; the rest are
// counted ("… 3 more fields"): every field colours the map.
constexpr int kMaxListedFields = 16;

// "scene studio · exposure 0.82 · weather —" for sample `index` of a split:
// the metadata.csv fields in file order, a missing value as "—".
QString userFieldsLine(const data::UserMetadata& metadata, bool validation, int index)
{
    QStringList parts;
    const int columns = static_cast<int>(metadata.columns.size());
    for (int c = 0; c < std::min(columns, kMaxListedFields); ++c) {
        const data::MetadataColumn& column = metadata.columns[static_cast<std::size_t>(c)];
        const std::vector<float>& values = column.values(validation);
        const float v = index < static_cast<int>(values.size())
                            ? values[static_cast<std::size_t>(index)]
                            : std::nanf("");
        QString text = QStringLiteral("—");
        if (column.numeric && std::isfinite(v))
            text = QLocale().toString(double(v), 'g', 6);
        else if (!column.numeric && v >= 0.0f && v < float(column.categories.size()))
            text = QString::fromStdString(column.categories[static_cast<std::size_t>(v)]);
        parts << QStringLiteral("%1 %2").arg(QString::fromStdString(column.name), text);
    }
    if (columns > kMaxListedFields)
        parts << (columns - kMaxListedFields == 1
                      ? ErrorInspector::tr("… 1 more field")
                      : ErrorInspector::tr("… %1 more fields").arg(columns - kMaxListedFields));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

ErrorInspector::ErrorInspector(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_previousAction = new QAction(tr("◀ Previous"), this);
    m_previousAction->setShortcuts(
        {QKeySequence(Qt::Key_P), QKeySequence(Qt::CTRL | Qt::Key_Left)});
    m_previousAction->setToolTip(
        tr("Previous misclassified sample: the next higher loss (P, Ctrl+Left)"));
    m_nextAction = new QAction(tr("Next ▶"), this);
    m_nextAction->setShortcuts({QKeySequence(Qt::Key_N), QKeySequence(Qt::CTRL | Qt::Key_Right)});
    m_nextAction->setToolTip(tr("Next misclassified sample: the next lower loss (N, Ctrl+Right)"));
    for (QAction* a : {m_previousAction, m_nextAction}) {
        // Window-wide: the keys work while the user looks at the map.
        a->setShortcutContext(Qt::WindowShortcut);
        addAction(a);
    }
    connect(m_previousAction, &QAction::triggered, this,
            &ErrorInspector::showPreviousMisclassified);
    connect(m_nextAction, &QAction::triggered, this, &ErrorInspector::showNextMisclassified);

    auto* content = new QWidget(this);
    m_header = new QLabel(content);
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setToolTip(
        tr("The sample: its subset and index, ground truth (GT), the model's prediction "
           "and its cross-entropy loss; below, the file it came from and the dataset's own "
           "fields (metadata.csv), when there are any"));
    m_digit = new DigitView(content);
    m_digit->setToolTip(tr("The digit, enlarged without smoothing (one square per pixel)"));
    m_probabilities = new BarChartWidget(content);
    m_probabilities->setOrientation(Qt::Horizontal);
    m_probabilities->setTitle(tr("Predicted probability"));
    m_probabilities->setValueRange(0.0, 1.0);
    m_probabilities->setValueFormatter(&formatProbability);
    m_probabilities->setTickFormatter(&formatPercent);
    m_probabilities->setToolTip(tr("The model's softmax probability of every class"));
    m_distances = new BarChartWidget(content);
    m_distances->setTitle(tr("Distance to class centroids (pixels)"));
    m_distances->setValueAxisTitle(tr("Euclidean distance"));
    m_distances->setValueFormatter(&formatDistance);
    m_distances->setToolTip(
        tr("Euclidean distance in pixel space from this image to the mean training image of "
           "every class (shown under its bar). The dashed line is the distance to the "
           "sample's own class: bars below it are centroids the image is closer to."));
    m_nearestLabel = new QLabel(content);
    m_nearestLabel->setTextFormat(Qt::RichText);
    m_nearestLabel->setWordWrap(true);
    m_nearestLabel->setMargin(6);
    m_nearestLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_nearestLabel->setToolTip(
        tr("Which class mean image this digit is closest to, in pixel space"));

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_digit, 0, Qt::AlignTop);
    top->addWidget(m_probabilities, 1);
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_header);
    contentLayout->addLayout(top, 5);
    contentLayout->addWidget(m_distances, 6);
    contentLayout->addWidget(m_nearestLabel);

    m_stack = new HintStack(content, this);

    m_previousButton = new QToolButton(this);
    m_previousButton->setDefaultAction(m_previousAction);
    m_nextButton = new QToolButton(this);
    m_nextButton->setDefaultAction(m_nextAction);
    m_position = new QLabel(this);
    m_position->setAlignment(Qt::AlignCenter);
    // Wrapped: its longest text must not widen the dock (and the window) past the screen.
    m_position->setWordWrap(true);
    auto* nav = new QHBoxLayout;
    nav->addWidget(m_previousButton);
    nav->addWidget(m_position, 1);
    nav->addWidget(m_nextButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_stack, 1);
    layout->addLayout(nav);

    connect(m_session, &ExplorerSession::runChanged, this, &ErrorInspector::onRunChanged);
    connect(m_session, &ExplorerSession::currentChanged, this, &ErrorInspector::showSample);
    onRunChanged();
}

ErrorInspector::~ErrorInspector() = default;

void ErrorInspector::setComparison(std::shared_ptr<const store::RunData> other, const QString& name)
{
    m_other = std::move(other);
    m_otherName = name;
    if (m_id >= 0)
        showSample(m_id);
}

void ErrorInspector::onRunChanged()
{
    if (m_session->hasRun()) {
        const int classes = m_session->classCount();
        QStringList labels;
        QVector<QImage> icons;
        for (int c = 0; c < classes; ++c) {
            labels << m_session->className(c);
            icons << m_session->centroidImage(c);
        }
        m_probabilities->setLabels(labels);
        m_distances->setLabels(labels);
        m_distances->setBarIcons(icons);
        // Embeddings without images measure in feature space: say which.
        const bool features = m_session->run().featureSpaceCentroids;
        m_digit->setPlaceholder(features ? tr("no image: the embeddings have no images.npy")
                                         : QString());
        m_distances->setTitle(features ? tr("Distance to class centroids (features)")
                                       : tr("Distance to class centroids (pixels)"));
        m_distances->setToolTip(
            features ? tr("Euclidean distance in feature space from this sample to the mean "
                          "feature vector of every class. The dashed line is the distance to "
                          "the sample's own class: bars below it are centroids the sample is "
                          "closer to.")
                     : tr("Euclidean distance in pixel space from this image to the mean "
                          "training image of every class (shown under its bar). The dashed "
                          "line is the distance to the sample's own class: bars below it are "
                          "centroids the image is closer to."));
        m_nearestLabel->setToolTip(tr("Which class centroid this sample is closest to, in %1")
                                       .arg(QString::fromLatin1(m_session->run().centroidSpace())));
    }
    showSample(m_session->hasRun() ? m_session->current() : -1);
}

bool ErrorInspector::isShowingHint() const
{
    return m_stack->showsHint();
}

QString ErrorInspector::hintText() const
{
    return m_stack->hintText();
}

void ErrorInspector::showSample(int id)
{
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount()) {
        m_id = -1;
        m_nearest = -1;
        m_comparisonPlain.clear();
        m_userFields.clear();
        m_headerPlain.clear();
        m_headerHtml.clear();
        m_nearestPlain.clear();
        m_nearestHtml.clear();
        QString hint = tr("No run loaded.\n\nOpen a run or train one; then click a dot on the "
                          "map to inspect a sample.");
        if (m_session->hasRun())
            hint = m_session->scored()
                       ? tr("Click a dot on the map to inspect a sample\n\n"
                            "or press N to start with the worst misclassified sample.")
                       : tr("Click a dot on the map to inspect a sample.");
        m_stack->setHintText(hint);
        m_stack->showHint();
        updateNavigation();
        return;
    }
    m_id = id;
    const analysis::SubsetAnalysis& a = m_session->analysisOf(id);
    const int row = m_session->indexInSubset(id);
    const int gt = m_session->label(id);
    // Without model scores there is no prediction: the charts mark the
    // ground truth only and the sentences say nothing of the model.
    const bool scored = m_session->scored();
    const int pred = scored ? m_session->prediction(id) : gt;
    const bool right = gt == pred;
    const int classes = m_session->classCount();

    // Header: the panel's title, so the name is set large.
    const SampleHeader header = sampleHeader(*m_session, id, QStringLiteral("font-size:large"));
    m_headerPlain = header.plain;
    m_headerHtml = header.html;
    // Where the image came from (image folders): the file to open or fix.
    const QString source = m_session->source(id);
    if (!source.isEmpty()) {
        m_headerPlain += tr(" · %1").arg(source);
        m_headerHtml +=
            QStringLiteral("<br><span style='color:#555'>%1</span>").arg(source.toHtmlEscaped());
    }
    // The user's own fields (metadata.csv), when the dataset has them.
    const auto data = m_session->dataPtr();
    m_userFields =
        data && !data->metadata.empty()
            ? userFieldsLine(data->metadata,
                             m_session->subsetOf(id) == analysis::Subset::Validation, row)
            : QString();
    if (!m_userFields.isEmpty()) {
        m_headerPlain += tr(" · %1").arg(m_userFields);
        m_headerHtml += QStringLiteral("<br><span style='color:#37474f'>%1</span>")
                            .arg(m_userFields.toHtmlEscaped());
    }
    // The other run of a comparison: its verdict on the same sample.
    const analysis::SubsetAnalysis* other = nullptr;
    if (scored && m_other && m_other->train.scored &&
        m_other->train.sampleCount() == m_session->trainCount() &&
        m_other->validation.sampleCount() == m_session->validationCount() &&
        m_other->train.classCount == classes) {
        other = m_session->subsetOf(id) == analysis::Subset::Train ? &m_other->train
                                                                   : &m_other->validation;
        const int otherPred = other->predictions[static_cast<std::size_t>(row)];
        m_comparisonPlain = tr("%1: predicted %2 (%3) · loss %4")
                                .arg(m_otherName, m_session->className(otherPred),
                                     otherPred == gt ? tr("right") : tr("wrong"),
                                     formatLoss(other->losses[static_cast<std::size_t>(row)]));
        m_headerPlain += tr(" · %1").arg(m_comparisonPlain);
        m_headerHtml += QStringLiteral("<br><span style='color:#8e24aa'>▮ %1</span>")
                            .arg(m_comparisonPlain.toHtmlEscaped());
    } else {
        m_comparisonPlain.clear();
    }
    const auto otherRow = [&](const RowMatrixXf& m) {
        QVector<double> v;
        if (other && m.rows() > row && m.cols() == classes)
            for (int c = 0; c < classes; ++c)
                v << m(row, c);
        return v;
    };
    m_header->setText(m_headerHtml);
    m_digit->setImage(m_session->image(id));

    // Marks shared by both charts.
    const auto markCharts = [&](BarChartWidget* chart) {
        chart->clearMarks();
        QVector<QColor> fills(chart->barCount(), BarChartWidget::defaultBarColor());
        if (gt < fills.size())
            fills[gt] = right && scored ? kRightFill : kGroundTruthFill;
        if (pred < fills.size() && !right)
            fills[pred] = kWrongFill;
        chart->setBarColors(fills);
        if (!scored) {
            chart->setMark(gt, tr("GT"), kGroundTruthMark);
            return QVector<BarChartWidget::LegendEntry>{{tr("ground truth"), kGroundTruthFill}};
        }
        if (right) {
            chart->setMark(gt, tr("GT\npred"), kRightText);
        } else {
            chart->setMark(gt, tr("GT"), kGroundTruthMark);
            chart->setMark(pred, tr("pred"), kWrongText);
        }
        QVector<BarChartWidget::LegendEntry> legend;
        if (right)
            legend = {{tr("ground truth = prediction"), kRightFill}};
        else
            legend = {{tr("ground truth"), kGroundTruthFill}, {tr("prediction"), kWrongFill}};
        return legend;
    };

    // Probabilities.
    QVector<double> probabilities;
    if (a.probabilities.rows() > row && a.probabilities.cols() == classes)
        for (int c = 0; c < classes; ++c)
            probabilities << a.probabilities(row, c);
    m_probabilities->setValues(probabilities);
    m_probabilities->setPlaceholderText(
        scored ? tr("no probabilities in this run")
               : tr("no probabilities: the embeddings came without logits.npy or "
                    "probabilities.npy"));
    QVector<BarChartWidget::LegendEntry> probabilityLegend = markCharts(m_probabilities);
    m_probabilities->setComparisonValues(otherRow(other ? other->probabilities : RowMatrixXf()),
                                         kComparisonTick);
    if (!m_probabilities->comparisonValues().isEmpty())
        probabilityLegend.append({m_otherName, kComparisonTick});
    if (probabilities.isEmpty()) // the placeholder says why; no colours to explain
        probabilityLegend.clear();
    m_probabilities->setLegend(probabilityLegend);

    // Distances to the class centroids, and the sentence naming the nearest.
    QVector<double> distances;
    m_nearest = -1;
    if (a.centroidDistances.rows() > row && a.centroidDistances.cols() == classes) {
        for (int c = 0; c < classes; ++c) {
            distances << a.centroidDistances(row, c);
            if (m_nearest < 0 || distances[c] < distances[m_nearest])
                m_nearest = c;
        }
    }
    m_distances->setValues(distances);
    m_distances->setPlaceholderText(tr("no centroid distances in this run"));
    QVector<BarChartWidget::LegendEntry> legend = markCharts(m_distances);
    if (m_nearest >= 0) {
        const double own = distances[gt];
        m_distances->setReferenceLine(own, kOwnDistanceLine);
        legend.append({tr("own class (%1)").arg(m_session->className(gt)), kOwnDistanceLine, true});
        if (m_nearest != gt && m_nearest != pred)
            m_distances->setMark(m_nearest, tr("nearest"), QColor(0x6a, 0x1b, 0x9a));
        else if (m_nearest == pred && !right)
            m_distances->setMark(pred, tr("pred\nnearest"), kWrongText);
        else if (m_nearest == gt && !scored)
            m_distances->setMark(gt, tr("GT\nnearest"), kGroundTruthMark);
        else if (m_nearest == gt)
            m_distances->setMark(gt, right ? tr("GT\npred\nnearest") : tr("GT\nnearest"),
                                 right ? kRightText : kGroundTruthMark);
    } else {
        m_distances->setReferenceLine(std::nan(""));
    }
    m_distances->setComparisonValues(otherRow(other ? other->centroidDistances : RowMatrixXf()),
                                     kComparisonTick);
    if (!m_distances->comparisonValues().isEmpty())
        legend.append({m_otherName, kComparisonTick});
    m_distances->setLegend(legend);

    m_nearestIsOther = m_nearest >= 0 && m_nearest != gt;
    if (m_nearest < 0) {
        m_nearestPlain = tr("No centroid distances in this run.");
        m_nearestHtml = m_nearestPlain.toHtmlEscaped();
    } else {
        const QString nearestName = m_session->className(m_nearest);
        const QString gtName = m_session->className(gt), predName = m_session->className(pred);
        const QString dn = formatDistance(distances[m_nearest]);
        const QString dgt = formatDistance(distances[gt]);
        QString tail;
        QString tailHtml;
        if (m_nearest != gt) {
            m_nearestPlain = tr("Nearest centroid: %1 (%2) — closer than its own class %3 (%4).")
                                 .arg(nearestName)
                                 .arg(dn)
                                 .arg(gtName)
                                 .arg(dgt);
            m_nearestHtml = tr("Nearest centroid:&nbsp;<b>%1</b> (%2) — closer than its own "
                               "class&nbsp;<b>%3</b> (%4).")
                                .arg(nearestName.toHtmlEscaped())
                                .arg(dn)
                                .arg(gtName.toHtmlEscaped())
                                .arg(dgt);
            if (!scored)
                tail.clear(); // no model scores: nothing to say of a prediction
            else if (right)
                tail = tr("The model still predicted %1 correctly.").arg(gtName);
            else if (pred == m_nearest)
                tail = tr("The model predicted %1 too.").arg(predName);
            else
                tail = tr("The model predicted %1 (%2).")
                           .arg(predName)
                           .arg(formatDistance(distances[pred]));
        } else {
            m_nearestPlain = tr("Nearest centroid: %1 (%2), its own class.").arg(gtName).arg(dn);
            m_nearestHtml = tr("Nearest centroid:&nbsp;<b>%1</b> (%2), its own class.")
                                .arg(gtName.toHtmlEscaped())
                                .arg(dn);
            if (!right)
                tail = tr("Yet the model predicted %1 (%2).")
                           .arg(predName)
                           .arg(formatDistance(distances[pred]));
        }
        if (!tail.isEmpty()) {
            m_nearestPlain += QLatin1Char(' ') + tail;
            m_nearestHtml += QLatin1Char(' ') + tail.toHtmlEscaped();
        }
    }
    m_nearestLabel->setText(m_nearestHtml);
    // The evidence the inspector exists for: a digit closer to another class's
    // mean than to its own gets a highlighted sentence.
    m_nearestLabel->setStyleSheet(
        m_nearestIsOther ? QStringLiteral("QLabel { background: #fff4d6; border-left: 4px solid "
                                          "#e0a100; font-size: 11pt; }")
                         : QStringLiteral("QLabel { background: #f1f3f5; border-left: 4px solid "
                                          "#9aa5b1; font-size: 11pt; }"));
    m_stack->showContent();
    updateNavigation();
}

int ErrorInspector::misclassifiedStep(int step) const
{
    if (!m_session->hasRun())
        return -1;
    const std::vector<int>& order = m_session->misclassifiedByLoss();
    if (order.empty())
        return -1;
    const auto it = std::find(order.begin(), order.end(), m_id);
    if (it == order.end()) {
        // From a correct sample or none: forward starts with the worst error;
        // backward from a correct sample starts with the mildest one.
        if (step > 0)
            return order.front();
        return m_id < 0 ? -1 : order.back();
    }
    const auto index = (it - order.begin()) + step;
    return index < 0 || index >= static_cast<std::ptrdiff_t>(order.size()) ? -1 : order[index];
}

int ErrorInspector::nextMisclassified() const
{
    return misclassifiedStep(+1);
}

int ErrorInspector::previousMisclassified() const
{
    return misclassifiedStep(-1);
}

void ErrorInspector::showNextMisclassified()
{
    const int id = nextMisclassified();
    if (id >= 0)
        m_session->setCurrent(id);
}

void ErrorInspector::showPreviousMisclassified()
{
    const int id = previousMisclassified();
    if (id >= 0)
        m_session->setCurrent(id);
}

QString ErrorInspector::navigationText() const
{
    return m_position->text();
}

void ErrorInspector::updateNavigation()
{
    const bool run = m_session->hasRun();
    m_previousAction->setEnabled(previousMisclassified() >= 0);
    m_nextAction->setEnabled(nextMisclassified() >= 0);
    m_previousButton->setVisible(run);
    m_nextButton->setVisible(run);
    if (!run) {
        m_position->clear();
        return;
    }
    const std::vector<int>& order = m_session->misclassifiedByLoss();
    const QString total = QLocale().toString(static_cast<qlonglong>(order.size()));
    if (!m_session->scored()) {
        m_position->setText(tr("no predictions in this run"));
        m_position->setToolTip(ExplorerSession::noScoresReason());
        return;
    }
    m_position->setToolTip(tr(
        "Where this sample is among the misclassified samples, ordered by loss (highest first)"));
    if (order.empty()) {
        m_position->setText(tr("no misclassified samples"));
        return;
    }
    const auto it = std::find(order.begin(), order.end(), m_id);
    if (it != order.end())
        m_position->setText(
            tr("misclassified %1 of %2, by descending loss")
                .arg(QLocale().toString(static_cast<qlonglong>(it - order.begin() + 1)), total));
    else if (m_id >= 0)
        m_position->setText(tr("correctly classified · N: worst of %1 misclassified").arg(total));
    else
        m_position->setText(tr("%1 misclassified · N: the worst first").arg(total));
}

void ErrorInspector::render(QPainter* painter, const QRectF& target) const
{
    painter->save();
    painter->setClipRect(target);
    painter->fillRect(target, Qt::white);
    const QRectF area = target.adjusted(12, 12, -12, -12);
    if (m_id < 0) {
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->setFont(font());
        painter->drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_stack->hintText());
        painter->restore();
        return;
    }
    const auto drawHtml = [&](const QString& html, const QPointF& at, double width,
                              const QFont& f) {
        QTextDocument doc;
        doc.setDefaultFont(f);
        doc.setDocumentMargin(0);
        doc.setHtml(html);
        doc.setTextWidth(width);
        painter->save();
        painter->translate(at);
        doc.drawContents(painter);
        painter->restore();
        return doc.size().height();
    };
    const auto htmlHeight = [&](const QString& html, double width, const QFont& f) {
        QTextDocument doc;
        doc.setDefaultFont(f);
        doc.setDocumentMargin(0);
        doc.setHtml(html);
        doc.setTextWidth(width);
        return doc.size().height();
    };
    QFont sentenceFont = font();
    if (sentenceFont.pointSizeF() > 0) // as on screen: the sentence is a little larger
        sentenceFont.setPointSizeF(sentenceFont.pointSizeF() * 1.1);
    double y = area.top();
    y += drawHtml(m_headerHtml, QPointF(area.left(), y), area.width(), font()) + 8.0;
    const double sentenceHeight =
        htmlHeight(m_nearestHtml, area.width() - 16.0, sentenceFont) + 12.0;
    const double middle = std::max(40.0, area.bottom() - sentenceHeight - 8.0 - y);
    // The digit and the probabilities side by side, the distances below (as on screen).
    const double topHeight = std::min(middle * 0.45, area.width() * 0.45);
    const double side = std::min(topHeight, area.width() * 0.42);
    const QRectF digitArea(area.left(), y, side, side);
    const QImage image = m_digit->image();
    if (!image.isNull())
        DigitView::paintDigit(painter, image, digitArea);
    m_probabilities->render(
        painter, QRectF(area.left() + side + 12.0, y, area.width() - side - 12.0, topHeight));
    y += topHeight + 8.0;
    const double distanceHeight = std::max(20.0, area.bottom() - sentenceHeight - 8.0 - y);
    m_distances->render(painter, QRectF(area.left(), y, area.width(), distanceHeight));
    y += distanceHeight + 8.0;
    const QRectF box(area.left(), y, area.width(), sentenceHeight);
    painter->fillRect(box, m_nearestIsOther ? QColor(0xff, 0xf4, 0xd6) : QColor(0xf1, 0xf3, 0xf5));
    painter->fillRect(QRectF(box.left(), box.top(), 4.0, box.height()),
                      m_nearestIsOther ? QColor(0xe0, 0xa1, 0x00) : QColor(0x9a, 0xa5, 0xb1));
    drawHtml(m_nearestHtml, QPointF(box.left() + 12.0, box.top() + 6.0), box.width() - 16.0,
             sentenceFont);
    painter->restore();
}

QImage ErrorInspector::renderImage(QSize logicalSize, qreal scale) const
{
    return renderToImage(
        [this](QPainter* painter, const QRectF& target) { render(painter, target); }, logicalSize,
        scale);
}

} // namespace mnistx::ui
