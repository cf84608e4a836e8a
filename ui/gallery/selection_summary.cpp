#include "ui/gallery/selection_summary.h"

#include "ui/common/sample_format.h"
#include "ui/explorer_session.h"

#include <QLocale>
#include <QObject>
#include <QStringList>
#include <algorithm>
#include <numeric>

namespace mnistx::ui
{

SelectionSummary summarizeSelection(const ExplorerSession& session, const QVector<int>& ids)
{
    SelectionSummary s;
    if (!session.hasRun())
        return s;
    s.classCounts.assign(static_cast<size_t>(std::max(0, session.classCount())), 0);
    s.scored = session.scored();
    double lossSum = 0.0;
    for (int id : ids) {
        if (id < 0 || id >= session.sampleCount())
            continue;
        ++s.count;
        if (s.scored) {
            lossSum += session.loss(id);
            s.correct += session.correct(id) ? 1 : 0;
        }
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
    if (!summary.scored)
        return text + QObject::tr(" · classes: %1").arg(classMixText(summary, maxClasses));
    text += QObject::tr(" · %1 · mean loss %2 · classes: %3")
                .arg(accuracyText(summary.correct, summary.count), formatLoss(summary.meanLoss),
                     classMixText(summary, maxClasses));
    return text;
}

} // namespace mnistx::ui
