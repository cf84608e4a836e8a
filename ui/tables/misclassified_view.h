#pragma once

#include "ui/tables/misclassified_filter_proxy.h"

#include <QString>
#include <QVector>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace mnistx::ui
{

class HintStack;

class ElidedLabel;

class ExplorerSession;
class MisclassifiedModel;

// The misclassified table: every wrong prediction of the run (subset, index,
// GT, prediction, loss, distances to the GT and predicted class centroids),
// sorted by loss, highest first, until the user clicks another column;
// filtered by a GT/prediction pair ("GT: any/0..9", "Pred: any/0..9"), by
// subset and by the map's query, with a count ("57 of 843 misclassified").
//
// Follows and drives the session: selecting one row makes that sample the
// session's current one (the inspector and the map show it); selecting
// several also makes them the session's selection ("misclassified GT 1 → 7")
// for the gallery and the map; when the current sample changes elsewhere,
// its row is selected if it is listed (without echoing back).
// GUI thread only.
class MisclassifiedView : public QWidget
{
    Q_OBJECT
public:
    explicit MisclassifiedView(ExplorerSession* session, QWidget* parent = nullptr);
    ~MisclassifiedView() override;

    // -1 means any; the combo boxes follow.
    void setPairFilter(int groundTruth, int prediction);
    void setSubsetFilter(SubsetFilter filter);
    // The map's query (its text, one flag per sample; empty text: none):
    // the table lists only the misclassified samples it matches.
    void setQueryFilter(const QString& text,
                        std::shared_ptr<const std::vector<std::uint8_t>> matches);

    // The width the table's columns need (sized to their contents), with the
    // scroll bar and margins: the view's natural width in a dock.
    int columnsWidth() const;

    int shownCount() const;
    int totalCount() const;
    // "57 of 843 misclassified"
    QString countText() const;
    // Session ids of the rows in the order shown.
    QVector<int> shownIds() const;
    // Session ids of the selected rows in the order shown.
    QVector<int> selectedIds() const;

    QTableView* tableView() const { return m_table; }
    MisclassifiedModel* model() const { return m_model; }
    MisclassifiedFilterProxy* proxy() const { return m_proxy; }
    QComboBox* groundTruthBox() const { return m_groundTruthBox; }
    QComboBox* predictionBox() const { return m_predictionBox; }
    QComboBox* subsetBox() const { return m_subsetBox; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onRunChanged();
    void onFilterBoxChanged();
    void updateCount();
    void onTableSelectionChanged();
    void onCurrentChanged(int id);
    QString selectionDescription(const QVector<int>& ids) const;

    ExplorerSession* m_session;
    MisclassifiedModel* m_model = nullptr;
    MisclassifiedFilterProxy* m_proxy = nullptr;
    QComboBox* m_groundTruthBox = nullptr;
    QComboBox* m_predictionBox = nullptr;
    QComboBox* m_subsetBox = nullptr;
    ElidedLabel* m_count = nullptr;
    HintStack* m_stack = nullptr;
    QTableView* m_table = nullptr;
    QString m_queryText;
    bool m_syncing = false; // selecting the session's current sample: do not echo it back
};

} // namespace mnistx::ui
