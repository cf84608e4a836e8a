#include "../common/clustered_run.h"
#include "core/compare/run_comparison.h"
#include "ui/export/headless_plots.h"
#include "ui/map/comparison_coloring.h"

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <limits>

using namespace mnistx;

// compare_map.png: run B's map coloured by what changed from run A.
class TestCompareMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changesHaveTheirColours();
    void mismatchedComparisonIsRefused();
    void lossChangeIsBinned();
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

void TestCompareMap::lossChangeIsBinned()
{
    compare::RunComparison c;
    const float changes[] = {-2.0f, -0.5f,  0.0f,
                             0.05f, -0.09f, 0.3f,
                             0.9f,  1.5f,   std::numeric_limits<float>::quiet_NaN()};
    for (const float d : changes) {
        compare::SampleChange s;
        s.lossA = 2.0f;
        s.lossB = 2.0f + d;
        c.samples.push_back(s);
    }
    const ui::ComparisonColoring coloring = ui::lossChangeColoring(c);
    // down > 1, down 0.1–1, ±0.1 (0, 0.05, −0.09 and the NaN), up 0.1–1 (0.3, 0.9), up > 1.
    QCOMPARE(coloring.entries, (std::vector<int>{0, 1, 2, 2, 2, 3, 3, 4, 2}));
    QCOMPARE(coloring.legend.size(), 5);
    const qint64 counts[] = {1, 1, 4, 2, 1};
    for (int e = 0; e < 5; ++e)
        QCOMPARE(coloring.legend[e].count, counts[e]);
    QCOMPARE(coloring.colours[7], coloring.legend[4].color.rgb());
    QVERIFY(coloring.legend[0].color != coloring.legend[4].color);
}

QTEST_MAIN(TestCompareMap)
#include "tst_compare_map.moc"
