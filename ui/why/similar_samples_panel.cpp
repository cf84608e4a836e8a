#include "ui/why/similar_samples_panel.h"

#include "ui/common/hint_stack.h"
#include "ui/common/render_to_image.h"
#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/gallery/sample_list_model.h"
#include "ui/gallery/thumbnail_delegate.h"
#include "ui/inspector/digit_view.h"
#include "ui/map/population_map.h"
#include "ui/why/why_context.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTextDocument>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>

namespace mnistx::ui
{

namespace
{
constexpr int kQueryDigitSide = 2 * 28 + 2; // ×2: beside two lines of text
} // namespace

SimilarSamplesPanel::SimilarSamplesPanel(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = new SampleListModel(session, this);
    m_delegate = new ThumbnailDelegate(this, ThumbnailDelegate::Caption::Neighbour);

    m_queryDigit = new DigitView(this);
    m_queryDigit->setFixedSize(kQueryDigitSide, kQueryDigitSide);
    m_queryDigit->setToolTip(tr("The query: the sample whose neighbours are listed"));
    m_queryLabel = new QLabel(this);
    m_queryLabel->setTextFormat(Qt::RichText);
    m_queryLabel->setWordWrap(true);
    m_queryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_queryLabel->setToolTip(
        tr("The query is the current sample as chosen on the map, in a table or a gallery. "
           "Clicking a neighbour here inspects it without changing the query; double-click a "
           "neighbour to make it the query."));
    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setStyleSheet(QStringLiteral("color: #444;"));
    m_summaryLabel->setToolTip(
        tr("Neighbours in the model's feature space (its penultimate layer): samples the model "
           "sees as similar. Many neighbours with another label suggest why it was confused."));

    m_kSpin = new QSpinBox(this);
    m_kSpin->setRange(1, kMaxK);
    m_kSpin->setValue(kDefaultK);
    m_kSpin->setPrefix(tr("k = "));
    m_kSpin->setToolTip(tr("How many nearest neighbours to list (1–%1)").arg(kMaxK));
    connect(m_kSpin, &QSpinBox::valueChanged, this, [this] { updateNeighbours(); });
    m_showOnMap = new QCheckBox(tr("Show on map"), this);
    m_showOnMap->setToolTip(tr("Ring the query and its neighbours on the population map"));
    m_showOnMap->setEnabled(false);
    connect(m_showOnMap, &QCheckBox::toggled, this, [this] { updateMapHighlight(); });
    m_selectButton = new QPushButton(tr("Select"), this);
    m_selectButton->setToolTip(
        tr("Make the listed neighbours the selection (gallery, map rings, CSV export)"));
    connect(m_selectButton, &QPushButton::clicked, this, &SimilarSamplesPanel::selectNeighbours);

    m_view = new QListView(this);
    m_view->setModel(m_model);
    setUpThumbnailGrid(m_view, m_delegate);
    connect(m_view, &QListView::clicked, this, &SimilarSamplesPanel::activate);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { activate(current); });
    connect(m_view, &QListView::doubleClicked, this, [this](const QModelIndex& index) {
        const int id = m_model->idAt(index.row());
        if (id >= 0)
            setQuery(id);
    });

    auto* content = new QWidget(this);
    auto* queryRow = new QHBoxLayout;
    queryRow->setContentsMargins(0, 0, 0, 0);
    queryRow->addWidget(m_queryDigit, 0, Qt::AlignTop);
    auto* queryText = new QVBoxLayout;
    queryText->addWidget(m_queryLabel);
    queryText->addWidget(m_summaryLabel);
    queryText->addStretch(1);
    queryRow->addLayout(queryText, 1);
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addLayout(queryRow);
    contentLayout->addWidget(m_view, 1);

    m_stack = new HintStack(content, this);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_kSpin);
    controls->addWidget(m_showOnMap);
    controls->addStretch(1);
    controls->addWidget(m_selectButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(controls);
    layout->addWidget(m_stack, 1);

    // The suggested file name follows the query.
    m_exportActions =
        addExportActions(this, {[this](QPainter* p, const QRectF& r) { render(p, r); },
                                [this] { return exportName(); },
                                {},
                                {},
                                tr("Save the query and its neighbours as an image file")});

    // The model clears itself on runChanged (it connected first).
    connect(m_session, &ExplorerSession::runChanged, this, &SimilarSamplesPanel::onRunChanged);
    connect(m_session, &ExplorerSession::currentChanged, this,
            &SimilarSamplesPanel::onCurrentChanged);
    onRunChanged();
}

