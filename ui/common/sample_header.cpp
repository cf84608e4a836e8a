#include "ui/common/sample_header.h"

#include "ui/common/sample_format.h"
#include "ui/explorer_session.h"

#include <QCoreApplication>

namespace mnistx::ui
{

namespace
{
QString tr(const char* text)
{
    return QCoreApplication::translate("SampleHeader", text);
}
} // namespace

QColor wrongColor()
{
    return {0xc6, 0x28, 0x28};
}

QColor rightColor()
{
    return {0x2e, 0x7d, 0x32};
}

SampleHeader sampleHeader(const ExplorerSession& session, int id, const QString& nameStyle)
{
    if (!session.hasRun() || id < 0 || id >= session.sampleCount())
        return {};
    const int gt = session.label(id);
    const QString name = session.describe(id);
    const QString nameHtml = nameStyle.isEmpty()
                                 ? QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped())
                                 : QStringLiteral("<span style='%1'><b>%2</b></span>")
                                       .arg(nameStyle, name.toHtmlEscaped());
    SampleHeader header;
    if (!session.scored()) { // no prediction or loss to show
        header.plain = tr("%1 · GT %2").arg(name, session.className(gt));
        header.html = tr("%1&nbsp;·&nbsp; GT&nbsp;<b>%2</b>")
                          .arg(nameHtml, session.className(gt).toHtmlEscaped());
        return header;
    }
    const int pred = session.prediction(id);
    const bool right = gt == pred;
    const QString loss = formatLoss(session.loss(id));
    const QString gtName = session.className(gt), predName = session.className(pred);
    header.plain = tr("%1 · GT %2 · predicted %3 (%4) · loss %5")
                       .arg(name)
                       .arg(gtName)
                       .arg(predName)
                       .arg(right ? tr("right") : tr("wrong"))
                       .arg(loss);
    header.html = tr("%1&nbsp;·&nbsp; GT&nbsp;<b>%2</b>&nbsp;·&nbsp; predicted&nbsp;"
                     "<b style='color:%3'>%4</b>&nbsp;<span style='color:%3'>%5</span>"
                     "&nbsp;·&nbsp; loss&nbsp;<b>%6</b>")
                      .arg(nameHtml)
                      .arg(gtName.toHtmlEscaped())
                      .arg(verdictColor(right).name(QColor::HexRgb))
                      .arg(predName.toHtmlEscaped())
                      .arg(right ? tr("✓ right") : tr("✗ wrong"))
                      .arg(loss);
    return header;
}

} // namespace mnistx::ui
