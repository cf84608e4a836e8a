#include "ui/why/confusion_matrix_view.h"

#include "core/why/sample_metadata.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/why/confusion_matrix_canvas.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QLabel>
#include <QLinearGradient>
#include <QLocale>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <utility>

namespace mnistx::ui
{

namespace
{

// "1 sample", "12 samples" (no translation files: no %n plural forms).
QString samplesText(long long count)
{
    return count == 1 ? QObject::tr("1 sample")
                      : QObject::tr("%1 samples").arg(QLocale().toString(count));
}

// The legend's type is a little smaller than the headers': it is read once.
constexpr double kLegendFontScale = 0.85;
constexpr double kLegendGap = 10.0;      // between the accuracy column and the legend (px)
constexpr double kLegendBarWidth = 10.0; // the colour ramps (px)
constexpr double kMinLegendBar = 20.0;   // a shorter ramp shows no gradient worth reading (px)
constexpr double kMinCellPixels = 8.0;   // below, a cell is hard to hit with the mouse
// Cell counts below this size (px) are unreadable: the cells show colour only.
constexpr int kMinCellFontPixels = 7;

const QColor kEmptyCell(Qt::white);
const QColor kEmptyText(0xb4, 0xb4, 0xb4); // zeros recede
const QColor kGrid(0xd4, 0xd4, 0xd4);
const QColor kHeaderText(0x33, 0x33, 0x33);
const QColor kAccuracyBackground(0xf2, 0xf2, 0xf2);
const QColor kActiveOutline(0x1f, 0x4e, 0x9c); // blue: not on the orange-red or green scales

} // namespace

struct ConfusionMatrixView::Layout {
    QRectF title;           // empty without a title
    QRectF columnAxis;      // "Predicted"
    QRectF rowAxis;         // "Ground truth", drawn rotated
    QPointF origin;         // top-left of cell (0, 0)
    double cellWidth = 0.0; // cells are square unless the counts need them wider or taller
    double cellHeight = 0.0;
    double accuracyLeft = 0;  // x of the accuracy column
    double accuracyWidth = 0; // its width
    double headerSize = 0;    // height of the column digits / width of the row digits
    QRectF legend;            // the colour scales, right of the accuracy column; empty: none
    QFont font;               // headers and axis titles
    QFont cellFont;
    QFont legendFont;
    bool cellTextFits = true; // false: cells too small for their text, colour only
    double gridWidth() const { return cellWidth * classes; }
    double gridHeight() const { return cellHeight * classes; }
    QRectF cell(int label, int prediction) const
    {
        return QRectF(origin.x() + prediction * cellWidth, origin.y() + label * cellHeight,
                      cellWidth, cellHeight);
    }
    int classes = 1;
};

ConfusionMatrixView::ConfusionMatrixView(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_subsetBox = new QComboBox(this);
    m_subsetBox->addItem(tr("validation"), static_cast<int>(analysis::Subset::Validation));
    m_subsetBox->addItem(tr("train"), static_cast<int>(analysis::Subset::Train));
    m_subsetBox->setToolTip(tr("Which subset's predictions to count"));
    m_normalizeBox = new QCheckBox(tr("&Row %"), this);
    m_normalizeBox->setToolTip(
        tr("Show each cell as a percentage of its row (the samples of that ground-truth class) "
           "instead of a count"));
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    // One line, so the matrix keeps the height of a low dock: the hint is here.
    m_summary->setToolTip(tr("Click a cell to select its samples on the map"));
    m_canvas = new ConfusionMatrixCanvas(this);
    m_canvas->setToolTip(QString()); // per-cell tooltips come from the canvas itself
    setFocusProxy(m_canvas); // Analyse > Confusion Matrix: arrow keys move over the cells at once

    auto* controls = new QHBoxLayout;
    auto* subsetLabel = new QLabel(tr("&Subset:"), this);
    subsetLabel->setBuddy(m_subsetBox);
    controls->addWidget(subsetLabel);
    controls->addWidget(m_subsetBox);
    controls->addSpacing(6);
    controls->addWidget(m_normalizeBox);
    controls->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(m_canvas, 1);

    // The suggested name follows the subset; the size is at least one where
    // every count is legible, whatever the dock's size.
    m_exportActions = addExportActions(
        m_canvas,
        ExportSource{
            [this](QPainter* painter, const QRectF& target) { render(painter, target); },
            [this] { return QStringLiteral("confusion_%1").arg(analysis::subsetName(m_subset)); },
            [this] { return QSizeF(m_canvas->size().expandedTo(QSize(520, 480))); },
            {},
            tr("Save the confusion matrix as an image file")});

    connect(m_subsetBox, &QComboBox::currentIndexChanged, this, [this] {
        setSubset(static_cast<analysis::Subset>(m_subsetBox->currentData().toInt()));
    });
    connect(m_normalizeBox, &QCheckBox::toggled, this, &ConfusionMatrixView::setNormalized);
    connect(m_session, &ExplorerSession::runChanged, this, &ConfusionMatrixView::onRunChanged);
    connect(m_session, &ExplorerSession::selectionChanged, this,
            &ConfusionMatrixView::onSelectionChanged);
    onRunChanged();
}

ConfusionMatrixView::~ConfusionMatrixView() = default;

void ConfusionMatrixView::setSubset(analysis::Subset subset)
{
    {
        const QSignalBlocker block(m_subsetBox);
        m_subsetBox->setCurrentIndex(std::max(0, m_subsetBox->findData(static_cast<int>(subset))));
    }
    if (subset == m_subset)
        return;
    m_subset = subset;
    m_activeLabel = m_activePrediction = -1;
    updateSummary();
    m_canvas->update();
}

void ConfusionMatrixView::setNormalized(bool rowPercent)
{
    {
        const QSignalBlocker block(m_normalizeBox);
        m_normalizeBox->setChecked(rowPercent);
    }
    if (rowPercent == m_normalized)
        return;
    m_normalized = rowPercent;
    m_canvas->update();
}

void ConfusionMatrixView::onRunChanged()
{
    m_activeLabel = m_activePrediction = -1;
    m_activeDescription.clear();
    updateSummary();
    m_canvas->update();
}

void ConfusionMatrixView::onSelectionChanged()
{
    // The outline says "this cell is the selection": drop it when something else is.
    if (m_activeLabel >= 0 && m_session->selectionDescription() != m_activeDescription) {
        m_activeLabel = m_activePrediction = -1;
        m_canvas->update();
    }
}

const analysis::SubsetAnalysis* ConfusionMatrixView::analysis() const
{
    if (!m_session->hasRun())
        return nullptr;
    return m_subset == analysis::Subset::Train ? &m_session->run().train
                                               : &m_session->run().validation;
}

int ConfusionMatrixView::classCount() const
{
    const auto* a = analysis();
    return a ? static_cast<int>(a->confusion.rows()) : 0;
}

long long ConfusionMatrixView::cellCount(int label, int prediction) const
{
    const int classes = classCount();
    if (label < 0 || prediction < 0 || label >= classes || prediction >= classes)
        return 0;
    return analysis()->confusion(label, prediction);
}

QString ConfusionMatrixView::cellText(int label, int prediction) const
{
    const int classes = classCount();
    if (label < 0 || prediction < 0 || label >= classes || prediction >= classes)
        return {};
    const long long count = cellCount(label, prediction);
    if (!m_normalized)
        return QString::number(count);
    const long long row = analysis()->confusion.row(label).sum();
    if (row == 0 || count == 0)
        return QStringLiteral("0");
    const double share = 100.0 * static_cast<double>(count) / static_cast<double>(row);
    // Two decimals below 1 %: MNIST's errors are mostly 0.0x % of a row.
    if (share < 0.01)
        return QStringLiteral("<0.01");
    return QString::number(share, 'f', share < 1.0 ? 2 : share >= 99.95 ? 0 : 1);
}

QString ConfusionMatrixView::accuracyText(int label) const
{
    const int classes = classCount();
    if (label < 0 || label >= classes)
        return {};
    const long long row = analysis()->confusion.row(label).sum();
    if (row == 0)
        return QStringLiteral("–");
    return QString::number(100.0 * cellCount(label, label) / static_cast<double>(row), 'f', 1) +
           QStringLiteral(" %");
}

QString ConfusionMatrixView::cellDescription(int label, int prediction) const
{
    const long long count = cellCount(label, prediction);
    const long long row = analysis() ? analysis()->confusion.row(label).sum() : 0;
    QString text = tr("%1: ground truth %2 predicted %3\n%4")
                       .arg(QLatin1String(analysis::subsetName(m_subset)))
                       .arg(m_session->className(label))
                       .arg(m_session->className(prediction))
                       .arg(samplesText(count));
    if (row > 0)
        text += tr(", %1 % of ground truth %2")
                    .arg(QString::number(100.0 * count / static_cast<double>(row), 'f', 2))
                    .arg(m_session->className(label));
    if (count > 0)
        text += QLatin1Char('\n') + tr("Click to select them");
    return text;
}

void ConfusionMatrixView::updateSummary()
{
    const auto* a = analysis();
    if (!a) {
        m_summary->setText(tr("No run loaded."));
        return;
    }
    if (!a->scored) {
        m_summary->setText(tr("%1: no predictions, so no confusion matrix")
                               .arg(QLatin1String(analysis::subsetName(m_subset))));
        return;
    }
    const QLocale locale;
    const long long total = a->confusion.sum();
    const long long correct = a->confusion.trace();
    m_summary->setText(
        tr("%1: %2 samples, %3 errors (accuracy %4 %)")
            .arg(QLatin1String(analysis::subsetName(m_subset)), locale.toString(total),
                 locale.toString(total - correct),
                 total ? locale.toString(100.0 * correct / total, 'f', 2) : QStringLiteral("–")));
}

void ConfusionMatrixView::activateCell(int label, int prediction)
{
    const auto* a = analysis();
    const int classes = classCount();
    if (!a || label < 0 || prediction < 0 || label >= classes || prediction >= classes)
        return;
    const std::vector<int> samples = why::confusionCellSamples(*a, label, prediction);
    if (samples.empty())
        return; // nothing to select; the tooltip already says 0
    QVector<int> ids;
    ids.reserve(static_cast<int>(samples.size()));
    for (int index : samples)
        ids.append(m_session->idOf(m_subset, index));
    m_activeLabel = label;
    m_activePrediction = prediction;
    // No count: whoever shows the selection counts it ("… 6: 12 samples · …").
    m_activeDescription = tr("%1: ground truth %2 predicted %3")
                              .arg(QLatin1String(analysis::subsetName(m_subset)))
                              .arg(m_session->className(label))
                              .arg(m_session->className(prediction));
    m_session->setSelection(ids, m_activeDescription);
    m_canvas->update();
    Q_EMIT cellActivated(static_cast<int>(m_subset), label, prediction);
}

ConfusionMatrixView::Layout ConfusionMatrixView::layoutFor(const QRectF& area, bool withTitle) const
{
    // With the legend when the counts still fit beside it; counts before
    // the legend in a narrow dock (the tooltip names the colours too).
    Layout l = layoutFor(area, withTitle, true);
    if (!l.cellTextFits) {
        Layout bare = layoutFor(area, withTitle, false);
        if (bare.cellTextFits)
            return bare;
    }
    return l;
}

ConfusionMatrixView::Layout ConfusionMatrixView::layoutFor(const QRectF& area, bool withTitle,
                                                           bool withLegend) const
{
    Layout l;
    const int classes = std::max(1, classCount());
    l.classes = classes;
    l.font = font();
    l.legendFont = l.font;
    if (l.font.pointSizeF() > 0)
        l.legendFont.setPointSizeF(l.font.pointSizeF() * kLegendFontScale);
    else
        l.legendFont.setPixelSize(
            std::max(kMinCellFontPixels, int(std::lround(l.font.pixelSize() * kLegendFontScale))));
    const QFontMetricsF fm(l.font);
    const double line = fm.height();
    const double margin = 8.0;
    double top = area.top() + margin;
    if (withTitle) {
        l.title = QRectF(area.left() + margin, top, area.width() - 2 * margin, line * 1.5);
        top += line * 1.8;
    }
    const double axis = line * 1.4;
    l.headerSize = std::max(fm.horizontalAdvance(QStringLiteral("00")) + 8.0, line * 1.3);
    l.accuracyWidth = fm.horizontalAdvance(QStringLiteral("100.0 %")) + 12.0;
    const double gap = 6.0;
    const double legendWidth = withLegend && analysis() ? legendWidthFor(l) : 0.0;
    const double legendSpace = legendWidth > 0 ? kLegendGap + legendWidth : 0.0;
    const double left = area.left() + margin + axis + l.headerSize;
    const double availableWidth =
        area.right() - margin - left - gap - l.accuracyWidth - legendSpace;
    const double availableHeight = area.bottom() - margin - (top + axis + l.headerSize);
    // Whole pixels per cell: crisp grid lines on screen and in PNG.
    const double maxWidth = std::max(kMinCellPixels, std::floor(availableWidth / classes));
    const double maxHeight = std::max(kMinCellPixels, std::floor(availableHeight / classes));
    l.cellWidth = l.cellHeight = std::min(maxWidth, maxHeight);
    fitCellFont(l, maxWidth, maxHeight);
    // Centre the block (axis, headers, cells, accuracy, legend) horizontally in the area.
    const double blockWidth =
        axis + l.headerSize + l.gridWidth() + gap + l.accuracyWidth + legendSpace;
    const double shift = std::max(0.0, (area.width() - 2 * margin - blockWidth) / 2.0);
    l.origin = QPointF(std::round(left + shift), std::round(top + axis + l.headerSize));
    l.columnAxis = QRectF(l.origin.x(), top, l.gridWidth(), axis);
    l.rowAxis = QRectF(l.origin.x() - l.headerSize - axis, l.origin.y(), axis, l.gridHeight());
    l.accuracyLeft = l.origin.x() + l.gridWidth() + gap;
    // The legend spans the headers and the cells, when that holds one ramp.
    const double legendHeight = l.headerSize + l.gridHeight();
    if (legendWidth > 0 &&
        legendHeight >= 2.0 * QFontMetricsF(l.legendFont).height() + kMinLegendBar)
        l.legend = QRectF(l.accuracyLeft + l.accuracyWidth + kLegendGap,
                          l.origin.y() - l.headerSize, legendWidth, legendHeight);
    return l;
}

void ConfusionMatrixView::fitCellFont(Layout& layout, double maxWidth, double maxHeight) const
{
    // ~0.3 of a square cell per em, 11 to 15 px (the size of the headers);
    // smaller while the widest text does not fit, down to kMinCellFontPixels. A cell grows wider
    // (or taller) than square, up to what the area allows, where that is what the text needs: a
    // wide, low dock still shows every count.
    QStringList widest;
    int longest = 0;
    for (int r = 0; r < classCount(); ++r)
        for (int c = 0; c < classCount(); ++c) {
            const QString text = cellText(r, c);
            if (text.size() > longest) {
                longest = static_cast<int>(text.size());
                widest.clear();
            }
            if (text.size() == longest && !widest.contains(text))
                widest << text;
        }
    layout.cellFont = layout.font;
    const double side = std::min(layout.cellWidth, layout.cellHeight);
    const int preferred = static_cast<int>(std::clamp(side * 0.3, 11.0, 15.0));
    for (int pixelSize = preferred; pixelSize >= kMinCellFontPixels; --pixelSize) {
        layout.cellFont.setPixelSize(pixelSize);
        const QFontMetricsF cfm(layout.cellFont);
        double textWidth = 0.0;
        for (const QString& text : widest)
            textWidth = std::max(textWidth, cfm.horizontalAdvance(text));
        const double needWidth = std::ceil(textWidth + 4.0);
        const double needHeight = std::ceil(cfm.ascent() + cfm.descent() + 2.0);
        if (needWidth <= maxWidth && needHeight <= maxHeight) {
            layout.cellWidth = std::max(layout.cellWidth, needWidth);
            layout.cellHeight = std::max(layout.cellHeight, needHeight);
            layout.cellTextFits = true;
            return;
        }
    }
    layout.cellTextFits = false;
}

std::pair<int, int> ConfusionMatrixView::cellAt(const QPointF& position) const
{
    const int classes = classCount();
    if (classes == 0 || !analysis()->scored) // no cells drawn
        return {-1, -1};
    const Layout l = layoutFor(QRectF(m_canvas->rect()), false);
    const QPointF p = position - l.origin;
    if (p.x() < 0 || p.y() < 0)
        return {-1, -1};
    const int prediction = static_cast<int>(p.x() / l.cellWidth);
    const int label = static_cast<int>(p.y() / l.cellHeight);
    if (label >= classes || prediction >= classes)
        return {-1, -1};
    return {label, prediction};
}

QRectF ConfusionMatrixView::cellRect(int label, int prediction) const
{
    const int classes = classCount();
    if (label < 0 || prediction < 0 || label >= classes || prediction >= classes)
        return {};
    return layoutFor(QRectF(m_canvas->rect()), false).cell(label, prediction);
}

bool ConfusionMatrixView::cellTextShown() const
{
    return classCount() > 0 && layoutFor(QRectF(m_canvas->rect()), false).cellTextFits;
}

QRectF ConfusionMatrixView::legendRect() const
{
    if (classCount() == 0)
        return {};
    return layoutFor(QRectF(m_canvas->rect()), false).legend;
}

ConfusionColorScale ConfusionMatrixView::errorScale() const
{
    const auto* a = analysis();
    return a ? ConfusionColorScale::ofErrors(a->confusion, m_normalized) : ConfusionColorScale{};
}

QString ConfusionMatrixView::legendValueText(double v) const
{
    if (!m_normalized)
        return QLocale().toString(std::llround(v));
    const double share = 100.0 * v;
    if (share < 0.01)
        return QStringLiteral("<0.01 %");
    return QString::number(share, 'f', share < 1.0 ? 2 : 1) + QStringLiteral(" %");
}

double ConfusionMatrixView::legendWidthFor(const Layout& l) const
{
    const QFontMetricsF fm(l.legendFont);
    QFont bold = l.legendFont;
    bold.setBold(true);
    const QFontMetricsF bfm(bold);
    const ConfusionColorScale scale = errorScale();
    double ticks = fm.horizontalAdvance(QStringLiteral("100 %"));
    for (double v : {scale.smallest, scale.largest, scale.valueAt(0.5)})
        if (v > 0)
            ticks = std::max(ticks, fm.horizontalAdvance(legendValueText(v)));
    const double titles =
        std::max({bfm.horizontalAdvance(tr("errors")), bfm.horizontalAdvance(tr("correct")),
                  fm.horizontalAdvance(tr("none"))});
    return std::ceil(std::max(titles, kLegendBarWidth + 4.0 + ticks) + 2.0);
}

void ConfusionMatrixView::paintLegend(QPainter* painter, const Layout& l) const
{
    if (l.legend.isEmpty())
        return;
    painter->save();
    const QFontMetricsF fm(l.legendFont);
    QFont bold = l.legendFont;
    bold.setBold(true);
    const double lh = fm.height();
    const QRectF& box = l.legend;
    // Two blocks, errors above correct; the errors' scale is the one to
    // read, so it gets the larger share. One block when there is no room.
    const double minBlock = 2.0 * lh + kMinLegendBar;
    const bool both = box.height() >= 2 * minBlock + kLegendGap;
    const double errorsHeight =
        both ? std::floor((box.height() - kLegendGap) * 0.55) : box.height();
    const ConfusionColorScale scale = errorScale();

    const auto drawBlock = [&](const QRectF& block, const QString& title, const QColor& topColor,
                               const QColor& midColor, const QColor& bottomColor,
                               const QVector<std::pair<double, QString>>& ticks) {
        painter->setFont(bold);
        painter->setPen(kHeaderText);
        painter->drawText(QRectF(block.left(), block.top(), block.width(), lh),
                          Qt::AlignLeft | Qt::AlignVCenter, title);
        painter->setFont(l.legendFont);
        // Half a line of room above and below the ramp for its end labels.
        const QRectF bar(block.left(), block.top() + 1.5 * lh, kLegendBarWidth,
                         block.height() - 2.0 * lh);
        if (ticks.isEmpty()) {
            painter->setPen(kEmptyText.darker(150));
            painter->drawText(QRectF(block.left(), block.top() + lh, block.width(), lh),
                              Qt::AlignLeft | Qt::AlignVCenter, tr("none"));
            return;
        }
        QLinearGradient ramp(bar.bottomLeft(), bar.topLeft());
        ramp.setColorAt(0.0, bottomColor);
        ramp.setColorAt(0.5, midColor);
        ramp.setColorAt(1.0, topColor);
        painter->fillRect(bar, ramp);
        painter->setPen(QPen(kGrid, 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(bar);
        painter->setPen(kHeaderText);
        for (const auto& [t, text] : ticks) {
            const double y = bar.bottom() - t * bar.height();
            painter->drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3.0, y));
            painter->drawText(
                QRectF(bar.right() + 4.0, y - lh / 2.0, block.right() - bar.right() - 4.0, lh),
                Qt::AlignLeft | Qt::AlignVCenter, text);
        }
    };

    QVector<std::pair<double, QString>> errorTicks;
    if (scale.largest > 0) {
        errorTicks.append({0.0, legendValueText(scale.smallest)});
        if (scale.largest > scale.smallest) {
            errorTicks.append({1.0, legendValueText(scale.largest)});
            // The middle of the log scale, when the bar has room for a third label.
            const QString middle = legendValueText(scale.valueAt(0.5));
            if (errorsHeight - 2.0 * lh >= 4.0 * lh && middle != errorTicks[0].second &&
                middle != errorTicks[1].second)
                errorTicks.append({0.5, middle});
        }
    }
    using Colors = ConfusionColorScale;
    drawBlock(QRectF(box.left(), box.top(), box.width(), errorsHeight), tr("errors"),
              Colors::errorColor(1.0), Colors::errorColor(0.5), Colors::errorColor(0.0),
              errorTicks);
    if (both)
        drawBlock(QRectF(box.left(), box.top() + errorsHeight + kLegendGap, box.width(),
                         box.height() - errorsHeight - kLegendGap),
                  tr("correct"), Colors::diagonalColor(1.0), Colors::diagonalColor(0.75),
                  Colors::diagonalColor(0.5),
                  {{0.0, QStringLiteral("≤50 %")}, {1.0, QStringLiteral("100 %")}});
    painter->restore();
}

QString ConfusionMatrixView::legendDescription() const
{
    return tr("Colours: error cells (off the diagonal) from pale orange for the fewest to dark "
              "red for the most, on a logarithmic scale so that a single error still shows; "
              "the diagonal (correct) from pale green at 50 % or less of its row to green at "
              "100 %; white: none.");
}

void ConfusionMatrixView::paintMatrix(QPainter* painter, const QRectF& area, bool withTitle,
                                      int hoverLabel, int hoverPrediction) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setRenderHint(QPainter::TextAntialiasing, true);
    const auto* a = analysis();
    const int classes = classCount();
    const Layout l = layoutFor(area, withTitle);
    painter->setFont(l.font);
    if (!a || classes == 0 || !a->scored) {
        painter->setPen(QColor(0x66, 0x66, 0x66));
        // At the top: the canvas may be far taller than the dock shows.
        painter->drawText(
            area.adjusted(8, 16, -8, -8), Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
            !a || classes == 0 ? tr("No run loaded") : ExplorerSession::noScoresReason());
        painter->restore();
        return;
    }

