#include "ui/why/label_candidates_panel.h"

#include "core/store/run_store.h"
#include "ui/explorer_session.h"
#include "ui/export/export_notice.h"
#include "ui/export/exporter.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFont>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>
#include <exception>

namespace mnistx::ui
{

namespace
{

QString subsetText(analysis::Subset subset)
{
    return subset == analysis::Subset::Train ? QObject::tr("train") : QObject::tr("validation");
}

QString markText(int mark)
{
    if (mark == static_cast<int>(why::LabelMark::ConfirmedMislabeled))
        return QObject::tr("mislabeled");
    if (mark == static_cast<int>(why::LabelMark::Fine))
        return QObject::tr("fine");
    return {};
}

int neighbourCount(float share, int k)
{
    return static_cast<int>(std::lround(static_cast<double>(share) * k));
}

// Whether an index was built from this run's features: same sizes, and a few
// rows (first, middle, last of each subset) identical. A retrained run of the
// same size has other features, so an index that arrives late for the old run
// is not mistaken for the new one's.
bool indexMatchesRun(const why::FeatureIndex& index, const store::RunData& run)
{
    const int trainCount = run.train.sampleCount();
    const int validationCount = run.validation.sampleCount();
    if (index.trainCount() != trainCount || index.size() != trainCount + validationCount)
        return false;
    const int dimension = index.dimension();
    for (const auto* subset : {&run.train, &run.validation}) {
        const int n = subset->sampleCount();
        if (n == 0)
            continue;
        if (subset->features.rows() != n || subset->features.cols() != dimension)
            return false;
        for (int i : {0, n / 2, n - 1}) {
            const int id = index.globalId(subset->subset, i);
            const float* stored = index.feature(id);
            const float* own = subset->features.data() + static_cast<std::size_t>(i) * dimension;
            if (!std::equal(own, own + dimension, stored))
                return false;
        }
    }
    return true;
}

} // namespace

// ---------------------------------------------------------------------------
// LabelCandidatesModel

LabelCandidatesModel::LabelCandidatesModel(ExplorerSession* session, QObject* parent)
    : QAbstractTableModel(parent), m_session(session)
{
    connect(m_session, &ExplorerSession::runChanged, this, &LabelCandidatesModel::onRunChanged);
}

void LabelCandidatesModel::onRunChanged()
{
    // The rows belong to the old run; the panel ranks the new one.
    setCandidates(nullptr, m_neighbours);
}

void LabelCandidatesModel::setCandidates(
    std::shared_ptr<const std::vector<why::LabelCandidate>> candidates, int neighbours)
{
    beginResetModel();
    m_candidates = std::move(candidates);
    m_neighbours = std::max(1, neighbours);
    m_thumbnails.clear();
    m_rowOfId.clear();
    if (m_candidates && m_session->hasRun()) {
        m_rowOfId.reserve(static_cast<int>(m_candidates->size()));
        for (std::size_t row = 0; row < m_candidates->size(); ++row) {
            const auto& c = (*m_candidates)[row];
            m_rowOfId.insert(m_session->idOf(c.subset, c.index), static_cast<int>(row));
        }
    }
    endResetModel();
}

const std::vector<why::LabelCandidate>& LabelCandidatesModel::candidates() const
{
    static const std::vector<why::LabelCandidate> none;
    return m_candidates ? *m_candidates : none;
}

void LabelCandidatesModel::setMarks(why::LabelMarks marks)
{
    m_marks = std::move(marks);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, MarkColumn), index(rowCount() - 1, MarkColumn));
}

void LabelCandidatesModel::setMark(analysis::Subset subset, int index,
                                   std::optional<why::LabelMark> mark)
{
    if (mark)
        m_marks.set(subset, index, *mark);
    else
        m_marks.clear(subset, index);
    if (!m_session->hasRun())
        return;
    const int row = rowOf(m_session->idOf(subset, index));
    if (row >= 0)
        Q_EMIT dataChanged(this->index(row, MarkColumn), this->index(row, MarkColumn));
}

int LabelCandidatesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_candidates ? 0 : static_cast<int>(m_candidates->size());
}

int LabelCandidatesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const why::LabelCandidate& LabelCandidatesModel::candidate(int row) const
{
    return (*m_candidates)[static_cast<std::size_t>(row)];
}

