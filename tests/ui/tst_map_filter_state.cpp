#include "ui/explorer_session.h"
#include "ui/map/map_filter_state.h"
#include "ui/map/map_style.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

using namespace mnistx;
using ui::MapFilterState;
using ColorBy = MapFilterState::ColorBy;

namespace
{

// Eight samples of three classes, ids 0-4 training, 5-7 validation:
//   id     0    1    2    3    4    5    6    7
//   GT     0    1    2    0    1    2    0    1
//   pred   0    1    2    2    1    0    0    2     (3, 5, 7 wrong)
//   loss  .1   .3   .2  2.0   NaN 1.0  .05  3.0
MapFilterState::Samples eightSamples()
{
    MapFilterState::Samples s;
    s.labels = {0, 1, 2, 0, 1, 2, 0, 1};
    s.predictions = {0, 1, 2, 2, 1, 0, 0, 2};
    s.inTraining = {true, true, true, true, true, false, false, false};
    s.losses = {0.1f, 0.3f, 0.2f, 2.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f, 0.05f, 3.0f};
    s.classCount = 3;
    return s;
}

std::vector<int> shownIds(const MapFilterState& state)
{
    std::vector<int> ids;
    for (int id = 0; id < state.sampleCount(); ++id)
        if (state.isSampleShown(id))
            ids.push_back(id);
    return ids;
}

QVector<qint64> counts(const MapFilterState& state)
{
    QVector<qint64> c;
    for (const auto& e : state.legendEntries())
        c.append(e.count);
    return c;
}

} // namespace

class TestMapFilterState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drawOrderIsTheComparisonSortsOrder();
    void classNamesNameTheLegendAndThePair();
    void coloredClassesGreyTheRest();
    void paletteKeepsTwentyClassesApart();
    void noRunShowsNothing();
    void mismatchedSamplesCountAsNoRun();
    void drawOrderPutsErrorsOnTopByLoss();
    void groundTruthColouringCountsAndColours();
    void predictionAndOutcomeAndSubsetColourings();
    void misclassifiedOnlyHidesTheCorrect();
    void pairFilterMatchesGroundTruthAndPrediction();
    void queryFilterShowsItsMatches();
    void subsetFilterHidesTheOtherSubset();
    void hiddenEntryHidesItsSamplesButKeepsItsCount();
    void isolateTwiceShowsAll();
    void switchingColouringShowsAllEntries();
    void clearFiltersLiftsEverything();
    void customColouring();
    void customColouringWithoutEntriesKeepsCallerCounts();
    void newRunDropsCustomColouring();
    void revealClearsOnlyWhatHidesTheSamples();
    void summaryNamesTheFilters();
};

void TestMapFilterState::noRunShowsNothing()
{
    MapFilterState state;
    QVERIFY(!state.setSamples({}));
    QCOMPARE(state.sampleCount(), 0);
    QCOMPARE(state.shownCount(), 0);
    QVERIFY(state.drawOrder().empty());
    QVERIFY(!state.isSampleShown(0));
    QVERIFY(!state.isSampleShown(-1));
    QCOMPARE(state.summary(), QString());
    QVERIFY(!state.setCustomColoring(QStringLiteral("x"), {}, {}));
    QVERIFY(!state.setColorBy(ColorBy::Custom)); // nothing to show
    QCOMPARE(state.colorBy(), ColorBy::GroundTruth);
    QCOMPARE(state.legendEntries().size(), 0); // no classes without samples
    QVERIFY(state.revealSamples({0, 1, 2}).isEmpty());
}

void TestMapFilterState::mismatchedSamplesCountAsNoRun()
{
    MapFilterState state;
    auto samples = eightSamples();
    samples.losses.pop_back();
    state.setSamples(samples);
    QCOMPARE(state.sampleCount(), 0);
    QCOMPARE(state.shownCount(), 0);
}

void TestMapFilterState::drawOrderPutsErrorsOnTopByLoss()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    // Correct by ascending loss (NaN last), then wrong by ascending loss.
    const std::vector<int> expected{6, 0, 2, 1, 4, 5, 3, 7};
    QCOMPARE(state.drawOrder(), expected);
    QCOMPARE(state.shownOrder(), expected);
    QCOMPARE(state.shownCount(), 8);
}

