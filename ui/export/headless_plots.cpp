#include "ui/export/headless_plots.h"

#include "ui/charts/loss_distance_chart.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
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

    LossDistanceChart chart(&session);
    chart.resize(kHeadlessChartSize);
    writeBoth([&chart](QPainter* p, const QRectF& target) { chart.render(p, target); }, {},
              kHeadlessChartSize, outDir, QStringLiteral("loss_vs_distance"));
}

QColor changeColor(compare::Change change)
{
    switch (change) {
    case compare::Change::Fixed:
        return QColor(0x2e, 0x7d, 0x32);
    case compare::Change::Broken:
        return QColor(0xd3, 0x2f, 0x2f);
    case compare::Change::BothWrong:
        return QColor(0xf5, 0xa6, 0x23);
    case compare::Change::BothRight:
        return QColor(0xc5, 0xcb, 0xd3);
    }
    return Qt::black;
}

void writeComparisonMap(const store::RunData& runB, const compare::RunComparison& comparison,
                        const QString& path)
{
    std::shared_ptr<const store::RunData> borrowed(std::shared_ptr<void>(), &runB);
    ExplorerSession session;
    session.setRun(borrowed, nullptr);
    if (static_cast<int>(comparison.samples.size()) != session.sampleCount())
        throw std::runtime_error("the comparison does not describe run B's samples");
    const compare::Change order[] = {compare::Change::Fixed, compare::Change::Broken,
                                     compare::Change::BothWrong, compare::Change::BothRight};
    const long long counts[] = {comparison.overall.fixed, comparison.overall.broken,
                                comparison.overall.bothWrong, comparison.overall.bothRight};
    const QString names[] = {QObject::tr("fixed by B"), QObject::tr("broken by B"),
                             QObject::tr("wrong in both"), QObject::tr("right in both")};
    QVector<MapLegendEntry> legend;
    for (int e = 0; e < 4; ++e)
        legend.push_back({names[e], changeColor(order[e]), counts[e]});
    std::vector<QRgb> colours;
    std::vector<int> entries;
    colours.reserve(comparison.samples.size());
    entries.reserve(comparison.samples.size());
    for (const compare::SampleChange& s : comparison.samples) {
        const int entry = static_cast<int>(std::find(std::begin(order), std::end(order), s.change) -
                                           std::begin(order));
        colours.push_back(changeColor(s.change).rgb());
        entries.push_back(entry);
    }
    PopulationMap map(&session);
    map.resize(kHeadlessMapSize);
    map.setCustomColoring(QObject::tr("change from A to B"), std::move(colours), legend,
                          std::move(entries));
    QString error;
    if (!exportView([&map](QPainter* p, const QRectF& target) { map.render(p, target); },
                    QSizeF(kHeadlessMapSize), path, kHeadlessPngScale, &error,
                    [&map](QSize size, qreal scale) { return map.renderImage(size, scale); }))
        throw std::runtime_error(error.toStdString());
}

} // namespace mnistx::ui