int LabelCandidatesModel::idAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    const auto& c = candidate(row);
    return m_session->idOf(c.subset, c.index);
}

int LabelCandidatesModel::rowOf(int id) const
{
    return m_rowOfId.value(id, -1);
}

int LabelCandidatesModel::markAt(int row) const
{
    const auto& c = candidate(row);
    const why::LabelMark* mark = m_marks.find(c.subset, c.index);
    return mark ? static_cast<int>(*mark) : 0;
}

double LabelCandidatesModel::sortValue(int row, int column) const
{
    if (row < 0 || row >= rowCount())
        return 0.0;
    const auto& c = candidate(row);
    switch (column) {
    case ThumbnailColumn:
        return row; // the ranking
    case SubsetColumn:
        return idAt(row); // training rows first, each subset by index
    case IndexColumn:
        return c.index;
    case GivenLabelColumn:
        return c.givenLabel;
    case SuggestedLabelColumn:
        return c.suggestedLabel;
    case ScoreColumn:
        return c.score;
    case SelfConfidenceColumn:
        return c.selfConfidence;
    case NeighbourVoteColumn:
        return c.neighbourSuggestedShare;
    case MarkColumn:
        return markAt(row);
    default:
        return 0.0;
    }
}

QPixmap LabelCandidatesModel::classSwatch(int classIndex) const
{
    // A pixmap, not a QColor: a colour decoration would be drawn at the
    // table's icon size, which is the thumbnails' 56 px.
    auto it = m_swatches.find(classIndex);
    if (it == m_swatches.end()) {
        QPixmap swatch(12, 12);
        swatch.fill(classColor(classIndex));
        QPainter painter(&swatch);
        painter.setPen(classColor(classIndex).darker(140));
        painter.drawRect(0, 0, 11, 11);
        painter.end();
        it = m_swatches.insert(classIndex, swatch);
    }
    return *it;
}

QString LabelCandidatesModel::neighbourVoteText(int row) const
{
    const auto& c = candidate(row);
    return tr("%1/%2 say %3")
        .arg(neighbourCount(c.neighbourSuggestedShare, m_neighbours))
        .arg(m_neighbours)
        .arg(c.suggestedLabel);
}

QVariant LabelCandidatesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const why::LabelCandidate& c = candidate(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SubsetColumn:
            return subsetText(c.subset);
        case IndexColumn:
            return c.index;
        case GivenLabelColumn:
            return c.givenLabel;
        case SuggestedLabelColumn:
            return c.suggestedLabel;
        case ScoreColumn:
            return QString::number(c.score, 'f', 3);
        case SelfConfidenceColumn:
            return tr("%1 < %2").arg(QString::number(c.selfConfidence, 'f', 3),
                                     QString::number(c.threshold, 'f', 3));
        case NeighbourVoteColumn:
            return neighbourVoteText(row);
        case MarkColumn:
            return markText(markAt(row));
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (column == ThumbnailColumn) {
            auto it = m_thumbnails.find(row);
            if (it == m_thumbnails.end()) {
                const QImage image = m_session->image(idAt(row));
                QPixmap pixmap;
                if (!image.isNull())
                    pixmap = QPixmap::fromImage(image.scaled(image.size() * kThumbnailScale,
                                                             Qt::IgnoreAspectRatio,
                                                             Qt::FastTransformation));
                it = m_thumbnails.insert(row, pixmap);
            }
            return it->isNull() ? QVariant() : QVariant(*it);
        }
        // The class colours of the map, so a row reads like its dots.
        if (column == GivenLabelColumn)
            return classSwatch(c.givenLabel);
        if (column == SuggestedLabelColumn)
            return classSwatch(c.suggestedLabel);
        return {};
    case Qt::FontRole:
        // A suggestion that is only the runner-up (no confident-joint evidence) is weaker.
        if (column == SuggestedLabelColumn && !c.confidentJoint) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        if (column == MarkColumn && markAt(row) != 0) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (column == MarkColumn) {
            const int mark = markAt(row);
            if (mark == static_cast<int>(why::LabelMark::ConfirmedMislabeled))
                return QColor(0xb0, 0x1c, 0x1c); // dark red: readable on white and alternate rows
            if (mark == static_cast<int>(why::LabelMark::Fine))
                return QColor(0x1b, 0x6e, 0x2a);
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == SubsetColumn || column == MarkColumn || column == NeighbourVoteColumn
                   ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                   : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole: {
        const int k = m_neighbours;
        QString tip =
            tr("%1: labelled %2, probably %3 (score %4).\n"
               "Self-confidence p(%2 | x) = %5, below the mean self-confidence of class %2 in "
               "this subset (threshold %6).\n"
               "p(%3 | x) = %7%8.\n"
               "Of its %9 nearest neighbours in feature space, %10 are labelled %3 and %11 "
               "labelled %2.")
                .arg(m_session->describe(idAt(row)))
                .arg(c.givenLabel)
                .arg(c.suggestedLabel)
                .arg(QString::number(c.score, 'f', 2), QString::number(c.selfConfidence, 'g', 3),
                     QString::number(c.threshold, 'g', 3),
                     QString::number(c.suggestedConfidence, 'g', 3),
                     c.confidentJoint
                         ? tr(", at least the mean self-confidence of class %1 (confident "
                              "learning: probably class %1)")
                               .arg(c.suggestedLabel)
                         : tr(", below the threshold of class %1: %1 is only the runner-up")
                               .arg(c.suggestedLabel))
                .arg(k)
                .arg(neighbourCount(c.neighbourSuggestedShare, k))
                .arg(neighbourCount(c.neighbourGivenShare, k));
        const QString mark = markText(markAt(row));
        if (!mark.isEmpty())
            tip += QLatin1Char('\n') + tr("Marked %1.").arg(mark);
        return tip;
    }
    case SortRole:
        return sortValue(row, column);
    case IdRole:
        return idAt(row);
    case RankRole:
        return row;
    case MarkRole:
        return markAt(row);
    case SubsetRole:
        return static_cast<int>(c.subset);
    default:
        return {};
    }
}

