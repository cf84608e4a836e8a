#include "../common/clustered_run.h"
#include "ui/explorer_session.h"
#include "ui/map/map_style.h"
#include "ui/map/population_map.h"

#include <QBuffer>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSvgGenerator>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QToolTip>
#include <QtTest>
#include <cmath>
#include <memory>
#include <random>
#include <tuple>

using namespace mnistx;
using ui::PopulationMap;

class TestPopulationMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void clickSelectsSample();
    void legendClickHidesAndShowsClass();
    void legendDoubleClickIsolates();
    void lassoSelectsExactlyTheShownDotsInside();
    void rubberBandSelectsExactlyTheShownDotsInside();
    void misclassifiedOnlyLeavesOnlyWrongPickable();
    void pairAndSubsetFilters();
    void wheelZoomKeepsPointUnderCursor();
    void homeKeyResetsView();
    void resetViewLeavesFarOutliersAside();
    void hoverPicksTheDotOnTop();
    void clickOnLargeErrorOverClusterInspectsIt();
    void largeMapRendersOffTheGuiThread();
    void currentMarkerIsPickedFirst();
    void tooltipShowsThumbnailAndFigures();
    void coloringsHaveLegendsWithCounts();
    void customColoring();
    void centerOnZoomsAndMarks();
    void liveLayoutIsThrottledAndKeepsUserView();
    void exportsRasterAndVector();
    void newRunSignalsAndLegendFollowTheFilterState();
    void longLegendScrollsUnderTheWheel();
    void preparedFactsAreAdoptedOnlyForTheirRun();

private:
    // What pickAt must return, from the documented rule, by brute force: of
    // the shown dots whose drawn disc (radius + 0.5 px anti-aliased rim)
    // contains p, the one drawn last (errors after correct dots, each by
    // ascending loss, ties by id); else the one whose edge is nearest within
    // the pick slack; else -1.
    int expectedPick(const PopulationMap& map, const ui::ExplorerSession& session,
                     const QPointF& p) const;
    // A shown dot with no other shown dot's disc within `clearance` px of its
    // centre (so pixels and clicks at it are unambiguous); -1 if none.
    int isolatedDot(double clearance, int label = -1) const;
    double radiusOf(int id) const
    {
        return ui::mapstyle::radiusOfBucket(ui::mapstyle::sizeBucketForLoss(m_session->loss(id)));
    }
    QVector<int> shownIds() const
    {
        QVector<int> ids;
        for (int id = 0; id < m_session->sampleCount(); ++id)
            if (m_map->isSampleShown(id))
                ids.append(id);
        return ids;
    }
    static QRgb pixelAt(const QImage& image, const QPointF& logical)
    {
        const QPoint p = (logical * image.devicePixelRatio()).toPoint();
        return image.pixel(p);
    }
    // Darkest grey level in the 3×3 pixels around a point (anti-aliased lines).
    static int darkest(const QImage& image, const QPointF& logical)
    {
        const QPoint p = (logical * image.devicePixelRatio()).toPoint();
        int dark = 255;
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx)
                dark = std::min(dark, qGray(image.pixel(p + QPoint(dx, dy))));
        return dark;
    }
    static bool isWhite(QRgb c) { return qRed(c) > 250 && qGreen(c) > 250 && qBlue(c) > 250; }
    // A class colour drawn at the dot opacity over white, within tolerance.
    static bool looksLike(QRgb pixel, QColor color)
    {
        const double a = ui::mapstyle::kDotAlpha;
        auto expect = [a](int c) { return a * c + (1 - a) * 255; };
        return std::abs(qRed(pixel) - expect(color.red())) < 12 &&
               std::abs(qGreen(pixel) - expect(color.green())) < 12 &&
               std::abs(qBlue(pixel) - expect(color.blue())) < 12;
    }

    test::ClusteredRunOptions m_options;
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<PopulationMap> m_map;
};

void TestPopulationMap::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    auto run = test::makeClusteredRun(m_options);
    m_session->setRun(run, test::makeSyntheticImages(*run));
    m_map = std::make_unique<PopulationMap>(m_session.get());
    m_map->resize(900, 700);
    m_map->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_map.get()));
}

void TestPopulationMap::cleanup()
{
    m_map.reset();
    m_session.reset();
}

int TestPopulationMap::isolatedDot(double clearance, int label) const
{
    const QRectF plot = m_map->view().plotRect;
    for (int id = 0; id < m_session->sampleCount(); ++id) {
        if (!m_map->isSampleShown(id) || (label >= 0 && m_session->label(id) != label))
            continue;
        const QPointF p = m_map->mapToScreen(id);
        if (!plot.adjusted(20, 20, -20, -20).contains(p))
            continue;
        bool alone = true;
        for (int other = 0; other < m_session->sampleCount() && alone; ++other) {
            if (other == id || !m_map->isSampleShown(other))
                continue;
            const QPointF d = m_map->mapToScreen(other) - p;
            alone = std::hypot(d.x(), d.y()) > clearance + radiusOf(other);
        }
        if (alone)
            return id;
    }
    return -1;
}

