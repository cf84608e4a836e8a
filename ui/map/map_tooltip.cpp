#include "ui/map/map_tooltip.h"

#include "ui/explorer_session.h"
#include "ui/map/map_filter_state.h"

#include <QBuffer>
#include <QByteArray>
#include <QImage>

namespace mnistx::ui
{

namespace
{

constexpr int kThumbnailScale = 4; // 28 px digits shown at 112 px in tooltips

} // namespace

QString MapTooltip::html(const ExplorerSession& session, int id)
{
    if (!session.hasRun() || id < 0 || id >= session.sampleCount())
        return {};
    QString thumbnail;
    const QImage image = session.image(id);
    if (!image.isNull()) {
        // Nearest-neighbour: the digit's pixels stay crisp squares.
        const QImage big = image.scaled(image.size() * kThumbnailScale, Qt::IgnoreAspectRatio,
                                        Qt::FastTransformation);
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        big.save(&buffer, "PNG");
        thumbnail = QStringLiteral("<td><img src='data:image/png;base64,%1' width='%2' "
                                   "height='%3'></td>")
                        .arg(QString::fromLatin1(png.toBase64()))
                        .arg(big.width())
                        .arg(big.height());
    }
    const int gt = session.label(id);
    if (!session.scored()) {
        const auto& a = session.analysisOf(id);
        const int row = session.indexInSubset(id);
        return QStringLiteral("<table cellspacing='0' cellpadding='2'><tr>%1"
                              "<td style='padding-left:6px'><b>%2</b><br>%3<br>%4</td>"
                              "</tr></table>")
            .arg(thumbnail, session.describe(id).toHtmlEscaped(),
                 tr("GT: %1").arg(session.className(gt).toHtmlEscaped()),
                 tr("Distance to own centroid: %1")
                     .arg(static_cast<double>(a.distanceToOwnCentroid(row)), 0, 'f', 3));
    }
    const int pred = session.prediction(id);
    const auto& a = session.analysisOf(id);
    const int row = session.indexInSubset(id);
    QString confidence;
    if (a.probabilities.rows() > row && a.probabilities.cols() > pred)
        confidence = tr(" (p = %1)").arg(a.probabilities(row, pred), 0, 'f', 3);
    const QString outcome =
        gt == pred
            ? tr("correct")
            : QStringLiteral("<span style='color:#d62728'><b>%1</b></span>").arg(tr("wrong"));
    return QStringLiteral("<table cellspacing='0' cellpadding='2'><tr>%1"
                          "<td style='padding-left:6px'><b>%2</b><br>%3<br>%4<br>%5<br>%6</td>"
                          "</tr></table>")
        .arg(thumbnail, session.describe(id).toHtmlEscaped(),
             tr("GT: %1").arg(session.className(gt).toHtmlEscaped()),
             tr("Prediction: %1%2").arg(session.className(pred).toHtmlEscaped()).arg(confidence),
             outcome, tr("Loss: %1").arg(static_cast<double>(session.loss(id)), 0, 'f', 3));
}

QString MapTooltip::legendEntryText(const MapLegendEntry& e)
{
    const QString count =
        e.count >= 0
            ? tr("%1: %2\n").arg(e.name, MapFilterState::samplesText(static_cast<int>(e.count)))
            : QString();
    return count + tr("Click: hide or show “%1” · double-click: show only “%1”").arg(e.name);
}

} // namespace mnistx::ui