QVariant LabelCandidatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        // Plain words, two short lines where one would widen the column
        // beyond its numbers (QHeaderView draws the line break).
        switch (section) {
        case ThumbnailColumn:
            return tr("Digit");
        case SubsetColumn:
            return tr("Subset");
        case IndexColumn:
            return tr("Sample\nnumber");
        case GivenLabelColumn:
            return tr("Given\nlabel");
        case SuggestedLabelColumn:
            return tr("Suggested\nlabel");
        case ScoreColumn:
            return tr("Score");
        case SelfConfidenceColumn:
            return tr("Confidence in label\n< class average");
        case NeighbourVoteColumn:
            return tr("Neighbours\nagreeing");
        case MarkColumn:
            return tr("Your\nverdict");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ThumbnailColumn:
            return tr("The sample's image; sort by this column to restore the ranking order");
        case SubsetColumn:
            return tr("Whether the sample is one of the training or of the validation samples");
        case IndexColumn:
            return tr("The sample's position in its subset (0 = the first), as in exports and "
                      "the inspector's header");
        case GivenLabelColumn:
            return tr("The label in the data set");
        case SuggestedLabelColumn:
            return tr("The class the sample probably is: the class whose probability reaches "
                      "that class's threshold (confident learning), else the runner-up "
                      "(italic)");
        case ScoreColumn:
            return tr("How likely the label is wrong, 0–1: half from the model's doubt "
                      "(1 − self-confidence), half from the neighbours that disagree with "
                      "the label");
        case SelfConfidenceColumn:
            return tr("How sure the model is of the given label (its probability p(given "
                      "label | x), 0–1) against what is usual for that class: the mean of this "
                      "probability over the samples labelled with that class in the same subset "
                      "(self-confidence and its threshold in confident learning, Northcutt et "
                      "al. 2021). Candidates are below it.");
        case NeighbourVoteColumn:
            return tr("How many of the sample's nearest neighbours in feature space "
                      "(penultimate layer, both subsets) carry the suggested label");
        case MarkColumn:
            return tr("Your verdict: L = mislabeled, F = fine, U = clear. Saved beside the run "
                      "in label_marks.json.");
        default:
            return {};
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

// ---------------------------------------------------------------------------
// LabelCandidatesProxy

LabelCandidatesProxy::LabelCandidatesProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(LabelCandidatesModel::SortRole);
    setDynamicSortFilter(true);
}

