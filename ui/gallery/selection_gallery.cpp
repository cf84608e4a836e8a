#include "ui/gallery/selection_gallery.h"

#include "ui/common/hint_stack.h"
#include "ui/common/row_ids.h"
#include "ui/explorer_session.h"
#include "ui/gallery/thumbnail_delegate.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace mnistx::ui
{

namespace
{
constexpr int kLayoutBatch =
    500; // items laid out per event-loop pass: a 70,000 selection stays responsive
}

SelectionGallery::SelectionGallery(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = new SampleListModel(session, this);
    m_model->followSelection();
    m_proxy = new SelectionSortProxy(this);
    m_proxy->setSourceModel(m_model);

    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sortBox = new QComboBox(this);
    m_sortBox->addItem(tr("Loss: high → low"),
                       static_cast<int>(SelectionSortProxy::SortKey::LossDescending));
    m_sortBox->addItem(tr("Loss: low → high"),
                       static_cast<int>(SelectionSortProxy::SortKey::LossAscending));
    m_sortBox->addItem(tr("Index"), static_cast<int>(SelectionSortProxy::SortKey::Index));
    m_sortBox->addItem(tr("As selected"),
                       static_cast<int>(SelectionSortProxy::SortKey::AsSelected));
    m_sortBox->setToolTip(
        tr("Order of the thumbnails: by loss, by index (training samples first), or as the "
           "selection came (a comparison: the largest change of loss first)"));
    connect(m_sortBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        setSortKey(static_cast<SelectionSortProxy::SortKey>(m_sortBox->itemData(i).toInt()));
    });

    m_delegate = new ThumbnailDelegate(this);
    m_view = new QListView(this);
    m_view->setModel(m_proxy);
    setUpThumbnailGrid(m_view, m_delegate);
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(kLayoutBatch);
    m_view->setToolTip(tr("Click a thumbnail to inspect the sample and show it on the map"));

    m_stack = new HintStack(m_view, this);
    m_stack->setHintText(
        tr("Nothing selected.\n\nSelect samples on the map (Shift+drag: rectangle, Ctrl+drag: "
           "lasso), a bin of the loss-vs-distance chart, or several rows of the misclassified "
           "table to see them here."));

    auto* top = new QHBoxLayout;
    top->addWidget(m_summaryLabel, 1);
    auto* sortLabel = new QLabel(tr("Sort:"), this);
    sortLabel->setBuddy(m_sortBox);
    top->addWidget(sortLabel, 0, Qt::AlignTop);
    top->addWidget(m_sortBox, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_stack, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { onViewCurrentChanged(current); });
    connect(m_view, &QListView::clicked, this, &SelectionGallery::onViewCurrentChanged);
    // The model resets first (it connected first), then the summary follows.
    connect(m_session, &ExplorerSession::selectionChanged, this,
            &SelectionGallery::onSelectionChanged);
    connect(m_session, &ExplorerSession::runChanged, this, &SelectionGallery::syncSortChoices);
    connect(m_session, &ExplorerSession::runChanged, this, &SelectionGallery::onSelectionChanged);
    connect(m_session, &ExplorerSession::currentChanged, this, &SelectionGallery::onCurrentChanged);
    syncSortChoices();
    onSelectionChanged();
}

SelectionGallery::~SelectionGallery() = default;

void SelectionGallery::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    const QModelIndex current = m_view->currentIndex();
    if (current.isValid())
        m_view->scrollTo(current);
}

void SelectionGallery::setSortKey(SelectionSortProxy::SortKey key)
{
    m_proxy->setSortKey(key);
    const int i = m_sortBox->findData(static_cast<int>(key));
    if (i >= 0 && i != m_sortBox->currentIndex()) {
        const QSignalBlocker block(m_sortBox);
        m_sortBox->setCurrentIndex(i);
    }
    const QModelIndex current = m_view->currentIndex();
    m_view->scrollTo(current.isValid() ? current : m_proxy->index(0, 0));
}

void SelectionGallery::syncSortChoices()
{
    // A run without model scores has no losses to sort by: by index then.
    const bool scored = !m_session->hasRun() || m_session->scored();
    const auto* model = qobject_cast<const QStandardItemModel*>(m_sortBox->model());
    for (const auto key : {SelectionSortProxy::SortKey::LossDescending,
                           SelectionSortProxy::SortKey::LossAscending}) {
        QStandardItem* item =
            model ? model->item(m_sortBox->findData(static_cast<int>(key))) : nullptr;
        if (item) {
            item->setEnabled(scored);
            item->setToolTip(scored ? QString() : ExplorerSession::noScoresReason());
        }
        if (!scored && m_proxy->sortKey() == key)
            setSortKey(SelectionSortProxy::SortKey::Index);
    }
}

QString SelectionGallery::summaryText() const
{
    return m_summaryPlain;
}

bool SelectionGallery::isShowingHint() const
{
    return m_stack->showsHint();
}

QModelIndex SelectionGallery::indexOf(int id) const
{
    const int row = m_model->rowOf(id);
    return row < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(row, 0));
}

int SelectionGallery::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    return rows.isEmpty() ? -1 : rows.first().data(SampleListModel::IdRole).toInt();
}

void SelectionGallery::onSelectionChanged()
{
    m_summary = summarizeSelection(*m_session, m_model->ids());
    const QString description = m_session->hasRun() ? m_session->selectionDescription() : QString();
    const QString line = selectionSummaryText(m_summary);
    m_summaryPlain = description.isEmpty() ? line : QStringLiteral("%1: %2").arg(description, line);
    m_summaryLabel->setText(description.isEmpty()
                                ? line.toHtmlEscaped()
                                : QStringLiteral("<b>%1</b>: %2")
                                      .arg(description.toHtmlEscaped(), line.toHtmlEscaped()));
    m_summaryLabel->setToolTip(m_summary.count > 0
                                   ? tr("Classes by ground truth: %1").arg(classMixText(m_summary))
                                   : QString());
    m_stack->setContentShown(m_summary.count > 0);
    m_view->scrollToTop();
    if (m_session->hasRun())
        onCurrentChanged(m_session->current());
}

void SelectionGallery::onCurrentChanged(int id)
{
    syncOnce(m_syncing, [&] {
        const QModelIndex index = indexOf(id);
        QItemSelectionModel* selection = m_view->selectionModel();
        if (!index.isValid()) {
            selection->clearSelection();
            selection->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
        } else if (m_view->currentIndex() != index || !selection->isSelected(index)) {
            selection->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
            if (m_view->isVisible()) // hidden: no viewport size yet; showEvent scrolls
                m_view->scrollTo(index);
        }
    });
}

void SelectionGallery::onViewCurrentChanged(const QModelIndex& current)
{
    if (current.isValid())
        syncOnce(m_syncing,
                 [&] { m_session->setCurrent(current.data(SampleListModel::IdRole).toInt()); });
}

} // namespace mnistx::ui