void TestMapFilterState::groundTruthColouringCountsAndColours()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QCOMPARE(state.colorBy(), ColorBy::GroundTruth);
    QCOMPARE(state.colorByName(), QStringLiteral("ground-truth class"));
    QCOMPARE(state.legendTitle(), QStringLiteral("Ground truth"));
    QCOMPARE(state.legendEntries().size(), 3);
    QCOMPARE(state.legendEntries()[2].name, QStringLiteral("2"));
    QCOMPARE(counts(state), (QVector<qint64>{3, 3, 2}));
    for (int id = 0; id < 8; ++id)
        QCOMPARE(state.colorOf(id),
                 ui::classColor(eightSamples().labels[static_cast<size_t>(id)]).rgb());
}

void TestMapFilterState::predictionAndOutcomeAndSubsetColourings()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(state.setColorBy(ColorBy::Prediction));
    QVERIFY(!state.setColorBy(ColorBy::Prediction)); // no change
    QCOMPARE(counts(state), (QVector<qint64>{3, 2, 3}));
    QCOMPARE(state.colorOf(3), ui::classColor(2).rgb()); // GT 0 predicted 2

    QVERIFY(state.setColorBy(ColorBy::Correctness));
    QCOMPARE(counts(state), (QVector<qint64>{5, 3}));
    QCOMPARE(state.colorOf(0), ui::mapstyle::correctColor());
    QCOMPARE(state.colorOf(7), ui::mapstyle::wrongColor());

    QVERIFY(state.setColorBy(ColorBy::Subset));
    QCOMPARE(state.colorByName(), QStringLiteral("subset"));
    QCOMPARE(counts(state), (QVector<qint64>{5, 3}));
    QCOMPARE(state.colorOf(4), ui::mapstyle::trainColor());
    QCOMPARE(state.colorOf(5), ui::mapstyle::validationColor());
}

void TestMapFilterState::misclassifiedOnlyHidesTheCorrect()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(!state.hasFilters());
    QVERIFY(state.setMisclassifiedOnly(true));
    QVERIFY(!state.setMisclassifiedOnly(true));
    QVERIFY(state.hasFilters());
    QCOMPARE(shownIds(state), (std::vector<int>{3, 5, 7}));
    QCOMPARE(state.shownOrder(), (std::vector<int>{5, 3, 7})); // still by loss
    // The legend counts what the filter leaves.
    QCOMPARE(counts(state), (QVector<qint64>{1, 1, 1}));
}

void TestMapFilterState::pairFilterMatchesGroundTruthAndPrediction()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(state.setPairFilter(0, 2));
    QCOMPARE(shownIds(state), (std::vector<int>{3}));
    QCOMPARE(state.pairFilterText(), QStringLiteral("GT 0 → predicted 2"));
    // -1: any; lower values mean the same.
    QVERIFY(state.setPairFilter(-5, 2));
    QCOMPARE(state.pairFilterGroundTruth(), -1);
    QCOMPARE(shownIds(state), (std::vector<int>{2, 3, 7}));
    QCOMPARE(state.pairFilterText(), QStringLiteral("GT any → predicted 2"));
    QVERIFY(!state.setPairFilter(-1, 2));
    QVERIFY(state.setPairFilter(-1, -1));
    QVERIFY(!state.hasFilters());
    QCOMPARE(state.shownCount(), 8);
    // A pair no sample has leaves nothing.
    QVERIFY(state.setPairFilter(2, 1));
    QCOMPARE(state.shownCount(), 0);
}