int TestPopulationMap::expectedPick(const PopulationMap& map, const ui::ExplorerSession& session,
                                    const QPointF& p) const
{
    auto drawnAfter = [&](int a, int b) { // a is drawn after (on top of) b
        const bool wa = !session.correct(a), wb = !session.correct(b);
        if (wa != wb)
            return wa;
        const float la = session.loss(a), lb = session.loss(b);
        return la != lb ? la > lb : a > b;
    };
    int top = -1, nearest = -1;
    double nearestGap = ui::mapstyle::kPickSlack;
    for (int id = 0; id < session.sampleCount(); ++id) {
        if (!map.isSampleShown(id))
            continue;
        const QPointF d = map.mapToScreen(id) - p;
        const double r =
            ui::mapstyle::radiusOfBucket(ui::mapstyle::sizeBucketForLoss(session.loss(id))) + 0.5;
        const double gap = std::hypot(d.x(), d.y()) - r;
        if (gap <= 0) {
            if (top < 0 || drawnAfter(id, top))
                top = id;
        } else if (gap < nearestGap) {
            nearestGap = gap;
            nearest = id;
        }
    }
    return top >= 0 ? top : nearest;
}

void TestPopulationMap::clickSelectsSample()
{
    const int id = isolatedDot(6.0);
    QVERIFY2(id >= 0, "the synthetic map should have an isolated dot");
    QCOMPARE(m_session->current(), -1);
    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, m_map->mapToScreen(id).toPoint());
    QCOMPARE(m_session->current(), id);

    // A click on empty space far from any dot changes nothing.
    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, QPoint(12, m_map->height() - 12));
    QCOMPARE(m_session->current(), id);
}

void TestPopulationMap::legendClickHidesAndShowsClass()
{
    const int id = isolatedDot(4.0);
    QVERIFY(id >= 0);
    const int cls = m_session->label(id);
    const QPointF at = m_map->mapToScreen(id);

    QImage before = m_map->renderImage(m_map->size(), 1.0);
    QVERIFY2(looksLike(pixelAt(before, at), ui::classColor(cls)),
             qPrintable(QStringLiteral("pixel %1").arg(pixelAt(before, at), 0, 16)));
    QCOMPARE(m_map->pickAt(at), id);

    const QRectF entry = m_map->legendEntryRect(cls);
    QVERIFY(!entry.isEmpty());
    QVERIFY(m_map->rect().contains(entry.toRect()));
    QSignalSpy filters(m_map.get(), &PopulationMap::filtersChanged);
    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, entry.center().toPoint());
    QVERIFY(m_map->isEntryHidden(cls));
    QCOMPARE(filters.count(), 1);
    for (int other = 0; other < m_session->sampleCount(); ++other)
        QCOMPARE(m_map->isSampleShown(other), m_session->label(other) != cls);
    QVERIFY(isWhite(pixelAt(m_map->renderImage(m_map->size(), 1.0), at)));
    QVERIFY(m_map->pickAt(at) != id);

    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, entry.center().toPoint());
    QVERIFY(!m_map->isEntryHidden(cls));
    QVERIFY(looksLike(pixelAt(m_map->renderImage(m_map->size(), 1.0), at), ui::classColor(cls)));
    QCOMPARE(m_map->pickAt(at), id);
    QCOMPARE(m_map->shownCount(), m_session->sampleCount());
}

void TestPopulationMap::legendDoubleClickIsolates()
{
    const int cls = 4;
    const QPoint at = m_map->legendEntryRect(cls).center().toPoint();
    QTest::mouseDClick(m_map.get(), Qt::LeftButton, {}, at);
    for (int c = 0; c < 10; ++c)
        QCOMPARE(m_map->isEntryHidden(c), c != cls);
    for (int id = 0; id < m_session->sampleCount(); ++id)
        QCOMPARE(m_map->isSampleShown(id), m_session->label(id) == cls);

    QTest::mouseDClick(m_map.get(), Qt::LeftButton, {}, at);
    for (int c = 0; c < 10; ++c)
        QVERIFY(!m_map->isEntryHidden(c));
    QCOMPARE(m_map->shownCount(), m_session->sampleCount());

    // A real double-click starts with a press (which toggles the entry):
    // the end result is the same.
    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(m_map.get(), Qt::LeftButton, {}, at);
    QCOMPARE(m_map->shownCount(), m_session->run().train.perClass[cls].count +
                                      m_session->run().validation.perClass[cls].count);
    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(m_map.get(), Qt::LeftButton, {}, at);
    QCOMPARE(m_map->shownCount(), m_session->sampleCount());
}

void TestPopulationMap::lassoSelectsExactlyTheShownDotsInside()
{
    // Hidden dots must not be selected: hide class 3 first.
    m_map->setEntryHidden(3, true);

    // A concave star around the plot's centre, reaching into several clusters.
    const QPointF c = m_map->view().plotRect.center();
    QVector<QPoint> points;
    for (int k = 0; k < 16; ++k) {
        const double angle = 2 * M_PI * k / 16;
        const double r = (k % 2 == 0) ? 300 : 120;
        points.append((c + QPointF(r * std::cos(angle), r * std::sin(angle) * 0.8)).toPoint());
    }
    QSignalSpy selection(m_session.get(), &ui::ExplorerSession::selectionChanged);
    QTest::mousePress(m_map.get(), Qt::LeftButton, Qt::ControlModifier, points[0]);
    for (int k = 1; k < points.size(); ++k)
        QTest::mouseMove(m_map.get(), points[k]);
    QTest::mouseRelease(m_map.get(), Qt::LeftButton, {}, points.last());
    QCOMPARE(selection.count(), 1);

    QPolygonF polygon;
    for (const QPoint& p : points)
        polygon << QPointF(p);
    QVector<int> expected;
    for (int id = 0; id < m_session->sampleCount(); ++id)
        if (m_map->isSampleShown(id) &&
            polygon.containsPoint(m_map->mapToScreen(id), Qt::OddEvenFill))
            expected.append(id);
    QVERIFY(expected.size() > 10);
    QVERIFY(expected.size() < m_map->shownCount());
    QCOMPARE(m_session->selection(), expected);
    QCOMPARE(m_session->selectionDescription(), QStringLiteral("Lasso on the map"));
    for (int id : m_session->selection())
        QVERIFY(m_session->label(id) != 3);
}

