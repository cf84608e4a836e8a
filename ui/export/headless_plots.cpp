#include "ui/export/headless_plots.h"

#include "ui/charts/loss_distance_chart.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/map/comparison_coloring.h"
#include "ui/map/population_map.h"

#include <QDir>
#include <QPainter>
#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace mnistx::ui
{

namespace
{

void writeBoth(const RenderFn& render, const ImageFn& image, QSize size, const QString& outDir,
               const QString& baseName)
{
    for (const char* suffix : {".png", ".svg"}) {
        const QString path = QDir(outDir).filePath(baseName + QLatin1String(suffix));
        QString error;
        if (!exportView(render, QSizeF(size), path, kHeadlessPngScale, &error, image))
            throw std::runtime_error(error.toStdString());
    }
}

} // namespace

void writeHeadlessPlots(const store::RunData& run, std::shared_ptr<const data::DatasetSplits> data,
                        const QString& outDir)
{
    if (!QDir(outDir).exists() && !QDir().mkpath(outDir))
        throw std::runtime_error("cannot create the folder " + outDir.toStdString());

    // The session only borrows the run for the duration of this call: an
    // aliasing shared_ptr without ownership avoids copying 70,000 rows.
    std::shared_ptr<const store::RunData> borrowed(std::shared_ptr<void>(), &run);
    ExplorerSession session;
    session.setRun(borrowed, std::move(data));

    PopulationMap map(&session);
    map.resize(kHeadlessMapSize);
    const RenderFn mapRender = [&map](QPainter* p, const QRectF& target) { map.render(p, target); };
    const ImageFn mapImage = [&map](QSize size, qreal scale) {
        return map.renderImage(size, scale);
    };
    map.setSubsetFilter(SubsetFilter::Train);
    writeBoth(mapRender, mapImage, kHeadlessMapSize, outDir, QStringLiteral("embedding_train"));
    map.setSubsetFilter(SubsetFilter::Validation);
    writeBoth(mapRender, mapImage, kHeadlessMapSize, outDir,
              QStringLiteral("embedding_validation"));

    if (!session.scored()) // no loss to plot
        return;
    LossDistanceChart chart(&session);
    chart.resize(kHeadlessChartSize);
    writeBoth([&chart](QPainter* p, const QRectF& target) { chart.render(p, target); }, {},
              kHeadlessChartSize, outDir, QStringLiteral("loss_vs_distance"));
}

void writeComparisonMap(const store::RunData& runB, const compare::RunComparison& comparison,
                        const QString& runBName, const QString& path)
{
    std::shared_ptr<const store::RunData> borrowed(std::shared_ptr<void>(), &runB);
    ExplorerSession session;
    session.setRun(borrowed, nullptr);
    if (static_cast<int>(comparison.samples.size()) != session.sampleCount())
        throw std::runtime_error("the comparison does not describe run B's samples");
    ComparisonColoring coloring = comparisonColoring(comparison, runBName);
    PopulationMap map(&session);
    map.resize(kHeadlessMapSize);
    map.setCustomColoring(QObject::tr("change from A to B"), std::move(coloring.colours),
                          coloring.legend, std::move(coloring.entries));
    QString error;
    if (!exportView([&map](QPainter* p, const QRectF& target) { map.render(p, target); },
                    QSizeF(kHeadlessMapSize), path, kHeadlessPngScale, &error,
                    [&map](QSize size, qreal scale) { return map.renderImage(size, scale); }))
        throw std::runtime_error(error.toStdString());
}

} // namespace mnistx::ui