void TestMapFilterState::queryFilterShowsItsMatches()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    auto flags = [](std::vector<std::uint8_t> f) {
        return std::make_shared<const std::vector<std::uint8_t>>(std::move(f));
    };
    // Flags of another length than the run: refused, nothing changes.
    QVERIFY(!state.setQueryFilter("loss > 1", flags({1, 0, 1})));
    QVERIFY(!state.hasFilters());
    QVERIFY(state.setQueryFilter("loss > 1", flags({0, 0, 0, 1, 0, 0, 0, 1})));
    QCOMPARE(shownIds(state), (std::vector<int>{3, 7}));
    QCOMPARE(state.queryText(), QStringLiteral("loss > 1"));
    QVERIFY(state.hasFilters());
    QVERIFY(state.summary().contains(QStringLiteral("2 of 8 samples shown")));
    QVERIFY(state.summary().contains(QStringLiteral("query: loss > 1")));
    // Filters combine; legend counts follow what the other filters leave.
    QVERIFY(state.setSubsetFilter(ui::SubsetFilter::Validation));
    QCOMPARE(shownIds(state), (std::vector<int>{7}));
    QCOMPARE(counts(state), (QVector<qint64>{0, 1, 0}));
    // A sample the query hides, revealed: the query goes, named.
    state.setSubsetFilter(ui::SubsetFilter::Both);
    QVERIFY(state.revealSamples({3}).isEmpty()); // it matches
    QCOMPARE(state.revealSamples({6}), QStringList{QStringLiteral("the query “loss > 1”")});
    QVERIFY(state.queryText().isEmpty());
    QCOMPARE(state.shownCount(), 8);
    // Clear Filters lifts it; so does a new run (it was checked on the old one).
    QVERIFY(state.setQueryFilter("correct", flags({1, 1, 1, 0, 1, 0, 1, 0})));
    QVERIFY(state.clearFilters());
    QVERIFY(!state.queryMatches());
    QVERIFY(state.setQueryFilter("correct", flags({1, 1, 1, 0, 1, 0, 1, 0})));
    state.setSamples(eightSamples());
    QVERIFY(state.queryText().isEmpty());
    QCOMPARE(state.shownCount(), 8);
    // An empty text lifts it.
    QVERIFY(state.setQueryFilter("correct", flags({1, 1, 1, 0, 1, 0, 1, 0})));
    QVERIFY(state.setQueryFilter(QString(), nullptr));
    QVERIFY(!state.setQueryFilter(QString(), nullptr));
    QCOMPARE(state.shownCount(), 8);
}

void TestMapFilterState::subsetFilterHidesTheOtherSubset()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(state.setSubsetFilter(ui::SubsetFilter::Validation));
    QCOMPARE(shownIds(state), (std::vector<int>{5, 6, 7}));
    QVERIFY(state.setSubsetFilter(ui::SubsetFilter::Train));
    QCOMPARE(shownIds(state), (std::vector<int>{0, 1, 2, 3, 4}));
    QVERIFY(!state.setSubsetFilter(ui::SubsetFilter::Train));
    // Filters combine.
    QVERIFY(state.setMisclassifiedOnly(true));
    QCOMPARE(shownIds(state), (std::vector<int>{3}));
}

void TestMapFilterState::hiddenEntryHidesItsSamplesButKeepsItsCount()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(state.setEntryHidden(1, true));
    QVERIFY(!state.setEntryHidden(1, true));
    QVERIFY(!state.setEntryHidden(3, true)); // out of range
    QVERIFY(!state.setEntryHidden(-1, true));
    QVERIFY(state.isEntryHidden(1));
    QVERIFY(!state.isEntryHidden(7));
    QVERIFY(state.hasFilters());
    QCOMPARE(shownIds(state), (std::vector<int>{0, 2, 3, 5, 6}));
    // A hidden class still says how many dots it would bring back.
    QCOMPARE(counts(state), (QVector<qint64>{3, 3, 2}));
    QCOMPARE(state.hiddenEntries(), (std::vector<bool>{false, true, false}));
}

void TestMapFilterState::isolateTwiceShowsAll()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(state.isolateEntry(2));
    QCOMPARE(shownIds(state), (std::vector<int>{2, 5}));
    QCOMPARE(state.hiddenEntries(), (std::vector<bool>{true, true, false}));
    // Hiding and showing the isolated entry again (a double-click's first
    // click) keeps the isolation in mind.
    QVERIFY(state.setEntryHidden(2, true));
    QVERIFY(state.setEntryHidden(2, false));
    QVERIFY(state.isolateEntry(2));
    QCOMPARE(state.shownCount(), 8);
    QVERIFY(!state.hasFilters());
    QVERIFY(!state.isolateEntry(3));
}