void TestPopulationMap::rubberBandSelectsExactlyTheShownDotsInside()
{
    m_map->setMisclassifiedOnly(false);
    const QRectF plot = m_map->view().plotRect;
    const QPoint from =
        (plot.topLeft() + QPointF(plot.width() * 0.2, plot.height() * 0.15)).toPoint();
    const QPoint to =
        (plot.topLeft() + QPointF(plot.width() * 0.65, plot.height() * 0.7)).toPoint();
    QTest::mousePress(m_map.get(), Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(m_map.get(), (from + to) / 2);
    QTest::mouseMove(m_map.get(), to);
    QTest::mouseRelease(m_map.get(), Qt::LeftButton, {}, to);

    const QRectF band = QRectF(QPointF(from), QPointF(to)).normalized();
    QVector<int> expected;
    for (int id = 0; id < m_session->sampleCount(); ++id)
        if (m_map->isSampleShown(id) && band.contains(m_map->mapToScreen(id)))
            expected.append(id);
    QVERIFY(expected.size() > 10);
    QCOMPARE(m_session->selection(), expected);
    QCOMPARE(m_session->selectionDescription(), QStringLiteral("Rectangle on the map"));
    // Rubber band and lasso are not pans: the view did not move.
    QVERIFY(m_map->isFitted());
}

void TestPopulationMap::misclassifiedOnlyLeavesOnlyWrongPickable()
{
    const int correctId = isolatedDot(6.0);
    QVERIFY(correctId >= 0 && m_session->correct(correctId));
    m_map->setMisclassifiedOnly(true);
    int wrong = 0;
    for (int id = 0; id < m_session->sampleCount(); ++id) {
        QCOMPARE(m_map->isSampleShown(id), !m_session->correct(id));
        if (!m_session->correct(id)) {
            ++wrong;
            QCOMPARE(m_map->pickAt(m_map->mapToScreen(id)), id);
        }
    }
    QVERIFY(wrong > 0);
    QCOMPARE(m_map->shownCount(), wrong);
    const int picked = m_map->pickAt(m_map->mapToScreen(correctId));
    QVERIFY(picked == -1 || !m_session->correct(picked));

    // Lasso over everything selects only the wrong ones.
    const QRectF all = m_map->rect();
    QPolygonF polygon{all.topLeft(), all.topRight(), all.bottomRight(), all.bottomLeft()};
    QCOMPARE(m_map->samplesInPolygon(polygon).size(), wrong);
}

void TestPopulationMap::pairAndSubsetFilters()
{
    m_map->setPairFilter(1, 7);
    int count = 0;
    for (int id = 0; id < m_session->sampleCount(); ++id) {
        const bool pair = m_session->label(id) == 1 && m_session->prediction(id) == 7;
        QCOMPARE(m_map->isSampleShown(id), pair);
        count += pair;
    }
    QVERIFY(count > 0);
    m_map->setPairFilter(-1, 7); // anything predicted 7
    for (int id = 0; id < m_session->sampleCount(); ++id)
        QCOMPARE(m_map->isSampleShown(id), m_session->prediction(id) == 7);
    m_map->clearPairFilter();

    m_map->setSubsetFilter(ui::SubsetFilter::Validation);
    for (int id = 0; id < m_session->sampleCount(); ++id)
        QCOMPARE(m_map->isSampleShown(id), id >= m_session->trainCount());
    m_map->setSubsetFilter(ui::SubsetFilter::Train);
    QCOMPARE(m_map->shownCount(), m_session->trainCount());
    // Legend counts follow the filters.
    qint64 total = 0;
    for (const auto& e : m_map->legendEntries())
        total += e.count;
    QCOMPARE(total, qint64(m_session->trainCount()));
    m_map->setSubsetFilter(ui::SubsetFilter::Both);
    QCOMPARE(m_map->shownCount(), m_session->sampleCount());
}

void TestPopulationMap::wheelZoomKeepsPointUnderCursor()
{
    const QPointF cursor(310.0, 270.0);
    const QPointF before = m_map->screenToMap(cursor);
    const double scale = m_map->view().scale;
    QWheelEvent wheel(cursor, m_map->mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(m_map.get(), &wheel);
    QVERIFY(m_map->view().scale > scale * 1.5);
    QVERIFY(!m_map->isFitted());
    const QPointF after = m_map->screenToMap(cursor);
    QVERIFY(std::abs(after.x() - before.x()) < 1e-9 * (1 + std::abs(before.x())));
    QVERIFY(std::abs(after.y() - before.y()) < 1e-9 * (1 + std::abs(before.y())));

    // Zooming out again about another point keeps that one fixed too.
    const QPointF other(520.0, 410.0);
    const QPointF o = m_map->screenToMap(other);
    QWheelEvent out(other, m_map->mapToGlobal(other), QPoint(), QPoint(0, -120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(m_map.get(), &out);
    QVERIFY(QLineF(m_map->screenToMap(other), o).length() < 1e-9);
}

void TestPopulationMap::homeKeyResetsView()
{
    const auto fitted = m_map->view();
    m_map->zoomBy(3.0, QPointF(200, 200));
    QVERIFY(!m_map->isFitted());
    // Drag to pan: the map point under the press follows the mouse.
    const QPointF grabbed = m_map->screenToMap(QPointF(300, 300));
    QTest::mousePress(m_map.get(), Qt::LeftButton, {}, QPoint(300, 300));
    QTest::mouseMove(m_map.get(), QPoint(340, 320));
    QTest::mouseMove(m_map.get(), QPoint(380, 340));
    QTest::mouseRelease(m_map.get(), Qt::LeftButton, {}, QPoint(380, 340));
    QVERIFY(QLineF(m_map->screenToMap(QPointF(380, 340)), grabbed).length() < 1e-9);
    QCOMPARE(m_session->current(), -1); // a drag is not a click
    QTest::keyClick(m_map.get(), Qt::Key_Home);
    QVERIFY(m_map->isFitted());
    QCOMPARE(m_map->view().scale, fitted.scale);
    QCOMPARE(m_map->view().center, fitted.center);
    m_map->zoomBy(2.0, QPointF(100, 100));
    QTest::keyClick(m_map.get(), Qt::Key_R);
    QVERIFY(m_map->isFitted());
}

void TestPopulationMap::resetViewLeavesFarOutliersAside()
{
    // The synthetic clusters as they are: the fitted view shows every dot.
    const QRectF plot = m_map->view().plotRect;
    auto shownInside = [&] {
        int inside = 0;
        for (int id = 0; id < m_session->sampleCount(); ++id)
            inside += plot.contains(m_map->mapToScreen(id)) ? 1 : 0;
        return inside;
    };
    QCOMPARE(shownInside(), m_session->sampleCount());
    const double clusterScale = m_map->view().scale;

    // One sample moved 50× the map's extent away, as UMAP sometimes strands one.
    auto run = test::makeClusteredRun(m_options);
    const RowMatrixXf& t = run->projection.train;
    const float extent = t.col(0).maxCoeff() - t.col(0).minCoeff();
    run->projection.train(0, 0) = t.col(0).maxCoeff() + 50.0f * extent;
    m_session->setRun(run, test::makeSyntheticImages(*run));
    m_map->resetView();
    // The rest keep (nearly) the scale they had, instead of shrinking to a
    // corner; only the outlier falls outside the view.
    QVERIFY2(m_map->view().scale > 0.7 * clusterScale,
             qPrintable(QStringLiteral("%1 vs %2").arg(m_map->view().scale).arg(clusterScale)));
    QCOMPARE(shownInside(), m_session->sampleCount() - 1);
}

void TestPopulationMap::hoverPicksTheDotOnTop()
{
    m_map->setEntryHidden(2, true);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> x(0, m_map->width()), y(0, m_map->height());
    int hits = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        const QPointF p(x(rng), y(rng));
        const int expected = expectedPick(*m_map, *m_session, p);
        QCOMPARE(m_map->pickAt(p), expected);
        hits += expected >= 0;
    }
    QVERIFY(hits > 50);

    // The mouse does the same and tells the world.
    const int id = isolatedDot(6.0);
    QVERIFY(id >= 0);
    QSignalSpy hovered(m_map.get(), &PopulationMap::hoveredChanged);
    const QPointF at = m_map->mapToScreen(id) + QPointF(1.5, -1.0);
    QMouseEvent move(QEvent::MouseMove, at, m_map->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QCoreApplication::sendEvent(m_map.get(), &move);
    QCOMPARE(m_map->hoveredId(), id);
    QCOMPARE(hovered.count(), 1);
    QCOMPARE(hovered.first().first().toInt(), id);
    QVERIFY(QToolTip::text().contains(m_session->describe(id)));
}

// The defect: clicking the big dot of a badly misclassified sample drawn over
// a dense cluster inspected a small, correct dot underneath whose centre
// happened to be nearer the cursor. Real mouse events at a point inside the
// big dot's disc where another dot's centre is nearer.
void TestPopulationMap::clickOnLargeErrorOverClusterInspectsIt()
{
    test::ClusteredRunOptions options;
    options.trainCount = 6000; // dense clusters
    options.validationCount = 1000;
    options.clusterSpread = 1.0;
    ui::ExplorerSession session;
    auto run = test::makeClusteredRun(options);
    session.setRun(run, test::makeSyntheticImages(*run));
    PopulationMap map(&session);
    map.resize(700, 600);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));

    int cases = 0;
    for (int wrong = 0; wrong < session.sampleCount() && cases < 5; ++wrong) {
        if (session.correct(wrong) || session.loss(wrong) < 2.0 || !map.isSampleShown(wrong))
            continue;
        const QPointF centre = map.mapToScreen(wrong);
        if (!map.visibleArea().adjusted(10, 10, -10, -10).contains(centre))
            continue;
        const double r =
            ui::mapstyle::radiusOfBucket(ui::mapstyle::sizeBucketForLoss(session.loss(wrong)));
        // A whole pixel where it is the dot on top, yet nearer another
        // (correct, smaller) dot's centre.
        QPoint at;
        int under = -1;
        for (int dy = -int(r); dy <= int(r) && under < 0; ++dy)
            for (int dx = -int(r); dx <= int(r) && under < 0; ++dx) {
                const QPoint p = (centre + QPointF(dx, dy)).toPoint();
                // Inside its disc, and no later-drawn dot covers it there.
                if (QLineF(centre, p).length() > r - 0.75 || expectedPick(map, session, p) != wrong)
                    continue;
                for (int other = 0; other < session.sampleCount(); ++other)
                    if (other != wrong && session.correct(other) &&
                        QLineF(map.mapToScreen(other), p).length() < QLineF(centre, p).length()) {
                        at = p;
                        under = other;
                        break;
                    }
            }
        if (under < 0)
            continue;
        ++cases;
        QMouseEvent move(QEvent::MouseMove, QPointF(at), map.mapToGlobal(QPointF(at)), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&map, &move);
        QCOMPARE(map.hoveredId(), wrong);
        QTest::mouseClick(&map, Qt::LeftButton, {}, at);
        QCOMPARE(session.current(), wrong);
        session.setCurrent(-1);
    }
    QVERIFY2(cases >= 3, "the dense synthetic map should put big errors over other dots");

    // And anywhere on this dense map, the rule by brute force.
    std::mt19937 rng(11);
    const QRectF plot = map.visibleArea();
    std::uniform_real_distribution<double> x(plot.left(), plot.right()),
        y(plot.top(), plot.bottom());
    int overlapping = 0;
    for (int trial = 0; trial < 1500; ++trial) {
        const QPointF p(x(rng), y(rng));
        const int expected = expectedPick(map, session, p);
        QCOMPARE(map.pickAt(p), expected);
        overlapping += expected >= 0;
    }
    QVERIFY(overlapping > 300);
}

// The current sample's marker is painted over every dot: a click there
// keeps inspecting it, even when a later-drawn dot lies under the cursor.
void TestPopulationMap::currentMarkerIsPickedFirst()
{
    const int id = isolatedDot(0.0);
    QVERIFY(id >= 0);
    m_session->setCurrent(id);
    QCOMPARE(m_map->pickAt(m_map->mapToScreen(id)), id);
    // Filters hide it, but its marker is still drawn: still what is under the cursor.
    m_map->setMisclassifiedOnly(m_session->correct(id));
    m_map->setSubsetFilter(m_session->subsetOf(id) == analysis::Subset::Train
                               ? ui::SubsetFilter::Validation
                               : ui::SubsetFilter::Train);
    QVERIFY(!m_map->isSampleShown(id));
    QCOMPARE(m_map->pickAt(m_map->mapToScreen(id)), id);
    m_session->setCurrent(-1);
    QVERIFY(m_map->pickAt(m_map->mapToScreen(id)) != id);
}

void TestPopulationMap::tooltipShowsThumbnailAndFigures()
{
    const int id = 51; // train #51: GT 1 predicted 7 (see clustered_run.h)
    QCOMPARE(m_session->label(id), 1);
    QCOMPARE(m_session->prediction(id), 7);
    const QString html = m_map->tooltipHtml(id);
    QVERIFY(html.contains(QStringLiteral("train #51")));
    QVERIFY(html.contains(QStringLiteral("GT: 1")));
    QVERIFY(html.contains(QStringLiteral("Prediction: 7")));
    QVERIFY(html.contains(QStringLiteral("wrong")));
    QVERIFY(html.contains(QStringLiteral("Loss: %1").arg(double(m_session->loss(id)), 0, 'f', 3)));

    // The thumbnail is an embedded PNG that Qt's rich text resolves: the
    // digit at 4× with nearest-neighbour pixels.
    const QRegularExpression src(QStringLiteral("src='(data:image/png;base64,[^']+)'"));
    const auto match = src.match(html);
    QVERIFY(match.hasMatch());
    QTextDocument doc;
    doc.setHtml(html);
    const QVariant resource = doc.resource(QTextDocument::ImageResource, QUrl(match.captured(1)));
    QImage thumb = resource.value<QImage>();
    if (thumb.isNull())
        thumb = QImage::fromData(resource.toByteArray());
    QCOMPARE(thumb.size(), QSize(112, 112));
    // Label 1: the bar is at x = 6..7 in the 28 px image, 24..31 at 4×.
    QCOMPARE(qGray(thumb.pixel(25, 50)), 255);
    QCOMPARE(qGray(thumb.pixel(31, 50)), 255);
    QCOMPARE(qGray(thumb.pixel(32, 50)), 0);
    QCOMPARE(qGray(thumb.pixel(10, 50)), 0);
    // Bottom row: index 51 in the first pixel, 4×4 block.
    QCOMPARE(qGray(thumb.pixel(2, 109)), 51);
}

void TestPopulationMap::coloringsHaveLegendsWithCounts()
{
    QCOMPARE(m_map->colorBy(), PopulationMap::ColorBy::GroundTruth);
    auto entries = m_map->legendEntries();
    QCOMPARE(entries.size(), 10);
    for (int c = 0; c < 10; ++c) {
        QCOMPARE(entries[c].name, QString::number(c));
        QCOMPARE(entries[c].color, ui::classColor(c));
        QCOMPARE(entries[c].count, m_session->run().train.perClass[c].count +
                                       m_session->run().validation.perClass[c].count);
    }
    // Ten distinct colours.
    for (int a = 0; a < 10; ++a)
        for (int b = a + 1; b < 10; ++b)
            QVERIFY(entries[a].color != entries[b].color);

    QSignalSpy coloring(m_map.get(), &PopulationMap::coloringChanged);
    m_map->setEntryHidden(5, true);
    m_map->setColorBy(PopulationMap::ColorBy::Prediction);
    QCOMPARE(coloring.count(), 1);
    QVERIFY(!m_map->isEntryHidden(5)); // a new colouring shows everything
    entries = m_map->legendEntries();
    std::vector<qint64> predicted(10, 0);
    for (int id = 0; id < m_session->sampleCount(); ++id)
        ++predicted[m_session->prediction(id)];
    for (int c = 0; c < 10; ++c)
        QCOMPARE(entries[c].count, predicted[c]);
    m_map->setEntryHidden(7, true);
    for (int id = 0; id < m_session->sampleCount(); ++id)
        QCOMPARE(m_map->isSampleShown(id), m_session->prediction(id) != 7);

    m_map->setColorBy(PopulationMap::ColorBy::Correctness);
    entries = m_map->legendEntries();
    QCOMPARE(entries.size(), 2);
    const auto wrong = static_cast<qint64>(m_session->misclassifiedByLoss().size());
    QCOMPARE(entries[0].count, m_session->sampleCount() - wrong);
    QCOMPARE(entries[1].count, wrong);
    QVERIFY(m_map->renderImage(QSize(600, 400), 1.0).pixel(5, 5) != 0);

    m_map->setColorBy(PopulationMap::ColorBy::Subset);
    entries = m_map->legendEntries();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[0].count, qint64(m_session->trainCount()));
    QCOMPARE(entries[1].count, qint64(m_session->validationCount()));
    QCOMPARE(m_map->colorByName(), QStringLiteral("subset"));

    m_map->setColorBy(PopulationMap::ColorBy::GroundTruth);
    QCOMPARE(m_map->colorByName(), QStringLiteral("ground-truth class"));
}

void TestPopulationMap::customColoring()
{
    const int n = m_session->sampleCount();
    QVERIFY(!m_map->setCustomColoring(QStringLiteral("bad"), std::vector<QRgb>(3), {}));
    QCOMPARE(m_map->colorBy(), PopulationMap::ColorBy::GroundTruth);

    // A continuous score on a two-stop scale, with three legend stops; each
    // sample belongs to the stop nearest its score.
    std::vector<QRgb> colors(static_cast<size_t>(n));
    std::vector<int> entryOf(static_cast<size_t>(n));
    for (int id = 0; id < n; ++id) {
        const double t = double(id) / (n - 1);
        colors[id] = qRgb(int(255 * t), 40, int(255 * (1 - t)));
        entryOf[id] = int(std::lround(t * 2));
    }
    QVector<ui::MapLegendEntry> legend = {{QStringLiteral("low"), QColor(0, 40, 255)},
                                          {QStringLiteral("mid"), QColor(127, 40, 127)},
                                          {QStringLiteral("high"), QColor(255, 40, 0)}};
    QVERIFY(m_map->setCustomColoring(QStringLiteral("score"), colors, legend, entryOf));
    QCOMPARE(m_map->colorBy(), PopulationMap::ColorBy::Custom);
    QCOMPARE(m_map->colorByName(), QStringLiteral("score"));
    QCOMPARE(m_map->legendEntries().size(), 3);
    m_map->setEntryHidden(2, true);
    for (int id = 0; id < n; ++id)
        QCOMPARE(m_map->isSampleShown(id), entryOf[id] != 2);

    const int id = isolatedDot(4.0);
    QVERIFY(id >= 0);
    const QRgb pixel = pixelAt(m_map->renderImage(m_map->size(), 1.0), m_map->mapToScreen(id));
    QVERIFY(looksLike(pixel, QColor(colors[id])));

    // A new run drops the custom colouring (it described the old samples).
    auto run = test::makeClusteredRun(m_options);
    m_session->setRun(run, nullptr);
    QCOMPARE(m_map->colorBy(), PopulationMap::ColorBy::GroundTruth);
}

void TestPopulationMap::centerOnZoomsAndMarks()
{
    const double fitScale = m_map->view().scale;
    const int id = 137;
    m_map->centerOn(id);
    QCOMPARE(m_session->current(), id);
    QVERIFY(m_map->isAnimating()); // the map moves there, the user sees where it went
    QTRY_VERIFY(!m_map->isAnimating());
    QVERIFY(m_map->view().scale >= fitScale * 7.99);
    const QPointF at = m_map->mapToScreen(id);
    QVERIFY(QLineF(at, m_map->view().plotRect.center()).length() < 1e-6);

    // The marker: a dark ring around the dot (radius + 4 px, 2 px pen).
    const QImage image = m_map->renderImage(m_map->size(), 1.0);
    const double ring = radiusOf(id) + 4.0;
    QVERIFY(darkest(image, at + QPointF(ring, 0)) < 60);
    QVERIFY(darkest(image, at - QPointF(0, ring)) < 60);
    QVERIFY(darkest(image, at + QPointF(ring + 6, 0)) < 60); // a tick

    // Another view making another sample current: the marker follows.
    m_session->setCurrent(12);
    const QPointF other = m_map->mapToScreen(12);
    if (m_map->rect().contains(other.toPoint())) {
        const QImage again = m_map->renderImage(m_map->size(), 1.0);
        QVERIFY(darkest(again, other + QPointF(radiusOf(12) + 4.0, 0)) < 60);
    }
}

void TestPopulationMap::liveLayoutIsThrottledAndKeepsUserView()
{
    const int id = 10;
    const QPointF fittedAt = m_map->mapToScreen(id);
    QSignalSpy views(m_map.get(), &PopulationMap::viewChanged);
    // A projection streams five layouts at once: doubled coordinates each time.
    for (int k = 1; k <= 5; ++k) {
        auto layout = std::make_shared<RowMatrixXf>(m_session->mapPositions() * 2.0f);
        m_session->setMapLayout(layout);
    }
    QCOMPARE(views.count(), 0); // nothing redrawn synchronously
    QTRY_COMPARE_WITH_TIMEOUT(views.count(), 1, 1000);
    QTest::qWait(100);
    QCOMPARE(views.count(), 1); // coalesced into one update
    // At "fit" the view follows: a scaled layout lands at the same place.
    QVERIFY(QLineF(m_map->mapToScreen(id), fittedAt).length() < 0.01);

    // Zoomed in, the view stays and the dots move.
    m_map->zoomBy(2.0, QPointF(400, 300));
    const auto view = m_map->view();
    const QPointF zoomedAt = m_map->mapToScreen(id);
    auto moved = std::make_shared<RowMatrixXf>(m_session->mapPositions());
    moved->col(0).array() += 1.0f;
    m_session->setMapLayout(moved);
    QTRY_COMPARE_WITH_TIMEOUT(views.count(), 3, 1000);
    QCOMPARE(m_map->view().scale, view.scale);
    QCOMPARE(m_map->view().center, view.center);
    QVERIFY(std::abs(m_map->mapToScreen(id).x() - zoomedAt.x() - view.scale) < 1e-3);
    // Picking follows the new layout.
    QCOMPARE(m_map->pickAt(m_map->mapToScreen(id)), id);
}

void TestPopulationMap::exportsRasterAndVector()
{
    m_session->setSelection({1, 2, 3}, QStringLiteral("test"));
    m_map->setHighlighted({4, 5});
    const QImage image = m_map->renderImage(QSize(800, 500), 2.0);
    QCOMPARE(image.size(), QSize(1600, 1000));
    QCOMPARE(image.devicePixelRatio(), 2.0);
    int coloured = 0;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            coloured += !isWhite(image.pixel(x, y));
    QVERIFY(coloured > 1000);

    QBuffer svg;
    svg.open(QIODevice::WriteOnly);
    {
        QSvgGenerator generator;
        generator.setOutputDevice(&svg);
        generator.setSize(QSize(800, 500));
        generator.setViewBox(QRect(0, 0, 800, 500));
        QPainter painter(&generator);
        m_map->render(&painter, QRectF(0, 0, 800, 500));
    }
    QVERIFY(svg.data().size() > 10000);
    QVERIFY(svg.data().contains("Population map"));
    QSvgRenderer parsed(svg.data());
    QVERIFY(parsed.isValid());

    QBuffer pdf;
    pdf.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&pdf);
        QPainter painter(&writer);
        const double s = writer.resolution() / 96.0; // logical px at 96 per inch
        painter.scale(s, s);
        m_map->render(&painter, QRectF(0, 0, writer.width() / s, writer.height() / s));
    }
    QVERIFY(pdf.data().startsWith("%PDF"));
}