SimilarSamplesPanel::~SimilarSamplesPanel() = default;

void SimilarSamplesPanel::setIndex(std::shared_ptr<const why::FeatureIndex> index)
{
    if (index && (!m_session->hasRun() || index->size() != m_session->sampleCount() ||
                  index->trainCount() != m_session->trainCount()))
        return; // built for another run
    m_index = std::move(index);
    m_indexError.clear();
    m_progress = m_index ? 1.0 : 0.0;
    updateNeighbours();
}

void SimilarSamplesPanel::setIndexProgress(double fraction)
{
    m_progress = fraction;
    if (!m_index)
        updateHint();
}

void SimilarSamplesPanel::setIndexFailed(const QString& message)
{
    m_indexError = message;
    if (!m_index)
        updateHint();
}

void SimilarSamplesPanel::setContext(WhyContext* context)
{
    connect(context, &WhyContext::indexReady, this, &SimilarSamplesPanel::setIndex);
    connect(context, &WhyContext::indexProgress, this, &SimilarSamplesPanel::setIndexProgress);
    connect(context, &WhyContext::indexFailed, this, &SimilarSamplesPanel::setIndexFailed);
    m_progress = context->progress();
    m_indexError = context->errorText();
    setIndex(context->index());
}

void SimilarSamplesPanel::setMap(PopulationMap* map)
{
    if (m_map && !m_ownHighlight.isEmpty() && m_map->highlighted() == m_ownHighlight)
        m_map->setHighlighted({});
    m_ownHighlight.clear();
    m_map = map;
    m_showOnMap->setEnabled(map != nullptr);
    updateMapHighlight();
}

void SimilarSamplesPanel::setK(int k)
{
    m_kSpin->setValue(std::clamp(k, 1, kMaxK)); // valueChanged → updateNeighbours
}

int SimilarSamplesPanel::k() const
{
    return m_kSpin->value();
}

void SimilarSamplesPanel::setShowOnMap(bool on)
{
    m_showOnMap->setChecked(on);
}

bool SimilarSamplesPanel::showOnMap() const
{
    return m_showOnMap->isChecked();
}

QVector<int> SimilarSamplesPanel::neighbourIds() const
{
    return m_model->ids();
}

why::Neighbours SimilarSamplesPanel::neighbours() const
{
    const QVector<int>& ids = m_model->ids();
    return {std::vector<int>(ids.begin(), ids.end()), m_model->distances()};
}

QString SimilarSamplesPanel::queryText() const
{
    return m_queryPlain;
}

QString SimilarSamplesPanel::summaryText() const
{
    return m_summary;
}

bool SimilarSamplesPanel::isShowingHint() const
{
    return m_stack->showsHint();
}

QString SimilarSamplesPanel::hintText() const
{
    return m_stack->hintText();
}

QString SimilarSamplesPanel::exportName() const
{
    if (m_queryId < 0 || !m_session->hasRun())
        return QStringLiteral("similar");
    return QStringLiteral("similar_%1_%2")
        .arg(QLatin1String(analysis::subsetName(m_session->subsetOf(m_queryId))))
        .arg(m_session->indexInSubset(m_queryId));
}

void SimilarSamplesPanel::onRunChanged()
{
    m_index.reset(); // it belonged to the previous run
    m_indexError.clear();
    m_progress = 0.0;
    m_queryId = m_session->hasRun() ? m_session->current() : -1;
    updateNeighbours();
}

void SimilarSamplesPanel::onCurrentChanged(int id)
{
    if (m_settingCurrent) {
        // A neighbour clicked here: the query and its list stay.
        const int row = m_model->rowOf(id);
        if (row >= 0)
            m_view->setCurrentIndex(m_model->index(row, 0));
        return;
    }
    setQuery(id);
}