void TestMapFilterState::switchingColouringShowsAllEntries()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    state.setEntryHidden(0, true);
    state.setMisclassifiedOnly(true);
    QVERIFY(state.setColorBy(ColorBy::Correctness));
    QCOMPARE(state.hiddenEntries(), (std::vector<bool>{false, false}));
    QVERIFY(state.misclassifiedOnly()); // filters stay
    QCOMPARE(shownIds(state), (std::vector<int>{3, 5, 7}));
}

void TestMapFilterState::clearFiltersLiftsEverything()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QVERIFY(!state.clearFilters());
    state.setSubsetFilter(ui::SubsetFilter::Train);
    state.setMisclassifiedOnly(true);
    state.setPairFilter(0, -1);
    state.setEntryHidden(2, true);
    QCOMPARE(shownIds(state), (std::vector<int>{3}));
    QVERIFY(state.clearFilters());
    QVERIFY(!state.hasFilters());
    QCOMPARE(state.subsetFilter(), ui::SubsetFilter::Both);
    QCOMPARE(state.pairFilterPrediction(), -1);
    QCOMPARE(state.shownCount(), 8);
}

void TestMapFilterState::customColouring()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    std::vector<QRgb> colours(8, qRgba(10, 20, 30, 0)); // alpha is ignored: dots are opaque
    const QVector<ui::MapLegendEntry> legend{{QStringLiteral("low"), Qt::blue, 99},
                                             {QStringLiteral("high"), Qt::red, 99}};
    // Wrong lengths change nothing.
    QVERIFY(!state.setCustomColoring(QStringLiteral("width"), std::vector<QRgb>(7), legend));
    QVERIFY(
        !state.setCustomColoring(QStringLiteral("width"), colours, legend, std::vector<int>(3)));
    QCOMPARE(state.colorBy(), ColorBy::GroundTruth);

    QVERIFY(state.setCustomColoring(QStringLiteral("width"), colours, legend,
                                    {0, 0, 1, 1, -1, 5, 0, 1}));
    QCOMPARE(state.colorBy(), ColorBy::Custom);
    QCOMPARE(state.colorByName(), QStringLiteral("width"));
    QCOMPARE(state.legendTitle(), QStringLiteral("width"));
    QCOMPARE(state.colorOf(0), qRgba(10, 20, 30, 255));
    // Counted from the per-sample entries (5 is out of range: no entry).
    QCOMPARE(counts(state), (QVector<qint64>{3, 3}));
    // Hiding an entry hides its samples; samples without one stay.
    QVERIFY(state.setEntryHidden(1, true));
    QCOMPARE(shownIds(state), (std::vector<int>{0, 1, 4, 5, 6}));
    // Back and forth between colourings keeps the custom one available.
    QVERIFY(state.setColorBy(ColorBy::GroundTruth));
    QVERIFY(state.setColorBy(ColorBy::Custom));
    QCOMPARE(state.colorByName(), QStringLiteral("width"));
}

void TestMapFilterState::customColouringWithoutEntriesKeepsCallerCounts()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    const QVector<ui::MapLegendEntry> legend{{QStringLiteral("0"), Qt::white, 42},
                                             {QStringLiteral("1"), Qt::black, -1}};
    QVERIFY(state.setCustomColoring(QStringLiteral("brightness"), std::vector<QRgb>(8), legend));
    QCOMPARE(counts(state), (QVector<qint64>{42, -1}));
    QVERIFY(state.setEntryHidden(0, true)); // hides no sample: none has an entry
    QCOMPARE(state.shownCount(), 8);
}

