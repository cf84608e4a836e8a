#pragma once

#include <QString>
#include <QVector>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// Count, accuracy, mean loss and class mix (by ground truth) of some samples.
struct SelectionSummary {
    int count = 0;
    int correct = 0;
    double accuracy = 0.0;        // correct / count; 0 for none
    double meanLoss = 0.0;        // 0 for none
    std::vector<int> classCounts; // per ground-truth class
    bool scored = true;           // false: a run without model scores (no correct, loss)
};
SelectionSummary summarizeSelection(const ExplorerSession& session, const QVector<int>& ids);
// "412 samples · 120 wrong · accuracy 70.87 % · mean loss 0.93 · classes: 7×120, 1×98, …"
// (the largest maxClasses classes, most frequent first, ties by class);
// unscored: "412 samples · classes: 7×120, 1×98, …".
QString selectionSummaryText(const SelectionSummary& summary, int maxClasses = 5);
// "9 wrong · accuracy 99.91 %", "all correct"; empty for no samples. Never
// rounds a selection with errors up to 100 %.
QString accuracyText(int correct, int count);
// Every class present, most frequent first: "7×120, 1×98, 3×50".
QString classMixText(const SelectionSummary& summary, int maxClasses = -1);

} // namespace mnistx::ui
