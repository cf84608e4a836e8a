#include "ui/tables/misclassified_view.h"

#include "ui/common/class_box.h"
#include "ui/common/elided_label.h"
#include "ui/common/hint_stack.h"
#include "ui/common/row_ids.h"
#include "ui/common/sample_table.h"
#include "ui/explorer_session.h"
#include "ui/tables/misclassified_model.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSet>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace mnistx::ui
{

MisclassifiedView::MisclassifiedView(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = new MisclassifiedModel(session, this);
    m_proxy = new MisclassifiedFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_groundTruthBox = new QComboBox(this);
    m_groundTruthBox->setToolTip(tr("Show only samples of this ground-truth class"));
    m_predictionBox = new QComboBox(this);
    m_predictionBox->setToolTip(tr("Show only samples predicted as this class"));
    m_subsetBox = makeSubsetBox(SubsetBoxWords::Short,
                                tr("Show the training set, the validation set or both"), this);
    m_count = new ElidedLabel(this);
    m_count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    m_table =
        makeSampleTable(m_proxy, fontMetrics().height() + 6, MisclassifiedModel::LossColumn, this);
    m_table->setToolTip(
        tr("Click a row to inspect the sample; Ctrl/Shift+click several to select them on the "
           "map and in the gallery. Click a column header to sort."));

    m_stack = new HintStack(m_table, this);

    auto* filters = new QHBoxLayout;
    const auto addBox = [&](const QString& text, QComboBox* box) {
        auto* label = new QLabel(text, this);
        label->setBuddy(box);
        filters->addWidget(label);
        filters->addWidget(box);
        filters->addSpacing(6);
    };
    addBox(tr("&GT:"), m_groundTruthBox);
    addBox(tr("&Pred:"), m_predictionBox);
    addBox(tr("&Subset:"), m_subsetBox);
    filters->addWidget(m_count, 1); // elided when the dock is narrow, never widening it
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(filters);
    layout->addWidget(m_stack, 1);

    for (QComboBox* box : {m_groundTruthBox, m_predictionBox, m_subsetBox})
        connect(box, &QComboBox::currentIndexChanged, this, &MisclassifiedView::onFilterBoxChanged);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &MisclassifiedView::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MisclassifiedView::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MisclassifiedView::updateCount);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MisclassifiedView::onTableSelectionChanged);
    // After the model's own runChanged handler (connected in its constructor).
    connect(m_session, &ExplorerSession::runChanged, this, &MisclassifiedView::onRunChanged);
    connect(m_session, &ExplorerSession::currentChanged, this,
            &MisclassifiedView::onCurrentChanged);
    onRunChanged();
}

MisclassifiedView::~MisclassifiedView() = default;

int MisclassifiedView::columnsWidth() const
{
    int width = 0;
    const QHeaderView* header = m_table->horizontalHeader();
    for (int c = 0; c < header->count(); ++c)
        if (!header->isSectionHidden(c))
            width += header->sectionSize(c);
    const QMargins margins = layout()->contentsMargins();
    return width + m_table->verticalScrollBar()->sizeHint().width() + 2 * m_table->frameWidth() +
           margins.left() + margins.right();
}

void MisclassifiedView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (current.isValid())
        m_table->scrollTo(current);
}

void MisclassifiedView::onRunChanged()
{
    for (QComboBox* box : {m_groundTruthBox, m_predictionBox})
        fillClassBox(box, *m_session);
    onFilterBoxChanged();
    m_table->resizeColumnsToContents();
    if (!m_session->hasRun())
        m_stack->setHintText(
            tr("No run loaded.\n\nOpen or train a run to list its misclassified samples."));
    else if (!m_session->scored())
        m_stack->setHintText(ExplorerSession::noScoresReason() +
                             tr("\n\nWithout predictions no sample is known to be "
                                "misclassified."));
    else if (totalCount() == 0)
        m_stack->setHintText(
            tr("No misclassified samples: every sample of this run is classified correctly."));
    m_stack->setContentShown(m_session->hasRun() && totalCount() > 0);
    if (m_session->hasRun())
        onCurrentChanged(m_session->current());
}