void TestMapFilterState::newRunDropsCustomColouring()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    state.setMisclassifiedOnly(true);
    state.setCustomColoring(QStringLiteral("width"), std::vector<QRgb>(8), {});
    QVERIFY(state.setSamples(eightSamples())); // the colouring went back
    QCOMPARE(state.colorBy(), ColorBy::GroundTruth);
    QVERIFY(!state.setColorBy(ColorBy::Custom));
    QVERIFY(state.misclassifiedOnly()); // filters stay across runs
    QVERIFY(!state.setSamples(eightSamples()));
}

void TestMapFilterState::revealClearsOnlyWhatHidesTheSamples()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    state.setSubsetFilter(ui::SubsetFilter::Train);
    state.setMisclassifiedOnly(true);
    state.setEntryHidden(0, true);
    // Sample 3 (train, wrong, class 0): only its hidden class hides it.
    QCOMPARE(state.revealSamples({3, 99, -1}),
             QStringList{QStringLiteral("hidden legend entries")});
    QVERIFY(state.isSampleShown(3));
    QCOMPARE(state.subsetFilter(), ui::SubsetFilter::Train);
    QVERIFY(state.misclassifiedOnly());
    // Nothing hides it any more.
    QVERIFY(state.revealSamples({3}).isEmpty());
    // Sample 6 (validation, correct).
    QCOMPARE(state.revealSamples({6}), (QStringList{QStringLiteral("training set only"),
                                                    QStringLiteral("misclassified only")}));
    QVERIFY(state.isSampleShown(6));
    QVERIFY(!state.hasFilters());
    // A pair filter that leaves the sample out.
    state.setPairFilter(1, 2);
    QCOMPARE(state.revealSamples({0}), QStringList{QStringLiteral("GT 1 → predicted 2")});
    QCOMPARE(state.pairFilterGroundTruth(), -1);
}

void TestMapFilterState::summaryNamesTheFilters()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    QCOMPARE(state.summary(), QStringLiteral("8 of 8 samples shown"));
    state.setSubsetFilter(ui::SubsetFilter::Validation);
    state.setMisclassifiedOnly(true);
    state.setEntryHidden(0, true);
    QCOMPARE(state.summary(), QStringLiteral("2 of 8 samples shown · validation set · "
                                             "misclassified only · 1 of 3 legend entries hidden"));
    QCOMPARE(MapFilterState::samplesText(1), QStringLiteral("1 sample"));
    QCOMPARE(MapFilterState::samplesText(70000), QStringLiteral("70,000 samples"));
}

// The radix-sorted draw order is the order a comparison sort gives: wrong
// after right, ascending loss, NaN and infinity as the largest, negative
// losses below zero, ties by ascending id.
void TestMapFilterState::drawOrderIsTheComparisonSortsOrder()
{
    std::mt19937 rng(5);
    const int n = 50000;
    std::vector<int> labels(n), predictions(n);
    std::vector<float> losses(n);
    std::uniform_int_distribution<int> cls(0, 9), kind(0, 19);
    std::uniform_real_distribution<float> value(-3.0f, 8.0f);
    for (int i = 0; i < n; ++i) {
        labels[i] = cls(rng);
        predictions[i] = kind(rng) == 0 ? cls(rng) : labels[i];
        switch (kind(rng)) {
        case 0:
            losses[i] = std::numeric_limits<float>::quiet_NaN();
            break;
        case 1:
            losses[i] = std::numeric_limits<float>::infinity();
            break;
        case 2:
            losses[i] = 0.0f;
            break;
        case 3:
            losses[i] = -0.0f;
            break;
        case 4:
            losses[i] = 1.5f;
            break; // ties
        default:
            losses[i] = value(rng);
        }
    }
    std::vector<int> expected(n);
    std::iota(expected.begin(), expected.end(), 0);
    const auto key = [&](int id) {
        return std::isfinite(losses[id]) ? losses[id] : std::numeric_limits<float>::max();
    };
    std::sort(expected.begin(), expected.end(), [&](int a, int b) {
        const bool wa = labels[a] != predictions[a], wb = labels[b] != predictions[b];
        if (wa != wb)
            return wb;
        // -0 and +0 compare equal as floats; the bits put -0 first, which is
        // the same order for the picture (both are drawn under 1e-45).
        const float ka = key(a), kb = key(b);
        if (ka != kb)
            return ka < kb;
        const bool na = std::signbit(ka), nb = std::signbit(kb);
        return na != nb ? na : a < b;
    });
    const std::vector<int> order = ui::MapFilterState::drawOrderOf(labels, predictions, losses);
    QCOMPARE(order.size(), expected.size());
    QVERIFY(order == expected);
}