void SimilarSamplesPanel::setQuery(int id)
{
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount())
        id = -1;
    m_queryId = id;
    updateNeighbours();
}

void SimilarSamplesPanel::activate(const QModelIndex& index)
{
    const int id = m_model->idAt(index.row());
    if (id < 0 || id == m_session->current())
        return;
    m_settingCurrent = true;
    m_session->setCurrent(id);
    m_settingCurrent = false;
}

void SimilarSamplesPanel::updateNeighbours()
{
    why::Neighbours found;
    QString error;
    if (m_index && m_queryId >= 0) {
        try {
            found = m_index->nearest(m_queryId, k());
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
    }
    if (!found.ids.empty())
        m_model->setNeighbours(m_queryId, std::move(found));
    else
        m_model->clear();
    if (!error.isEmpty())
        m_indexError = error;

    m_queryPlain.clear();
    m_queryHtml.clear();
    m_summary.clear();
    if (m_queryId >= 0) {
        const int id = m_queryId;
        const int gt = m_session->label(id);
        // Without model scores: no prediction, nothing misclassified.
        const bool scored = m_session->scored();
        const int pred = scored ? m_session->prediction(id) : gt;
        const bool right = gt == pred;
        const SampleHeader header = sampleHeader(*m_session, id);
        m_queryPlain = tr("Query: %1").arg(header.plain);
        m_queryHtml = tr("Query:&nbsp;%1").arg(header.html);
        const std::vector<float>& distances = m_model->distances();
        if (!distances.empty()) {
            int sameLabel = 0, predictedLabel = 0, wrong = 0;
            for (int other : m_model->ids()) {
                sameLabel += m_session->label(other) == gt;
                predictedLabel += !right && m_session->label(other) == pred;
                wrong += scored && !m_session->correct(other);
            }
            const auto [lo, hi] = std::minmax_element(distances.begin(), distances.end());
            m_summary =
                tr("%n nearest in feature space: ", nullptr, static_cast<int>(distances.size()));
            m_summary +=
                tr("%1 with GT %2 like the query").arg(sameLabel).arg(m_session->className(gt));
            if (!right)
                m_summary += tr(", %1 with GT %2 (its prediction)")
                                 .arg(predictedLabel)
                                 .arg(m_session->className(pred));
            if (scored)
                m_summary += tr(", %1 misclassified").arg(wrong);
            m_summary += tr(" · distance %1–%2").arg(formatDistance(*lo), formatDistance(*hi));
        }
    }
    m_queryLabel->setText(m_queryHtml);
    m_summaryLabel->setText(m_summary);
    m_queryDigit->setImage(m_queryId >= 0 ? m_session->image(m_queryId) : QImage());
    const int row = m_model->rowOf(m_session->current());
    if (row >= 0) {
        m_settingCurrent = true; // syncing the view: not a user click
        m_view->setCurrentIndex(m_model->index(row, 0));
        m_settingCurrent = false;
    }
    m_selectButton->setEnabled(m_model->rowCount() > 0);
    updateHint();
    updateMapHighlight();
}

void SimilarSamplesPanel::updateHint()
{
    QString hint;
    if (!m_session->hasRun())
        hint = tr("No run loaded.\n\nOpen or train a run, then pick a sample to see the samples "
                  "the model finds most similar to it.");
    else if (!m_index && !m_indexError.isEmpty())
        hint = tr("No neighbours: %1").arg(m_indexError);
    else if (!m_index)
        hint = tr("Building the neighbour index… %1").arg(formatPercent(m_progress));
    else if (m_queryId < 0)
        hint = tr("Pick a sample (a dot on the map, a thumbnail, a table row) to list the samples "
                  "the model finds most similar to it.");
    else if (m_model->rowCount() == 0)
        hint = m_indexError.isEmpty() ? tr("No neighbours found.")
                                      : tr("No neighbours: %1").arg(m_indexError);
    if (hint.isEmpty()) {
        m_stack->showContent();
    } else {
        m_stack->setHintText(hint);
        m_stack->showHint();
    }
}

void SimilarSamplesPanel::updateMapHighlight()
{
    if (!m_map)
        return;
    QVector<int> ids;
    if (m_showOnMap->isChecked() && m_queryId >= 0 && m_model->rowCount() > 0) {
        ids.append(m_queryId);
        ids += m_model->ids();
    }
    if (ids.isEmpty()) {
        // Clear only our own rings: another view may have ringed something since.
        if (!m_ownHighlight.isEmpty() && m_map->highlighted() == m_ownHighlight)
            m_map->setHighlighted({});
        m_ownHighlight.clear();
        return;
    }
    m_ownHighlight = ids;
    m_map->setHighlighted(ids);
}

void SimilarSamplesPanel::selectNeighbours()
{
    if (m_queryId < 0 || m_model->rowCount() == 0)
        return;
    m_session->setSelection(m_model->ids(), tr("%1 nearest neighbours of %2")
                                                .arg(m_model->rowCount())
                                                .arg(m_session->describe(m_queryId)));
}

void SimilarSamplesPanel::render(QPainter* painter, const QRectF& target) const
{
    painter->save();
    painter->setClipRect(target);
    painter->fillRect(target, Qt::white);
    const QRectF area = target.adjusted(12, 12, -12, -12);
    if (isShowingHint()) {
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->setFont(font());
        painter->drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_stack->hintText());
        painter->restore();
        return;
    }
    // Query digit, its line and the summary.
    const QRectF digitRect(area.left(), area.top(), kQueryDigitSide, kQueryDigitSide);
    DigitView::paintDigit(painter, m_queryDigit->image(), digitRect);
    const double textLeft = digitRect.right() + 10.0;
    const double textWidth = area.right() - textLeft;
    QTextDocument doc;
    doc.setDefaultFont(font());
    doc.setDocumentMargin(0);
    doc.setHtml(m_queryHtml + QStringLiteral("<br><span style='color:#444'>") +
                m_summary.toHtmlEscaped() + QStringLiteral("</span>"));
    doc.setTextWidth(textWidth);
    painter->save();
    painter->translate(textLeft, area.top());
    doc.drawContents(painter);
    painter->restore();
    double y = area.top() + std::max(digitRect.height(), doc.size().height()) + 10.0;

    // The neighbours as a grid of gallery cells, as many as fit.
    QStyleOptionViewItem option;
    option.initFrom(m_view);
    option.font = font();
    option.state = QStyle::State_Enabled;
    option.palette = palette();
    // As on screen (digits ×3) when all fit, else smaller (×2, ×1) before leaving any out.
    const int rows = m_model->rowCount();
    ThumbnailDelegate delegate(nullptr, ThumbnailDelegate::Caption::Neighbour);
    QSize cell;
    int columns = 1;
    for (int scale = m_delegate->scale(); scale >= 1; --scale) {
        delegate.setScale(scale);
        cell = delegate.sizeHint(option, {});
        columns = std::max(1, static_cast<int>((area.width() + 4) / (cell.width() + 4)));
        const int gridRows = (rows + columns - 1) / columns;
        if (y + gridRows * (cell.height() + 4) - 4 <= area.bottom())
            break;
    }
    int drawn = 0;
    for (int row = 0; row < rows; ++row) {
        const int r = row / columns;
        const int c = row % columns;
        const QRect rect(static_cast<int>(area.left()) + c * (cell.width() + 4),
                         static_cast<int>(y) + r * (cell.height() + 4), cell.width(),
                         cell.height());
        if (rect.bottom() > area.bottom())
            break;
        option.rect = rect;
        delegate.paint(painter, option, m_model->index(row, 0));
        ++drawn;
    }
    if (drawn < rows) {
        painter->setPen(QColor(0x66, 0x66, 0x66));
        painter->setFont(font());
        painter->drawText(area, Qt::AlignRight | Qt::AlignBottom,
                          tr("… %1 more not shown").arg(rows - drawn));
    }
    painter->restore();
}

QImage SimilarSamplesPanel::renderImage(QSize logicalSize, qreal scale) const
{
    return renderToImage(
        [this](QPainter* painter, const QRectF& target) { render(painter, target); }, logicalSize,
        scale);
}

} // namespace mnistx::ui