void TestPopulationMap::newRunSignalsAndLegendFollowTheFilterState()
{
    const int n = m_session->sampleCount();
    QVERIFY(m_map->setCustomColoring(QStringLiteral("width"), std::vector<QRgb>(n, qRgb(1, 2, 3)),
                                     {{QStringLiteral("thin"), Qt::blue, 5}}));
    m_map->setMisclassifiedOnly(true);
    QSignalSpy coloring(m_map.get(), &PopulationMap::coloringChanged);
    QSignalSpy filters(m_map.get(), &PopulationMap::filtersChanged);
    // Who hears of the colouring change sees the new one, with its legend.
    QString heard;
    int legendSize = -1;
    connect(m_map.get(), &PopulationMap::coloringChanged, this, [&] {
        heard = m_map->colorByName();
        legendSize = static_cast<int>(m_map->legendEntries().size());
    });
    m_session->setRun(test::makeClusteredRun(m_options), nullptr);
    QCOMPARE(coloring.count(), 1);
    QCOMPARE(filters.count(), 1);
    QCOMPARE(heard, PopulationMap::colorByName(PopulationMap::ColorBy::GroundTruth));
    QCOMPARE(legendSize, 10);
    // The filters stay; the legend and what is shown are the state's.
    QVERIFY(m_map->misclassifiedOnly());
    const ui::MapFilterState& state = m_map->filterState();
    QCOMPARE(m_map->shownCount(), state.shownCount());
    QCOMPARE(m_map->shownCount(), static_cast<int>(m_session->misclassifiedByLoss().size()));
    const auto entries = m_map->legendEntries();
    QCOMPARE(entries.size(), state.legendEntries().size());
    for (int e = 0; e < entries.size(); ++e) {
        QCOMPARE(entries[e].name, state.legendEntries()[e].name);
        QCOMPARE(entries[e].count, state.legendEntries()[e].count);
    }
}