    if (withTitle) {
        QFont titleFont = l.font;
        titleFont.setBold(true);
        painter->setFont(titleFont);
        painter->setPen(kHeaderText);
        const long long total = a->confusion.sum();
        const long long correct = a->confusion.trace();
        painter->drawText(
            l.title, Qt::AlignLeft | Qt::AlignVCenter,
            tr("Confusion matrix, %1 (%2 samples, accuracy %3 %)%4")
                .arg(QLatin1String(analysis::subsetName(m_subset)), QLocale().toString(total),
                     total ? QString::number(100.0 * correct / total, 'f', 2) : QStringLiteral("–"),
                     m_normalized ? tr(", row %") : QString()));
        painter->setFont(l.font);
    }

    const ConfusionColorScale scale = errorScale();
    const auto value = [&](int label, int prediction) {
        const double count = static_cast<double>(a->confusion(label, prediction));
        if (!m_normalized)
            return count;
        const double row = static_cast<double>(a->confusion.row(label).sum());
        return row > 0 ? count / row : 0.0;
    };

    // Axis titles and headers.
    painter->setPen(kHeaderText);
    QFont bold = l.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->drawText(l.columnAxis, Qt::AlignCenter, tr("Predicted"));
    painter->save();
    painter->translate(l.rowAxis.center());
    painter->rotate(-90);
    painter->drawText(QRectF(-l.rowAxis.height() / 2, -l.rowAxis.width() / 2, l.rowAxis.height(),
                             l.rowAxis.width()),
                      Qt::AlignCenter, tr("Ground truth"));
    painter->restore();
    painter->drawText(
        QRectF(l.accuracyLeft, l.origin.y() - l.headerSize, l.accuracyWidth, l.headerSize),
        Qt::AlignCenter, tr("Accuracy"));
    painter->setFont(l.font);
    // Class names, elided to their header; the number where fewer than
    // three letters of the name would show (the tooltips name the class).
    const QFontMetricsF headerMetrics(l.font);
    const auto header = [&](int k, qreal width) {
        const QString name = m_session->className(k);
        const QString elided = headerMetrics.elidedText(name, Qt::ElideRight, width);
        return elided != name && elided.size() < 4 ? QString::number(k) : elided;
    };
    for (int k = 0; k < classes; ++k) {
        painter->drawText(QRectF(l.origin.x() + k * l.cellWidth, l.origin.y() - l.headerSize,
                                 l.cellWidth, l.headerSize),
                          Qt::AlignCenter, header(k, l.cellWidth - 2));
        painter->drawText(QRectF(l.origin.x() - l.headerSize, l.origin.y() + k * l.cellHeight,
                                 l.headerSize - 4, l.cellHeight),
                          Qt::AlignRight | Qt::AlignVCenter, header(k, l.headerSize - 6));
    }

