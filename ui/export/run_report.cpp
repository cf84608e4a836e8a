#include "ui/export/run_report.h"

#include "core/projection/projector_factory.h"
#include "core/store/file_io.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/common/render_to_image.h"
#include "ui/common/sample_format.h"
#include "ui/explorer_session.h"
#include "ui/export/headless_plots.h"
#include "ui/map/population_map.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <algorithm>
#include <stdexcept>

namespace mnistx::ui
{

namespace
{

QString tr(const char* text)
{
    return QCoreApplication::translate("RunReport", text);
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString number(long long n)
{
    return QLocale(QLocale::English).toString(n);
}

// "99.34 %": accuracy needs more than formatPercent's whole percent.
QString accuracyText(double fraction)
{
    return QStringLiteral("%1 %").arg(100.0 * fraction, 0, 'f', 2);
}

QString pngDataUri(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(bytes.toBase64());
}

// A section's last words: a note (plain text, escaped here) and its end.
QString closingNote(const QString& text)
{
    return QStringLiteral("<p class=\"note\">%1</p>\n</section>\n").arg(esc(text));
}

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(esc(name), value);
}

const char* const kStyle = R"(
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto;
       max-width: 1100px; color: #1d2329; line-height: 1.4; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
.sub { color: #5b6670; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 8px; text-align: left; vertical-align: middle; }
table.kv th { color: #5b6670; font-weight: normal; padding-right: 16px; }
table.grid th, table.grid td { border: 1px solid #e1e5ea; }
table.grid thead th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.confusion td { text-align: right; min-width: 28px; }
.confusion td.diag { background: #e4f1e4; font-weight: bold; }
img.pixel { image-rendering: pixelated; height: 56px; width: auto; background: #000; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; }
.figures figure { flex: 1 1 480px; }
.figures figure img { width: 100%; height: auto; }
figure { margin: 0; }
figure img { max-width: 100%; border: 1px solid #e1e5ea; }
figcaption { color: #5b6670; font-size: 13px; }
.closer { color: #b00020; font-weight: bold; }
.note { color: #5b6670; font-size: 13px; }
li { margin-bottom: 6px; }
)";

QString settingsSection(const store::RunData& run, const QString& name)
{
    QString html = QStringLiteral("<section id=\"settings\">\n<h2>%1</h2>\n<table class=\"kv\">\n")
                       .arg(tr("Settings and accuracy"));
    html += row(tr("Run"), esc(name));
    if (!run.createdAt.empty())
        html += row(tr("Created"), esc(run.createdAt));
    QString dataset = esc(run.dataFolder.empty() ? std::string("—") : run.dataFolder);
    if (!run.datasetFormat.empty())
        dataset += QStringLiteral(" (%1)").arg(esc(run.datasetFormat));
    html += row(tr("Dataset"), dataset);
    html += row(tr("Samples"),
                tr("%1 training, %2 validation, %3 classes")
                    .arg(number(run.train.sampleCount()), number(run.validation.sampleCount()))
                    .arg(run.train.classCount));
    QString model;
    if (!run.importedModel.empty())
        model =
            tr("TorchScript model %1 (evaluated, not trained here)").arg(esc(run.importedModel));
    else if (run.modelBytes.empty() && run.history.epochs.empty())
        model = tr("features computed elsewhere (embeddings)");
    else
        model = tr("%1 CNN trained here: %2 epochs, batch %3, learning rate %4, seed %5")
                    .arg(esc(run.config.architecture))
                    .arg(run.config.epochs)
                    .arg(run.config.batchSize)
                    .arg(run.config.learningRate)
                    .arg(QString::number(run.config.seed));
    html += row(tr("Model"), model);
    if (run.featuresAreLogits)
        html += row(tr("Features"), tr("the model's logits (it returns no features)"));
    if (!run.train.scored) {
        html += row(tr("Accuracy"), esc(ExplorerSession::noScoresReason()));
    } else {
        html += row(tr("Validation accuracy"), QStringLiteral("<b>%1</b> (mean loss %2)")
                                                   .arg(accuracyText(run.validation.accuracy),
                                                        formatLoss(run.validation.meanLoss)));
        html += row(tr("Training accuracy"),
                    QStringLiteral("%1 (mean loss %2)")
                        .arg(accuracyText(run.train.accuracy), formatLoss(run.train.meanLoss)));
    }
    if (!run.projection.method.empty()) {
        QString map = esc(projection::projectorTitle(run.projection.method));
        if (run.projection.knnAccuracy >= 0)
            map += tr(": 10-NN accuracy %1, trustworthiness %2")
                       .arg(run.projection.knnAccuracy, 0, 'f', 3)
                       .arg(run.projection.trustworthiness, 0, 'f', 3);
        html += row(tr("Map"), map);
    }
    html += row(tr("Centroid distances"), esc(QString::fromUtf8(run.centroidSpace())));
    return html + QStringLiteral("</table>\n</section>\n");
}

QString figure(const QImage& image, const QString& caption, const QString& alt)
{
    return QStringLiteral("<figure><img src=\"%1\" alt=\"%2\"/><figcaption>%3</figcaption>"
                          "</figure>\n")
        .arg(pngDataUri(image), esc(alt), esc(caption));
}

// The maps sit side by side at about 540 px: drawn at that size (legend and
// titles readable there) and 2× for sharp dots.
constexpr QSize kReportMapSize{640, 560};
constexpr double kReportMapScale = 2.0;

QString mapsSection(ExplorerSession& session)
{
    PopulationMap map(&session);
    map.resize(kReportMapSize);
    QString html = QStringLiteral("<section id=\"maps\">\n<h2>%1</h2>\n<p class=\"note\">%2</p>\n"
                                  "<div class=\"figures\">\n")
                       .arg(tr("Maps of the features"),
                            tr("One dot per sample, coloured by its ground-truth class, sized by "
                               "its loss; misclassified samples outlined and drawn on top."));
    map.setSubsetFilter(SubsetFilter::Train);
    html += figure(map.renderImage(kReportMapSize, kReportMapScale), tr("Training set"),
                   tr("Map of the training samples"));
    map.setSubsetFilter(SubsetFilter::Validation);
    html += figure(map.renderImage(kReportMapSize, kReportMapScale), tr("Validation set"),
                   tr("Map of the validation samples"));
    return html + QStringLiteral("</div>\n</section>\n");
}

QString lossSection(ExplorerSession& session)
{
    if (!session.scored())
        return QStringLiteral("<section id=\"loss-vs-distance\">\n<h2>%1</h2>\n")
                   .arg(tr("Loss vs distance")) +
               closingNote(ExplorerSession::noScoresReason());
    LossDistanceChart chart(&session);
    chart.resize(kHeadlessChartSize);
    const QImage image =
        renderToImage([&chart](QPainter* p, const QRectF& target) { chart.render(p, target); },
                      kHeadlessChartSize, 1.0);
    return QStringLiteral(
               "<section id=\"loss-vs-distance\">\n<h2>%1</h2>\n<p class=\"note\">%2</p>\n")
               .arg(tr("Loss vs distance"),
                    tr("Mean loss of the samples binned by their distance to their own class's "
                       "centroid (%1).")
                        .arg(esc(QString::fromUtf8(session.run().centroidSpace())))) +
           figure(image, QString(), tr("Mean loss by distance to the own class centroid")) +
           QStringLiteral("</section>\n");
}

QString confusionSection(const ExplorerSession& session)
{
    const analysis::SubsetAnalysis& a = session.run().validation;
    const int C = a.classCount;
    QString html = QStringLiteral("<section id=\"confusion\">\n<h2>%1</h2>\n")
                       .arg(tr("Confusion matrix, validation set"));
    if (a.confusion.rows() != C || C == 0)
        return html + closingNote(tr("The run has no validation samples."));
    if (!a.scored)
        return html + closingNote(ExplorerSession::noScoresReason());
    long long maxOff = 0;
    for (int g = 0; g < C; ++g)
        for (int p = 0; p < C; ++p)
            if (g != p)
                maxOff = std::max<long long>(maxOff, a.confusion(g, p));
    html += QStringLiteral("<p class=\"note\">%1</p>\n")
                .arg(tr("Rows: ground truth; columns: prediction; counts of samples. Off the "
                        "diagonal, the redder the more often."));
    html += QStringLiteral("<table class=\"grid confusion\">\n<thead><tr><th>%1</th>")
                .arg(tr("GT \\ predicted"));
    for (int p = 0; p < C; ++p)
        html += QStringLiteral("<th>%1</th>").arg(esc(session.className(p)));
    html += QStringLiteral("</tr></thead>\n<tbody>\n");
    for (int g = 0; g < C; ++g) {
        html += QStringLiteral("<tr><th>%1</th>").arg(esc(session.className(g)));
        for (int p = 0; p < C; ++p) {
            const long long n = a.confusion(g, p);
            if (g == p) {
                html += QStringLiteral("<td class=\"diag\">%1</td>").arg(number(n));
            } else if (n == 0) {
                html += QStringLiteral("<td></td>");
            } else {
                const double t = maxOff > 0 ? double(n) / double(maxOff) : 0.0;
                const int green = static_cast<int>(235 - 150 * t);
                html += QStringLiteral("<td style=\"background: rgb(250,%1,%1)\">%2</td>")
                            .arg(green)
                            .arg(number(n));
            }
        }
        html += QStringLiteral("</tr>\n");
    }
    return html + QStringLiteral("</tbody>\n</table>\n</section>\n");
}

QString thumbnail(const ExplorerSession& session, int id)
{
    const QImage image = session.image(id);
    if (image.isNull())
        return QStringLiteral("—");
    return QStringLiteral("<img class=\"pixel\" src=\"%1\" alt=\"%2\"/>")
        .arg(pngDataUri(image), esc(session.describe(id)));
}

QString worstErrorsSection(const ExplorerSession& session)
{
    const std::vector<int>& wrong = session.misclassifiedByLoss();
    QString html =
        QStringLiteral("<section id=\"worst-errors\">\n<h2>%1</h2>\n").arg(tr("Worst errors"));
    if (!session.scored())
        return html + closingNote(ExplorerSession::noScoresReason());
    if (wrong.empty())
        return html + closingNote(tr("Every sample is classified right."));
    const QString space = QString::fromUtf8(session.run().centroidSpace());
    html += QStringLiteral("<p class=\"note\">%1</p>\n")
                .arg(tr("The %1 misclassified samples of highest loss (of %2). Distances are "
                        "Euclidean, %3; <span class=\"closer\">red</span>: the sample lies "
                        "nearer the predicted class's centroid than its own.")
                         .arg(std::min<int>(kReportWorstErrors, static_cast<int>(wrong.size())))
                         .arg(number(static_cast<long long>(wrong.size())))
                         .arg(esc(space)));
    html += QStringLiteral("<table class=\"grid\">\n<thead><tr><th>%1</th><th>%2</th><th>%3</th>"
                           "<th>%4</th><th>%5</th><th>%6</th><th>%7</th></tr></thead>\n<tbody>\n")
                .arg(tr("Image"), tr("Sample"), tr("Ground truth"), tr("Predicted"), tr("Loss"),
                     tr("Distance to own centroid"), tr("Distance to predicted centroid"));
    for (int k = 0; k < kReportWorstErrors && k < static_cast<int>(wrong.size()); ++k) {
        const int id = wrong[static_cast<std::size_t>(k)];
        const auto& a = session.analysisOf(id);
        const int i = session.indexInSubset(id);
        const float own = a.centroidDistances(i, session.label(id));
        const float predicted = a.centroidDistances(i, session.prediction(id));
        const QString closer = QStringLiteral(" class=\"num closer\"");
        const QString plain = QStringLiteral(" class=\"num\"");
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td "
                               "class=\"num\">%5</td><td class=\"num\">%6</td><td%7>%8</td></tr>\n")
                    .arg(thumbnail(session, id), esc(session.describe(id)),
                         esc(session.className(session.label(id))),
                         esc(session.className(session.prediction(id))),
                         formatLoss(session.loss(id)), formatDistance(own),
                         predicted < own ? closer : plain, formatDistance(predicted));
    }
    return html + QStringLiteral("</tbody>\n</table>\n</section>\n");
}

QString candidatesSection(const ExplorerSession& session,
                          const std::vector<why::LabelCandidate>* candidates)
{
    QString html = QStringLiteral("<section id=\"label-candidates\">\n<h2>%1</h2>\n")
                       .arg(tr("Label candidates"));
    if (!candidates)
        return html + closingNote(tr("Not computed when the report was written."));
    if (candidates->empty())
        return html + closingNote(tr("No sample looks mislabeled."));
    html += QStringLiteral("<p class=\"note\">%1</p>\n")
                .arg(tr("Samples whose given label is probably wrong, most likely first (%1 in "
                        "all): the model and the sample's neighbours in feature space agree on "
                        "another class.")
                         .arg(number(static_cast<long long>(candidates->size()))));
    html += QStringLiteral("<table class=\"grid\">\n<thead><tr><th>%1</th><th>%2</th><th>%3</th>"
                           "<th>%4</th><th>%5</th><th>%6</th></tr></thead>\n<tbody>\n")
                .arg(tr("Image"), tr("Sample"), tr("Given label"), tr("Suggested"), tr("Score"),
                     tr("Neighbours agreeing with the suggestion"));
    for (int k = 0; k < kReportLabelCandidates && k < static_cast<int>(candidates->size()); ++k) {
        const why::LabelCandidate& c = (*candidates)[static_cast<std::size_t>(k)];
        const int id = session.idOf(c.subset, c.index);
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td "
                               "class=\"num\">%5</td><td class=\"num\">%6</td></tr>\n")
                    .arg(thumbnail(session, id), esc(session.describe(id)),
                         esc(session.className(c.givenLabel)),
                         esc(session.className(c.suggestedLabel)), QString::number(c.score, 'f', 2),
                         formatPercent(c.neighbourSuggestedShare).toHtmlEscaped());
    }
    return html + QStringLiteral("</tbody>\n</table>\n</section>\n");
}

QString insightsSection(const std::vector<why::Insight>* insights)
{
    QString html = QStringLiteral("<section id=\"insights\">\n<h2>%1</h2>\n").arg(tr("Insights"));
    if (!insights)
        return html + closingNote(tr("Not computed when the report was written."));
    if (insights->empty())
        return html + closingNote(tr("No group of samples stands out."));
    html += QStringLiteral("<p class=\"note\">%1</p>\n<ol>\n")
                .arg(tr("Groups of samples where the model is weakest, the largest share of "
                        "excess loss first."));
    for (int k = 0; k < kReportInsights && k < static_cast<int>(insights->size()); ++k) {
        const why::Insight& in = (*insights)[static_cast<std::size_t>(k)];
        html += QStringLiteral("<li><b>%1</b> (%2)<br/>%3</li>\n")
                    .arg(esc(in.title), esc(QString::fromUtf8(analysis::subsetName(in.subset))),
                         esc(in.sentence));
    }
    return html + QStringLiteral("</ol>\n</section>\n");
}

} // namespace

QString runReportHtml(const RunReportInputs& inputs)
{
    if (!inputs.run)
        throw std::invalid_argument("runReportHtml: no run");
    ExplorerSession session;
    session.setRun(inputs.run, inputs.images);
    const store::RunData& run = *inputs.run;
    const QString name = inputs.name.isEmpty() ? tr("run") : inputs.name;

    QString html =
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                       "<meta charset=\"utf-8\"/>\n<title>%1</title>\n"
                       "<style>%2</style>\n</head>\n<body>\n")
            .arg(esc(tr("%1 — MNIST Explorer report").arg(name)), QString::fromLatin1(kStyle));
    html +=
        QStringLiteral("<h1>%1</h1>\n<p class=\"sub\">%2</p>\n")
            .arg(esc(name), run.validation.scored
                                ? tr("Error analysis of an image classifier · validation accuracy "
                                     "%1 · written %2")
                                      .arg(accuracyText(run.validation.accuracy),
                                           QDateTime::currentDateTimeUtc().toString(Qt::ISODate))
                                : tr("Error analysis of an image classifier · no model scores · "
                                     "written %1")
                                      .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
    html += settingsSection(run, name);
    html += mapsSection(session);
    html += lossSection(session);
    html += confusionSection(session);
    html += worstErrorsSection(session);
    html += candidatesSection(session, inputs.candidates.get());
    html += insightsSection(inputs.insights.get());
    QString versions;
    for (const auto& [library, version] : run.versions)
        versions += QStringLiteral("%1 %2 · ").arg(esc(library), esc(version));
    html += QStringLiteral("<footer><p class=\"note\">%1%2</p></footer>\n</body>\n</html>\n")
                .arg(versions, tr("MNIST Explorer"));
    return html;
}

void writeRunReport(const RunReportInputs& inputs, const QString& path)
{
    const QByteArray utf8 = runReportHtml(inputs).toUtf8();
    try {
        store::writeTextAtomically(path.toStdString(), utf8.toStdString());
    } catch (const std::exception& e) {
        throw std::runtime_error(e.what());
    }
}

} // namespace mnistx::ui