void LabelCandidatesProxy::setSourceModel(QAbstractItemModel* model)
{
    m_source = qobject_cast<const LabelCandidatesModel*>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

void LabelCandidatesProxy::setSubsetFilter(SubsetFilter filter)
{
    if (filter == m_subset)
        return;
    m_subset = filter;
    invalidateRowsFilter();
}

void LabelCandidatesProxy::setHideMarked(bool hide)
{
    if (hide == m_hideMarked)
        return;
    m_hideMarked = hide;
    invalidateRowsFilter();
}

int LabelCandidatesProxy::sourceRowAt(int proxyRow) const
{
    if (proxyRow < 0 || proxyRow >= rowCount())
        return -1;
    return mapToSource(index(proxyRow, 0)).row();
}

int LabelCandidatesProxy::idAt(int proxyRow) const
{
    return m_source ? m_source->idAt(sourceRowAt(proxyRow)) : -1;
}

bool LabelCandidatesProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    if (!m_source)
        return true;
    const auto& c = m_source->candidate(sourceRow);
    if (m_subset == SubsetFilter::Train && c.subset != analysis::Subset::Train)
        return false;
    if (m_subset == SubsetFilter::Validation && c.subset != analysis::Subset::Validation)
        return false;
    return !(m_hideMarked && m_source->markAt(sourceRow) != 0);
}

bool LabelCandidatesProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_source)
        return QSortFilterProxyModel::lessThan(left, right);
    const double a = m_source->sortValue(left.row(), left.column());
    const double b = m_source->sortValue(right.row(), right.column());
    if (a != b)
        return a < b;
    // Ties in ranking order whichever way the column is sorted.
    return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
}

// ---------------------------------------------------------------------------
// LabelCandidatesPanel

struct LabelCandidatesPanel::RankResult {
    std::shared_ptr<const std::vector<why::LabelCandidate>> candidates;
    QString error;
};

