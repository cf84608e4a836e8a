#include "../common/clustered_run.h"
#include "core/compare/run_comparison.h"
#include "ui/export/headless_plots.h"
#include "ui/map/comparison_coloring.h"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

using namespace mnistx;

// compare_map.png: run B's map coloured by what changed from run A.
class TestCompareMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changesHaveTheirColours();
    void mismatchedComparisonIsRefused();
};

namespace
{

// How many pixels of the image are (nearly) this colour.
int pixelsOf(const QImage& image, const QColor& colour)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) < 8 && std::abs(c.green() - colour.green()) < 8 &&
                std::abs(c.blue() - colour.blue()) < 8)
                ++n;
        }
    return n;
}

} // namespace

void TestCompareMap::changesHaveTheirColours()
{
    auto b = test::makeClusteredRun({});
    store::RunData a = *b;
    // A is right everywhere B is wrong and wrong on the first 50 samples B
    // gets right: B broke its misclassified samples and fixed 50.
    int fixed = 0;
    for (auto* subset : {&a.train, &a.validation})
        for (int i = 0; i < subset->sampleCount() && fixed < 50; ++i) {
            const auto k = static_cast<std::size_t>(i);
            if (subset->predictions[k] == subset->labels[k]) {
                subset->predictions[k] =
                    static_cast<data::ClassLabel>((subset->labels[k] + 1) % subset->classCount);
                ++fixed;
            } else {
                subset->predictions[k] = subset->labels[k];
            }
        }
    for (auto* subset : {&a.train, &a.validation})
        for (int i = 0; i < subset->sampleCount(); ++i) {
            const auto k = static_cast<std::size_t>(i);
            const auto& other = subset == &a.train ? b->train : b->validation;
            if (other.predictions[k] != other.labels[k])
                subset->predictions[k] = subset->labels[k];
        }
    const compare::RunComparison c = compare::compareRuns(a, *b);
    QCOMPARE(c.overall.fixed, 50LL);
    QVERIFY(c.overall.broken > 0);
    QCOMPARE(c.overall.bothWrong, 0LL);

    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("compare_map.png"));
    ui::writeComparisonMap(*b, c, QStringLiteral("b"), path);
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), ui::kHeadlessMapSize * ui::kHeadlessPngScale);
    const int fixedPixels = pixelsOf(image, ui::changeColor(compare::Change::Fixed));
    const int brokenPixels = pixelsOf(image, ui::changeColor(compare::Change::Broken));
    const int rightPixels = pixelsOf(image, ui::changeColor(compare::Change::BothRight));
    qInfo("pixels: fixed %d, broken %d, right in both %d", fixedPixels, brokenPixels, rightPixels);
    QVERIFY(fixedPixels > 100);
    QVERIFY(brokenPixels > 100);
    QVERIFY(rightPixels > 100);
}

void TestCompareMap::mismatchedComparisonIsRefused()
{
    auto b = test::makeClusteredRun({});
    compare::RunComparison empty;
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("compare_map.png"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             ui::writeComparisonMap(*b, empty, QStringLiteral("b"), path));
    QVERIFY(!QFileInfo::exists(path));
}

QTEST_MAIN(TestCompareMap)
#include "tst_compare_map.moc"
