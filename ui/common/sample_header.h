#pragma once

#include <QColor>
#include <QString>

namespace mnistx::ui
{

class ExplorerSession;

// The colours that say whether the model got a sample right: the
// prediction in headers, the frame and caption of a misclassified thumbnail.
QColor wrongColor();
QColor rightColor();
inline QColor verdictColor(bool right)
{
    return right ? rightColor() : wrongColor();
}

// One sample's header, the line every view that shows a single sample puts
// on top (inspector, heat maps, similar samples' query, item tooltips):
//   plain "validation #12 · GT 5 · predicted 6 (wrong) · loss 2.31"
//   html  the same with the name and the numbers in bold and the prediction
//         and "✗ wrong"/"✓ right" in the verdict colour.
// The loss goes through formatLoss. Empty for an id the session does not
// hold. GUI thread (reads the session).
struct SampleHeader {
    QString plain;
    QString html;
};
// nameStyle: extra CSS for the name's span ("font-size:large" in the
// inspector, where the header is the panel's title); none by default.
SampleHeader sampleHeader(const ExplorerSession& session, int id, const QString& nameStyle = {});

} // namespace mnistx::ui