LabelCandidatesPanel::LabelCandidatesPanel(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = new LabelCandidatesModel(session, this);
    m_proxy = new LabelCandidatesProxy(this);
    m_proxy->setSourceModel(m_model);

    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_subsetBox = new QComboBox(this);
    m_subsetBox->addItem(tr("both"), static_cast<int>(LabelCandidatesProxy::SubsetFilter::Both));
    m_subsetBox->addItem(tr("train"), static_cast<int>(LabelCandidatesProxy::SubsetFilter::Train));
    m_subsetBox->addItem(tr("validation"),
                         static_cast<int>(LabelCandidatesProxy::SubsetFilter::Validation));
    m_subsetBox->setToolTip(tr("Show candidates of the training set, the validation set or both"));
    m_hideMarkedBox = new QCheckBox(tr("&Hide marked"), this);
    m_hideMarkedBox->setToolTip(tr("Hide the candidates you have already marked"));
    m_count = new QLabel(this);

    m_errorText = new QLabel(this);
    m_errorText->setWordWrap(true);
    m_errorText->setTextFormat(Qt::PlainText);
    m_errorText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorButton = new QPushButton(this);
    m_errorBanner = new QFrame(this);
    m_errorBanner->setObjectName(QStringLiteral("marksErrorBanner"));
    // Dark red text on a pale red ground: unmistakable, and readable in light and dark themes.
    m_errorBanner->setStyleSheet(
        QStringLiteral("#marksErrorBanner { background: #fde8e8; border: 1px solid #d9534f; "
                       "border-radius: 3px; } #marksErrorBanner QLabel { color: #8a1c1c; }"));
    auto* bannerLayout = new QHBoxLayout(m_errorBanner);
    bannerLayout->setContentsMargins(8, 6, 8, 6);
    bannerLayout->addWidget(m_errorText, 1);
    bannerLayout->addWidget(m_errorButton, 0, Qt::AlignTop);
    m_errorBanner->hide();

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setIconSize(QSize(28, 28) * LabelCandidatesModel::kThumbnailScale);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the thumbnail plus a small margin, no per-row size queries.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(28 * LabelCandidatesModel::kThumbnailScale +
                                                     4);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSortIndicator(LabelCandidatesModel::ScoreColumn,
                                                  Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setToolTip(tr("Click a row to inspect the sample. L: mislabeled, F: fine, U: clear "
                           "the mark of the selected rows."));

    m_hint = new QLabel(this);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setMargin(24);
    m_hint->setStyleSheet(QStringLiteral("color: #666;"));
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_hint);
    m_stack->addWidget(m_table);

    // Plain keys, active only while focus is inside this panel: no clash with
    // the main window's Ctrl shortcuts.
    const auto makeAction = [this](const QString& text, const QString& tip, QKeySequence key) {
        auto* action = new QAction(text, this);
        action->setToolTip(tip);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        return action;
    };
    m_markMislabeled =
        makeAction(tr("Mis&labeled"), tr("Mark the selected samples as mislabeled (L)"),
                   QKeySequence(Qt::Key_L));
    m_markMislabeled->setObjectName(QStringLiteral("markMislabeledAction"));
    m_markFine = makeAction(tr("&Fine"), tr("Mark the selected samples' labels as fine (F)"),
                            QKeySequence(Qt::Key_F));
    m_markFine->setObjectName(QStringLiteral("markFineAction"));
    m_clearMark = makeAction(tr("Clear Mark"), tr("Remove the mark of the selected samples (U)"),
                             QKeySequence(Qt::Key_U));
    m_clearMark->setObjectName(QStringLiteral("clearMarkAction"));
    m_exportCandidates = new QAction(tr("Export Label Candidates as CSV…"), this);
    m_exportCandidates->setToolTip(
        tr("Save the candidates as shown (filter and order) as a CSV table"));
    m_exportMarks = new QAction(tr("Export Label Marks as CSV…"), this);
    m_exportMarks->setToolTip(tr("Save every mark of this run as a CSV table"));

    const auto makeButton = [this](QAction* action, const QString& text) {
        auto* button = new QPushButton(text, this);
        button->setToolTip(action->toolTip());
        connect(button, &QPushButton::clicked, action, &QAction::trigger);
        connect(action, &QAction::changed, button,
                [button, action] { button->setEnabled(action->isEnabled()); });
        return button;
    };

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_status, 1);
    auto* subsetLabel = new QLabel(tr("&Subset:"), this);
    subsetLabel->setBuddy(m_subsetBox);
    filters->addWidget(subsetLabel);
    filters->addWidget(m_subsetBox);
    filters->addSpacing(6);
    filters->addWidget(m_hideMarkedBox);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(makeButton(m_markMislabeled, tr("Mislabeled (L)")));
    buttons->addWidget(makeButton(m_markFine, tr("Fine (F)")));
    buttons->addWidget(makeButton(m_clearMark, tr("Clear (U)")));
    buttons->addSpacing(6);
    buttons->addWidget(m_count, 1);
    buttons->addWidget(makeButton(m_exportCandidates, tr("Export Candidates…")));
    buttons->addWidget(makeButton(m_exportMarks, tr("Export Marks…")));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(filters);
    layout->addWidget(m_errorBanner);
    layout->addWidget(m_stack, 1);
    layout->addLayout(buttons);

    connect(m_markMislabeled, &QAction::triggered, this,
            [this] { markSelected(why::LabelMark::ConfirmedMislabeled); });
    connect(m_markFine, &QAction::triggered, this, [this] { markSelected(why::LabelMark::Fine); });
    connect(m_clearMark, &QAction::triggered, this, [this] { markSelected(std::nullopt); });
    connect(m_exportCandidates, &QAction::triggered, this,
            &LabelCandidatesPanel::exportCandidatesInteractively);
    connect(m_exportMarks, &QAction::triggered, this,
            &LabelCandidatesPanel::exportMarksInteractively);
    connect(m_errorButton, &QPushButton::clicked, this, [this] { saveMarks(true); });
    connect(m_subsetBox, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setSubsetFilter(
            static_cast<LabelCandidatesProxy::SubsetFilter>(m_subsetBox->currentData().toInt()));
        updateStatus();
    });
    connect(m_hideMarkedBox, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setHideMarked(on);
        updateStatus();
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &LabelCandidatesPanel::updateStatus);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LabelCandidatesPanel::updateStatus);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LabelCandidatesPanel::onTableCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LabelCandidatesPanel::updateActions);
    connect(m_table, &QWidget::customContextMenuRequested, this,
            &LabelCandidatesPanel::showContextMenu);
    // After the model's own runChanged handler (connected in its constructor).
    connect(m_session, &ExplorerSession::runChanged, this, &LabelCandidatesPanel::onRunChanged);
    connect(m_session, &ExplorerSession::currentChanged, this,
            &LabelCandidatesPanel::onSessionCurrentChanged);
    onRunChanged();
}