void TestMapFilterState::classNamesNameTheLegendAndThePair()
{
    MapFilterState state;
    MapFilterState::Samples s = eightSamples();
    s.classNames = {QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("Ankle boot")};
    state.setSamples(s);
    QCOMPARE(state.legendEntries().size(), 3);
    QCOMPARE(state.legendEntries()[2].name, QStringLiteral("Ankle boot"));
    state.setPairFilter(0, 2);
    QCOMPARE(state.pairFilterText(), QStringLiteral("GT cat → predicted Ankle boot"));
    // Without names: the numbers.
    MapFilterState plain;
    plain.setSamples(eightSamples());
    QCOMPARE(plain.legendEntries()[2].name, QStringLiteral("2"));
}

void TestMapFilterState::coloredClassesGreyTheRest()
{
    MapFilterState state;
    state.setSamples(eightSamples());
    // Class 2 chosen first: it gets the first colour, class 0 the second.
    QVERIFY(state.setColoredClasses({2, 0, 2, 7, -1})); // repeats and strangers dropped
    QCOMPARE(state.coloredClasses(), (std::vector<int>{2, 0}));
    QCOMPARE(state.legendEntries().size(), 3);
    QCOMPARE(state.legendEntries()[0].name, QStringLiteral("2"));
    QCOMPARE(state.legendEntries()[2].name, QStringLiteral("other classes"));
    QCOMPARE(counts(state), (QVector<qint64>{2, 3, 3}));
    QCOMPARE(state.colorOf(2), ui::classColor(0).rgb()); // GT 2
    QCOMPARE(state.colorOf(0), ui::classColor(1).rgb()); // GT 0
    QCOMPARE(state.colorOf(1), ui::mapstyle::otherClassesColor());
    // Hiding "other classes" hides class 1's samples.
    QVERIFY(state.setEntryHidden(2, true));
    QCOMPARE(shownIds(state), (std::vector<int>{0, 2, 3, 5, 6}));
    // The prediction colouring uses the same choice.
    QVERIFY(state.setColorBy(ColorBy::Prediction));
    QCOMPARE(state.colorOf(3), ui::classColor(0).rgb());           // predicted 2
    QCOMPARE(state.colorOf(4), ui::mapstyle::otherClassesColor()); // predicted 1
    // Every class chosen is the plain colouring; a new run forgets the choice.
    QVERIFY(state.setColoredClasses({1, 2, 0}));
    QVERIFY(state.coloredClasses().empty());
    QVERIFY(!state.setColoredClasses({}));
    state.setColoredClasses({1});
    state.setSamples(eightSamples());
    QVERIFY(state.coloredClasses().empty());
    QCOMPARE(state.legendEntries().size(), 3);
}

void TestMapFilterState::paletteKeepsTwentyClassesApart()
{
    // The first 20 class colours are all different, and far apart in RGB;
    // past them every class still gets a colour, neighbours differing.
    for (int a = 0; a < 20; ++a)
        for (int b = a + 1; b < 20; ++b) {
            const QColor x = ui::classColor(a), y = ui::classColor(b);
            const int distance = std::abs(x.red() - y.red()) + std::abs(x.green() - y.green()) +
                                 std::abs(x.blue() - y.blue());
            QVERIFY2(distance >= 55, qPrintable(QStringLiteral("%1 %2").arg(a).arg(b)));
        }
    for (int c = 20; c < 1000; ++c) {
        QVERIFY(ui::classColor(c).isValid());
        QVERIFY(ui::classColor(c) != ui::classColor(c + 1));
    }
}

QTEST_GUILESS_MAIN(TestMapFilterState)
#include "tst_map_filter_state.moc"
