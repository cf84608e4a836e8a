#include "ui/charts/chart_style.h"

#include <QAbstractAxis>
#include <QChart>
#include <QColor>
#include <QFont>
#include <QLegend>
#include <QMargins>

namespace mnistx::ui
{

void styleChart(QChart* chart)
{
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 8, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(8.5);
    chart->legend()->setFont(legendFont);
    QFont titleFont = chart->titleFont();
    titleFont.setPointSizeF(10.5);
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
}

void styleAxis(QAbstractAxis* axis)
{
    QFont labels = axis->labelsFont();
    labels.setPointSizeF(8.5);
    axis->setLabelsFont(labels);
    QFont title = axis->titleFont();
    title.setPointSizeF(9.0);
    title.setBold(false);
    axis->setTitleFont(title);
    axis->setGridLineColor(QColor(0xe3, 0xe3, 0xe3));
    axis->setMinorGridLineColor(QColor(0xf2, 0xf2, 0xf2));
    axis->setLinePenColor(QColor(0x99, 0x99, 0x99));
    axis->setLabelsColor(QColor(0x33, 0x33, 0x33));
    axis->setTitleBrush(QColor(0x22, 0x22, 0x22));
}

} // namespace mnistx::ui
