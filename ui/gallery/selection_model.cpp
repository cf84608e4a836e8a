#include "ui/gallery/selection_model.h"

#include "ui/explorer_session.h"

#include <QLocale>
#include <algorithm>
#include <numeric>

namespace mnistx::ui
{

SelectionModel::SelectionModel(ExplorerSession* session, QObject* parent)
    : QAbstractListModel(parent), m_session(session)
{
    connect(m_session, &ExplorerSession::selectionChanged, this, &SelectionModel::reload);
    connect(m_session, &ExplorerSession::runChanged, this, &SelectionModel::reload);
    reload();
}

void SelectionModel::reload()
{
    beginResetModel();
    m_ids.clear();
    if (m_session->hasRun()) {
        m_ids.reserve(m_session->selection().size());
        for (int id : m_session->selection())
            if (id >= 0 && id < m_session->sampleCount()) // a stale id after a reload: left out
                m_ids.append(id);
    }
    endResetModel();
}

int SelectionModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

float SelectionModel::lossAt(int row) const
{
    return row >= 0 && row < m_ids.size() ? m_session->loss(m_ids[row]) : 0.0f;
}

int SelectionModel::rowOf(int id) const
{
    return static_cast<int>(m_ids.indexOf(id));
}

QVariant SelectionModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int id = m_ids[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1→%2").arg(m_session->label(id)).arg(m_session->prediction(id));
    case Qt::ToolTipRole:
        return tr("%1 · GT %2 · predicted %3 · loss %4")
            .arg(m_session->describe(id))
            .arg(m_session->label(id))
            .arg(m_session->prediction(id))
            .arg(QString::number(m_session->loss(id), 'g', 3));
    case IdRole:
        return id;
    case LabelRole:
        return m_session->label(id);
    case PredictionRole:
        return m_session->prediction(id);
    case LossRole:
        return static_cast<double>(m_session->loss(id));
    case CorrectRole:
        return m_session->correct(id);
    case ThumbnailRole:
        return m_session->image(id);
    default:
        return {};
    }
}

QHash<int, QByteArray> SelectionModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names[IdRole] = "id";
    names[LabelRole] = "label";
    names[PredictionRole] = "prediction";
    names[LossRole] = "loss";
    names[CorrectRole] = "correct";
    names[ThumbnailRole] = "thumbnail";
    return names;
}

SelectionSummary summarizeSelection(const ExplorerSession& session, const QVector<int>& ids)
{
    SelectionSummary s;
    if (!session.hasRun())
        return s;
    s.classCounts.assign(static_cast<size_t>(std::max(0, session.classCount())), 0);
    double lossSum = 0.0;
    for (int id : ids) {
        if (id < 0 || id >= session.sampleCount())
            continue;
        ++s.count;
        lossSum += session.loss(id);
        if (session.correct(id))
            ++s.correct;
        const int label = session.label(id);
        if (label >= 0 && label < static_cast<int>(s.classCounts.size()))
            ++s.classCounts[static_cast<size_t>(label)];
    }
    if (s.count > 0) {
        s.accuracy = static_cast<double>(s.correct) / s.count;
        s.meanLoss = lossSum / s.count;
    }
    return s;
}

QString classMixText(const SelectionSummary& summary, int maxClasses)
{
    std::vector<int> order(summary.classCounts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return summary.classCounts[static_cast<size_t>(a)] >
               summary.classCounts[static_cast<size_t>(b)];
    });
    QStringList parts;
    int present = 0;
    for (int c : order)
        if (summary.classCounts[static_cast<size_t>(c)] > 0) {
            ++present;
            if (maxClasses < 0 || parts.size() < maxClasses)
                parts << QStringLiteral("%1×%2").arg(c).arg(
                    QLocale().toString(summary.classCounts[static_cast<size_t>(c)]));
        }
    if (present > parts.size())
        parts << QStringLiteral("…");
    return parts.join(QStringLiteral(", "));
}

QString accuracyText(int correct, int count)
{
    if (count <= 0)
        return {};
    const int wrong = count - correct;
    if (wrong == 0)
        return QObject::tr("all correct");
    // Two decimals of a percentage; a selection with errors never reads as
    // "100.00 %" (9 errors in 9,611 samples is 99.91 %).
    double percent = 100.0 * correct / count;
    QString shown = QString::number(percent, 'f', 2);
    if (shown == QLatin1String("100.00"))
        shown = QStringLiteral("> 99.99");
    return QObject::tr("%1 wrong · accuracy %2 %").arg(QLocale().toString(wrong), shown);
}

QString selectionSummaryText(const SelectionSummary& summary, int maxClasses)
{
    const QLocale locale;
    QString text = summary.count == 1
                       ? QObject::tr("1 sample")
                       : QObject::tr("%1 samples").arg(locale.toString(summary.count));
    if (summary.count == 0)
        return text;
    text += QObject::tr(" · %1 · mean loss %2 · classes: %3")
                .arg(accuracyText(summary.correct, summary.count),
                     QString::number(summary.meanLoss, 'f', 2), classMixText(summary, maxClasses));
    return text;
}

} // namespace mnistx::ui