LabelCandidatesPanel::~LabelCandidatesPanel() = default;

void LabelCandidatesPanel::setIndex(std::shared_ptr<const why::FeatureIndex> index)
{
    if (index == m_index)
        return;
    m_index = std::move(index);
    startRankingIfReady();
}

void LabelCandidatesPanel::setConfig(const why::LabelErrorConfig& config)
{
    m_config = config;
    startRankingIfReady();
}

void LabelCandidatesPanel::setRunDir(const QString& runDir)
{
    if (runDir == m_runDir)
        return;
    // Marks made while the run had no folder belong to this run: keep them.
    const bool merge = m_runDir.isEmpty() && m_unsavedMarks;
    m_runDir = runDir;
    loadMarks(merge);
}

void LabelCandidatesPanel::onRunChanged()
{
    ++m_generation; // a ranking still running is of the old run
    m_rankingError.clear();
    m_unsavedMarks = false;
    loadMarks(false);
    if (!m_session->hasRun())
        setState(State::NoRun);
    startRankingIfReady();
}

void LabelCandidatesPanel::loadMarks(bool mergeUnsaved)
{
    const why::LabelMarks unsaved = mergeUnsaved ? m_model->marks() : why::LabelMarks{};
    m_marksFileUnreadable = false;
    m_marksError.clear();
    m_errorBanner->hide();
    why::LabelMarks marks;
    if (!m_runDir.isEmpty() && m_session->hasRun()) {
        try {
            marks = why::loadLabelMarks(QDir::toNativeSeparators(m_runDir).toStdString());
        } catch (const std::exception& e) {
            m_marksFileUnreadable = true;
            showMarksError(tr("The marks of this run could not be read: %1\nMarks you make now "
                              "are kept in memory but not saved, so that file is not "
                              "overwritten. Repair or move it and reopen the run, or replace it "
                              "with the marks made here.")
                               .arg(QString::fromStdString(e.what())),
                           tr("Replace file"));
        }
    }
    for (const auto& [key, mark] : unsaved.all())
        marks.set(static_cast<analysis::Subset>(key.first), key.second, mark);
    m_model->setMarks(std::move(marks));
    m_unsavedMarks = false;
    if (!unsaved.empty())
        saveMarks(); // the marks made before the run had a folder
    updateStatus();
    Q_EMIT marksChanged();
}

void LabelCandidatesPanel::saveMarks(bool replaceUnreadable)
{
    if (m_runDir.isEmpty()) {
        m_unsavedMarks = !m_model->marks().empty();
        return;
    }
    if (m_marksFileUnreadable && !replaceUnreadable) {
        m_unsavedMarks = true;
        return; // the banner already says why
    }
    try {
        why::saveLabelMarks(m_model->marks(), QDir::toNativeSeparators(m_runDir).toStdString());
        m_unsavedMarks = false;
        m_marksFileUnreadable = false;
        m_marksError.clear();
        m_errorBanner->hide();
    } catch (const std::exception& e) {
        m_unsavedMarks = true;
        showMarksError(tr("The marks could not be saved: %1\nThey are kept in memory; Retry, or "
                          "export them with “Export Marks…”.")
                           .arg(QString::fromStdString(e.what())),
                       tr("Retry"));
    }
}

void LabelCandidatesPanel::showMarksError(const QString& message, const QString& buttonText)
{
    m_marksError = message;
    m_errorText->setText(message);
    m_errorButton->setText(buttonText);
    m_errorBanner->show();
    Q_EMIT marksError(message);
}