    // Cells.
    painter->setFont(l.cellFont);
    for (int r = 0; r < classes; ++r) {
        const double row = static_cast<double>(a->confusion.row(r).sum());
        for (int c = 0; c < classes; ++c) {
            const QRectF cell = l.cell(r, c);
            const double v = value(r, c);
            QColor background = kEmptyCell;
            if (r == c)
                background = row > 0 ? ConfusionColorScale::diagonalColor(a->confusion(r, c) / row)
                                     : kEmptyCell;
            else if (v > 0)
                background = ConfusionColorScale::errorColor(scale.position(v));
            painter->fillRect(cell, background);
            painter->setPen(v > 0 || r == c ? ConfusionColorScale::textColorOn(background)
                                            : kEmptyText);
            if (l.cellTextFits)
                painter->drawText(cell, Qt::AlignCenter, cellText(r, c));
        }
        // Accuracy column.
        const QRectF accuracy(l.accuracyLeft, l.origin.y() + r * l.cellHeight, l.accuracyWidth,
                              l.cellHeight);
        painter->fillRect(accuracy, kAccuracyBackground);
        painter->setPen(kHeaderText);
        painter->setFont(l.font);
        painter->drawText(accuracy, Qt::AlignCenter, accuracyText(r));
        painter->setFont(l.cellFont);
    }