void MisclassifiedView::onFilterBoxChanged()
{
    m_proxy->setPairFilter(
        m_groundTruthBox->currentData().isValid() ? m_groundTruthBox->currentData().toInt() : -1,
        m_predictionBox->currentData().isValid() ? m_predictionBox->currentData().toInt() : -1);
    m_proxy->setSubsetFilter(subsetFilterOf(m_subsetBox));
    updateCount();
}

void MisclassifiedView::setPairFilter(int groundTruth, int prediction)
{
    {
        const QSignalBlocker a(m_groundTruthBox), b(m_predictionBox);
        m_groundTruthBox->setCurrentIndex(
            std::max(0, m_groundTruthBox->findData(std::max(-1, groundTruth))));
        m_predictionBox->setCurrentIndex(
            std::max(0, m_predictionBox->findData(std::max(-1, prediction))));
    }
    onFilterBoxChanged();
}

void MisclassifiedView::setSubsetFilter(SubsetFilter filter)
{
    showSubsetFilter(m_subsetBox, filter);
    onFilterBoxChanged();
}

int MisclassifiedView::shownCount() const
{
    return m_proxy->rowCount();
}

int MisclassifiedView::totalCount() const
{
    return m_model->rowCount();
}

void MisclassifiedView::setQueryFilter(const QString& text,
                                       std::shared_ptr<const std::vector<std::uint8_t>> matches)
{
    m_queryText = matches ? text : QString();
    m_proxy->setQueryFilter(std::move(matches));
    updateCount();
}

QString MisclassifiedView::countText() const
{
    return m_count->fullText();
}

void MisclassifiedView::updateCount()
{
    const QLocale locale;
    QString text = tr("%1 of %2 misclassified")
                       .arg(locale.toString(shownCount()), locale.toString(totalCount()));
    QString tip = tr("Rows shown by the filters, of all misclassified samples of the run");
    if (m_session->hasRun() && !m_session->scored()) {
        text = tr("no predictions");
        tip = ExplorerSession::noScoresReason();
    }
    if (!m_queryText.isEmpty()) {
        text += tr(" · query");
        tip += tr("\nThe map's query: %1").arg(m_queryText);
    }
    m_count->setFullText(text, tip);
}

QVector<int> MisclassifiedView::shownIds() const
{
    return rowIds(shownCount(), [this](int row) { return m_proxy->idAt(row); });
}

QVector<int> MisclassifiedView::selectedIds() const
{
    return selectedRowIds(*m_table, [this](int row) { return m_proxy->idAt(row); });
}

QString MisclassifiedView::selectionDescription(const QVector<int>& ids) const
{
    QSet<int> groundTruths, predictions;
    for (int id : ids) {
        groundTruths.insert(m_session->label(id));
        predictions.insert(m_session->prediction(id));
    }
    if (groundTruths.size() == 1 && predictions.size() == 1)
        return tr("misclassified GT %1 → %2").arg(*groundTruths.begin()).arg(*predictions.begin());
    if (groundTruths.size() == 1)
        return tr("misclassified GT %1").arg(*groundTruths.begin());
    if (predictions.size() == 1)
        return tr("misclassified as %1").arg(*predictions.begin());
    return tr("%1 misclassified rows").arg(ids.size());
}

void MisclassifiedView::onTableSelectionChanged()
{
    syncOnce(m_syncing, [this] {
        const QVector<int> ids = selectedIds();
        if (ids.isEmpty())
            return;
        if (ids.size() > 1)
            m_session->setSelection(ids, selectionDescription(ids));
        // The row the user clicked last becomes the inspected sample.
        const QModelIndex current = m_table->selectionModel()->currentIndex();
        const int currentId = current.isValid() ? m_proxy->idAt(current.row()) : -1;
        m_session->setCurrent(ids.contains(currentId) ? currentId : ids.first());
    });
}

void MisclassifiedView::onCurrentChanged(int id)
{
    syncOnce(m_syncing, [&] {
        followCurrentRow(*m_table, proxyIndexOf(*m_model, *m_proxy, id),
                         MissingRow::ClearSelection);
    });
}

} // namespace mnistx::ui