void LabelCandidatesPanel::startRankingIfReady()
{
    if (!m_session->hasRun())
        return;
    m_model->setCandidates(nullptr, m_config.neighbours);
    const int generation = ++m_generation;
    if (!m_index || !indexMatchesRun(*m_index, m_session->run())) {
        setState(State::WaitingForIndex);
        return;
    }
    setState(State::Ranking);
    auto* watcher = new QFutureWatcher<RankResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        onRankingFinished(generation, watcher->result());
        watcher->deleteLater();
    });
    // The task owns shared pointers only: it may outlive this panel.
    watcher->setFuture(QtConcurrent::run(
        [run = m_session->runPtr(), index = m_index, config = m_config]() -> RankResult {
            RankResult result;
            try {
                result.candidates = std::make_shared<const std::vector<why::LabelCandidate>>(
                    why::rankLabelCandidates(*run, *index, config));
            } catch (const std::exception& e) {
                result.error = QString::fromStdString(e.what());
            }
            return result;
        }));
}

void LabelCandidatesPanel::onRankingFinished(int generation, const RankResult& result)
{
    if (generation != m_generation)
        return; // a newer run or index took over
    if (!result.candidates) {
        m_rankingError = result.error;
        setState(State::Failed);
        Q_EMIT rankingFailed(result.error);
        return;
    }
    m_model->setCandidates(result.candidates, m_config.neighbours);
    m_table->resizeColumnsToContents();
    setState(State::Ready);
    onSessionCurrentChanged(m_session->current());
    Q_EMIT candidatesReady(static_cast<int>(result.candidates->size()));
}

void LabelCandidatesPanel::setState(State state)
{
    m_state = state;
    switch (state) {
    case State::NoRun:
        m_hint->setText(tr("No run loaded.\n\nOpen or train a run to list the samples whose "
                           "label is probably wrong."));
        break;
    case State::WaitingForIndex:
        m_hint->setText(tr("Waiting for the neighbour index…\n\nThe candidates are ranked from "
                           "the model's confidence and the labels of each sample's neighbours "
                           "in feature space."));
        break;
    case State::Ranking:
        m_hint->setText(tr("Ranking label candidates…"));
        break;
    case State::Failed:
        m_hint->setText(tr("The candidates could not be ranked:\n%1").arg(m_rankingError));
        break;
    case State::Ready:
        m_hint->setText(tr("No label candidates: no sample is below its class's confidence "
                           "threshold with a score of at least %1.")
                            .arg(m_config.minScore));
        break;
    }
    const bool table = state == State::Ready && m_model->rowCount() > 0;
    m_stack->setCurrentWidget(table ? static_cast<QWidget*>(m_table) : m_hint);
    updateStatus();
}

QString LabelCandidatesPanel::statusText() const
{
    return m_status->text();
}

void LabelCandidatesPanel::updateStatus()
{
    const QLocale locale;
    QString status;
    switch (m_state) {
    case State::NoRun:
        status = tr("No run");
        break;
    case State::WaitingForIndex:
        status = tr("Waiting for the neighbour index…");
        break;
    case State::Ranking:
        status = tr("Ranking…");
        break;
    case State::Failed:
        status = tr("Ranking failed");
        break;
    case State::Ready:
        status = tr("%1 label candidates").arg(locale.toString(m_model->rowCount()));
        break;
    }
    m_status->setText(status);
    const why::LabelMarks& marks = m_model->marks();
    int mislabeled = 0;
    for (const auto& entry : marks.all())
        mislabeled += entry.second == why::LabelMark::ConfirmedMislabeled ? 1 : 0;
    QString count = m_state == State::Ready ? tr("%1 of %2 shown")
                                                  .arg(locale.toString(m_proxy->rowCount()),
                                                       locale.toString(m_model->rowCount()))
                                            : QString();
    if (!marks.empty()) {
        if (!count.isEmpty())
            count += QStringLiteral(" · ");
        count += tr("%1 marked (%2 mislabeled)").arg(marks.size()).arg(mislabeled);
        if (m_unsavedMarks)
            count +=
                m_runDir.isEmpty() ? tr(", in memory until the run is saved") : tr(", not saved");
    }
    m_count->setText(count);
    updateActions();
}

void LabelCandidatesPanel::updateActions()
{
    const bool rows = m_table->selectionModel()->hasSelection();
    for (QAction* action : {m_markMislabeled, m_markFine, m_clearMark})
        action->setEnabled(rows);
    m_exportCandidates->setEnabled(m_state == State::Ready && m_proxy->rowCount() > 0);
    m_exportMarks->setEnabled(m_session->hasRun() && !m_model->marks().empty());
}