    // Grid.
    painter->setPen(QPen(kGrid, 1));
    for (int k = 0; k <= classes; ++k) {
        const double x = l.origin.x() + k * l.cellWidth;
        const double y = l.origin.y() + k * l.cellHeight;
        painter->drawLine(QPointF(x, l.origin.y()), QPointF(x, l.origin.y() + l.gridHeight()));
        painter->drawLine(QPointF(l.origin.x(), y), QPointF(l.origin.x() + l.gridWidth(), y));
        painter->drawLine(QPointF(l.accuracyLeft, y), QPointF(l.accuracyLeft + l.accuracyWidth, y));
    }
    paintLegend(painter, l);

    // Hover and active cell outlines.
    painter->setBrush(Qt::NoBrush);
    if (hoverLabel >= 0 && hoverPrediction >= 0) {
        painter->setPen(QPen(QColor(0x21, 0x21, 0x21), 1));
        painter->drawRect(l.cell(hoverLabel, hoverPrediction).adjusted(0.5, 0.5, -0.5, -0.5));
    }
    if (m_activeLabel >= 0 && m_activeLabel < classes && m_activePrediction < classes) {
        painter->setPen(QPen(kActiveOutline, 3));
        painter->drawRect(l.cell(m_activeLabel, m_activePrediction).adjusted(1.5, 1.5, -1.5, -1.5));
    }
    painter->restore();
}

void ConfusionMatrixView::render(QPainter* painter, const QRectF& target) const
{
    painter->save();
    painter->fillRect(target, Qt::white);
    paintMatrix(painter, target, true, -1, -1);
    painter->restore();
}

} // namespace mnistx::ui