void TestPopulationMap::longLegendScrollsUnderTheWheel()
{
    // 300 classes do not fit beside the map: the legend shows a window of
    // rows, the wheel over it scrolls them (and does not zoom the map), and
    // a scrolled-in entry is clicked like any other.
    test::ClusteredRunOptions o;
    o.classCount = 300;
    o.trainCount = 600;
    o.validationCount = 300;
    auto run = test::makeClusteredRun(o);
    m_session->setRun(run, test::makeSyntheticImages(*run));
    QCOMPARE(m_map->legendEntries().size(), 300);
    const QRectF first = m_map->legendEntryRect(0);
    QVERIFY(!first.isEmpty());
    QVERIFY(m_map->legendEntryRect(299).isEmpty()); // out of view
    for (int e = 0; e < 300; ++e)
        if (!m_map->legendEntryRect(e).isEmpty())
            QVERIFY(m_map->rect().contains(m_map->legendEntryRect(e).toRect()));

    const double scale = m_map->view().scale;
    const QPoint over = first.center().toPoint();
    for (int notch = 0; notch < 200 && m_map->legendEntryRect(299).isEmpty(); ++notch) {
        QWheelEvent wheel(over, m_map->mapToGlobal(over), QPoint(), QPoint(0, -120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(m_map.get(), &wheel);
    }
    QCOMPARE(m_map->view().scale, scale);
    QVERIFY(m_map->legendEntryRect(0).isEmpty()); // scrolled away
    const QRectF last = m_map->legendEntryRect(299);
    QVERIFY(!last.isEmpty());
    QVERIFY(m_map->rect().contains(last.toRect()));
    QTest::mouseClick(m_map.get(), Qt::LeftButton, {}, last.center().toPoint());
    QVERIFY(m_map->isEntryHidden(299));
    for (int id = 0; id < m_session->sampleCount(); ++id)
        QCOMPARE(m_map->isSampleShown(id), m_session->label(id) != 299);

    // A small map's band legend scrolls the same way.
    m_map->resize(420, 500);
    const auto visibleEntries = [&] {
        std::vector<int> visible;
        for (int e = 0; e < 300; ++e)
            if (!m_map->legendEntryRect(e).isEmpty())
                visible.push_back(e);
        return visible;
    };
    const std::vector<int> band = visibleEntries();
    QVERIFY2(!band.empty() && band.size() < 300, qPrintable(QString::number(band.size())));
    QVERIFY(m_map->rect().contains(m_map->legendEntryRect(band.front()).toRect()));
    const QPoint overBand = m_map->legendEntryRect(band.front()).center().toPoint();
    QWheelEvent up(overBand, m_map->mapToGlobal(overBand), QPoint(), QPoint(0, 120), Qt::NoButton,
                   Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_map.get(), &up);
    QVERIFY(visibleEntries().front() < band.front()); // earlier rows came into view
}

// From MapDotCache::kBackgroundFromDots dots the render runs on a thread of
// its own: the paint returns with the last render (white at first), the
// dots arrive with the next paint, and they are the dots a render in the
// paint draws. A change while it renders is rendered after it.
void TestPopulationMap::largeMapRendersOffTheGuiThread()
{
    test::ClusteredRunOptions options;
    options.trainCount = 160000;
    options.validationCount = 20000;
    ui::ExplorerSession session;
    auto run = test::makeClusteredRun(options);
    session.setRun(run, nullptr);
    PopulationMap map(&session);
    map.resize(700, 600);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    QTRY_VERIFY(!map.isRendering());
    const QImage background = map.grab().toImage();

    map.setBackgroundRendering(false);
    map.invalidateCache();
    const QImage inPaint = map.grab().toImage();
    QVERIFY(!map.isRendering());
    QVERIFY(inPaint != QImage(inPaint.size(), inPaint.format())); // not blank
    QCOMPARE(background, inPaint);

    // Back in the background: a filter, then a colouring before it lands.
    map.setBackgroundRendering(true);
    map.setSubsetFilter(ui::SubsetFilter::Train); // 160,000 dots
    map.repaint();
    QVERIFY(map.isRendering()); // the paint did not wait for it
    map.setColorBy(PopulationMap::ColorBy::Prediction);
    map.repaint();
    QTRY_VERIFY(!map.isRendering());
    const QImage filtered = map.grab().toImage();
    map.setBackgroundRendering(false);
    map.invalidateCache();
    QCOMPARE(filtered, map.grab().toImage());
    QVERIFY(filtered != inPaint);
}

// The worker's facts of a run (MapRunFacts::of) give the map exactly the
// state it computes itself; facts of another run are ignored.
void TestPopulationMap::preparedFactsAreAdoptedOnlyForTheirRun()
{
    const auto snapshot = [this] {
        std::vector<int> buckets;
        for (int id = 0; id < m_session->sampleCount(); ++id)
            buckets.push_back(m_map->sizeBucket(id));
        return std::make_tuple(m_map->filterState().drawOrder(), buckets, m_map->shownCount(),
                               m_map->filterState().shownOrder());
    };
    test::ClusteredRunOptions options = m_options;
    options.seed += 5; // other losses: another draw order
    auto run = test::makeClusteredRun(options);
    m_session->setRun(run, nullptr); // computed here
    const auto computed = snapshot();
    m_session->setRun(test::makeClusteredRun(m_options), nullptr);
    QVERIFY(snapshot() != computed);

    m_map->setPreparedFacts(ui::MapRunFacts::of(*run));
    m_session->setRun(run, nullptr); // adopted
    QVERIFY(snapshot() == computed);
    // Adopted, not recomputed: facts marked by their dot sizes show them.
    auto marked = std::make_shared<ui::MapRunFacts>(*ui::MapRunFacts::of(*run));
    std::fill(marked->sizeBuckets.begin(), marked->sizeBuckets.end(), std::uint8_t{3});
    m_map->setPreparedFacts(marked);
    m_session->setRun(run, nullptr);
    QCOMPARE(m_map->sizeBucket(0), 3);
    QCOMPARE(m_map->sizeBucket(m_session->sampleCount() - 1), 3);

    // Facts of another run (an equal copy, another object): computed again.
    auto other = std::make_shared<store::RunData>(*run);
    other->train.losses[0] += 5.0f;
    m_map->setPreparedFacts(ui::MapRunFacts::of(*run));
    m_session->setRun(other, nullptr);
    QVERIFY(m_map->filterState().drawOrder() == ui::MapRunFacts::of(*other)->drawOrder);
    QVERIFY(m_map->filterState().drawOrder() != std::get<0>(computed));
}

QTEST_MAIN(TestPopulationMap)
#include "tst_population_map.moc"