void LabelCandidatesPanel::setMark(int id, std::optional<why::LabelMark> mark)
{
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount())
        return;
    m_model->setMark(m_session->subsetOf(id), m_session->indexInSubset(id), mark);
    saveMarks();
    updateStatus();
    Q_EMIT marksChanged();
}

void LabelCandidatesPanel::markSelected(std::optional<why::LabelMark> mark)
{
    const QVector<int> ids = selectedIds();
    if (ids.isEmpty() || !m_session->hasRun())
        return;
    for (int id : ids)
        m_model->setMark(m_session->subsetOf(id), m_session->indexInSubset(id), mark);
    saveMarks();
    updateStatus();
    Q_EMIT marksChanged();
}

bool LabelCandidatesPanel::exportCandidatesCsv(const QString& path, QString* error) const
{
    std::vector<why::LabelCandidate> rows;
    rows.reserve(static_cast<std::size_t>(m_proxy->rowCount()));
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        rows.push_back(m_model->candidate(m_proxy->sourceRowAt(row)));
    try {
        why::writeLabelCandidatesCsv(rows, QDir::toNativeSeparators(path).toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

bool LabelCandidatesPanel::exportMarksCsv(const QString& path, QString* error) const
{
    if (!m_session->hasRun()) {
        if (error)
            *error = tr("No run loaded");
        return false;
    }
    try {
        why::writeLabelMarksCsv(m_model->marks(), m_session->run(),
                                QDir::toNativeSeparators(path).toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void LabelCandidatesPanel::exportCsvInteractively(const QString& baseName, const QString& title,
                                                  CsvWriter write)
{
    const QString path = askCsvPath(this, baseName);
    if (path.isEmpty())
        return;
    QString error;
    if (!(this->*write)(path, &error))
        QMessageBox::warning(this, title, error);
    else
        notifyExported(this, path);
}

void LabelCandidatesPanel::exportCandidatesInteractively()
{
    exportCsvInteractively(QStringLiteral("label_candidates"), tr("Export Candidates"),
                           &LabelCandidatesPanel::exportCandidatesCsv);
}

void LabelCandidatesPanel::exportMarksInteractively()
{
    exportCsvInteractively(QStringLiteral("label_marks"), tr("Export Marks"),
                           &LabelCandidatesPanel::exportMarksCsv);
}

QVector<int> LabelCandidatesPanel::shownIds() const
{
    QVector<int> ids;
    ids.reserve(m_proxy->rowCount());
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        ids.append(m_proxy->idAt(row));
    return ids;
}

QVector<int> LabelCandidatesPanel::selectedIds() const
{
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QVector<int> ids;
    ids.reserve(rows.size());
    for (const QModelIndex& index : rows)
        ids.append(m_proxy->idAt(index.row()));
    return ids;
}

void LabelCandidatesPanel::onTableCurrentChanged()
{
    if (m_syncing)
        return;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), {}))
        return;
    m_syncing = true;
    m_session->setCurrent(m_proxy->idAt(current.row()));
    m_syncing = false;
}

void LabelCandidatesPanel::onSessionCurrentChanged(int id)
{
    if (m_syncing)
        return;
    const int sourceRow = m_model->rowOf(id);
    const QModelIndex index =
        sourceRow < 0 ? QModelIndex() : m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    QItemSelectionModel* selection = m_table->selectionModel();
    if (!index.isValid() || selection->isRowSelected(index.row(), QModelIndex()))
        return; // not listed (keep the user's rows), or already selected
    m_syncing = true;
    selection->setCurrentIndex(index,
                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (m_table->isVisible())
        m_table->scrollTo(index);
    m_syncing = false;
}

void LabelCandidatesPanel::showContextMenu(const QPoint& position)
{
    // popup(), not exec(): no nested event loop.
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_markMislabeled);
    menu->addAction(m_markFine);
    menu->addAction(m_clearMark);
    menu->addSeparator();
    menu->addAction(m_exportCandidates);
    menu->addAction(m_exportMarks);
    menu->popup(m_table->viewport()->mapToGlobal(position));
}

} // namespace mnistx::ui
