#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QVector>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// The samples of the session's selection, one row per sample in the order
// the selection lists them. Follows the session: resets on selectionChanged
// and runChanged. Cheap per row (no per-item allocation kept): the thumbnail
// is made on request, so a view asks only for the rows it paints.
// GUI thread only.
class SelectionModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1, // int: session id
        LabelRole,                 // int: ground truth
        PredictionRole,            // int
        LossRole,                  // double: cross-entropy, nats
        CorrectRole,               // bool
        ThumbnailRole, // QImage: 28×28 grayscale, white ink on black (null without images)
    };
    Q_ENUM(Role)

    explicit SelectionModel(ExplorerSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    ExplorerSession* session() const { return m_session; }
    // Direct access for sorting and lookups (no QVariant per call).
    int idAt(int row) const { return m_ids.value(row, -1); }
    float lossAt(int row) const;
    // The row of a session id, -1 when it is not in the selection.
    int rowOf(int id) const;
    const QVector<int>& ids() const { return m_ids; }

private:
    void reload();

    ExplorerSession* m_session;
    QVector<int> m_ids;
};

// Count, accuracy, mean loss and class mix (by ground truth) of some samples.
struct SelectionSummary {
    int count = 0;
    int correct = 0;
    double accuracy = 0.0;        // correct / count; 0 for none
    double meanLoss = 0.0;        // 0 for none
    std::vector<int> classCounts; // per ground-truth class
};
SelectionSummary summarizeSelection(const ExplorerSession& session, const QVector<int>& ids);
// "412 samples · 120 wrong · accuracy 70.87 % · mean loss 0.93 · classes: 7×120, 1×98, …"
// (the largest maxClasses classes, most frequent first, ties by class).
QString selectionSummaryText(const SelectionSummary& summary, int maxClasses = 5);
// "9 wrong · accuracy 99.91 %", "all correct"; empty for no samples. Never
// rounds a selection with errors up to 100 %.
QString accuracyText(int correct, int count);
// Every class present, most frequent first: "7×120, 1×98, 3×50".
QString classMixText(const SelectionSummary& summary, int maxClasses = -1);

} // namespace mnistx::ui
