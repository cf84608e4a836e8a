#pragma once

#include "core/analysis/analysis_types.h"
#include "core/store/run_data.h"

#include <QString>
#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace mnistx::ui
{

class ExplorerSession;
class HintStack;

// How the confusion matrix changed from another run (Run ▸ Compare With…)
// to the open one, for one subset: each cell the open run's count minus the
// other's ("+3", "−5", empty when equal). Off the diagonal (errors) more is
// red and fewer blue; on it (right answers) more is green and fewer red;
// the stronger, the larger the change. A tooltip gives both counts. Without
// a comparison it says how to make one.
// GUI thread only.
class ConfusionChangeView : public QWidget
{
    Q_OBJECT
public:
    explicit ConfusionChangeView(ExplorerSession* session, QWidget* parent = nullptr);

    // The other run (the reference A) and its name; null: none. A run of
    // other sample counts or classes is refused (nothing shown).
    void setComparison(std::shared_ptr<const store::RunData> other, const QString& name);
    bool hasComparison() const { return static_cast<bool>(m_other); }
    void setSubset(analysis::Subset subset);
    // B − A for cell (label, prediction) of the shown subset; 0 without a
    // comparison.
    long long change(int label, int prediction) const;
    // The cell's text as shown ("+3", "−5", "").
    QString cellText(int label, int prediction) const;
    // "validation: 12 errors fewer, 3 more (baseline → this run)".
    QString summaryText() const;

private:
    void refresh();

    ExplorerSession* m_session;
    std::shared_ptr<const store::RunData> m_other;
    QString m_name;
    analysis::Subset m_subset = analysis::Subset::Validation;
    QComboBox* m_subsetBox = nullptr;
    QLabel* m_summary = nullptr;
    QStandardItemModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    HintStack* m_stack = nullptr;
};

} // namespace mnistx::ui
