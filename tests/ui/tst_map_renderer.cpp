// MapRenderer: a large draw, which places and blends its dots on two threads,
// gives exactly the image that drawing the same dots in small batches (one
// thread each) gives, since dots blend in draw order either way. The vector
// dots (SVG, PDF) are batched by colour into few SVG groups, and drawing them
// so gives exactly the picture of drawing them one by one in draw order.
// MapFit's bounds of a million dots, found from a sample and the gathered
// tails, are exactly the quantile rule computed over every dot.

#include "ui/map/map_fit.h"
#include "ui/map/map_renderer.h"
#include "ui/map/map_style.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>
#include <QtTest>
#include <algorithm>
#include <random>
#include <vector>

using namespace mnistx;

namespace
{

// n dots in a few dense blobs (many overlaps, uneven bands), with every size
// bucket, some outlined, and a few off screen.
ui::MapDots blobDots(int n, std::uint32_t seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<float> spread(0.0f, 0.6f);
    std::uniform_int_distribution<int> blob(0, 4), bucket(0, ui::mapstyle::kSizeBuckets - 1),
        channel(0, 255);
    const float centres[5][2] = {{-3, -2}, {2, 3}, {0, 0}, {4, -3}, {-4, 4}};
    ui::MapDots dots(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const int b = blob(random);
        ui::MapDot& d = dots[static_cast<size_t>(i)];
        d.x = centres[b][0] + spread(random) * (i % 97 == 0 ? 8.0f : 1.0f);
        d.y = centres[b][1] + spread(random) * (i % 97 == 0 ? 8.0f : 1.0f);
        d.color = qRgb(channel(random), channel(random), channel(random));
        d.sizeBucket = static_cast<std::uint8_t>(bucket(random));
        d.outlined = i % 7 == 0;
    }
    return dots;
}

ui::MapView viewOf(const QSize& size)
{
    ui::MapView view;
    view.plotRect = QRectF(QPointF(0, 0), QSizeF(size));
    view.center = QPointF(0, 0);
    view.scale = 60.0; // the blobs fill the image, the spread-out dots leave it
    return view;
}

QImage blank(const QSize& size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    return image;
}

} // namespace

class TestMapRenderer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void largeDrawEqualsSmallBatches_data();
    void largeDrawEqualsSmallBatches();
    void vectorDotsKeepTheDrawOrderPicture();
    void vectorDotsShareSvgGroupsByColour();
    void fitBoundsAreExactForManyDots_data();
    void fitBoundsAreExactForManyDots();
};

namespace
{

// MapFit's rule over every value, written out: the full range, unless it is
// more than 1.5 times the span of the 0.1 % and 99.9 % quantiles; then that
// span, widened by a tenth on each side.
std::pair<double, double> expectedRange(std::vector<float> v)
{
    std::sort(v.begin(), v.end());
    const size_t k0 = std::max<size_t>(1, v.size() / 1000);
    const double full0 = v.front(), full1 = v.back();
    const double q0 = v[k0], q1 = v[v.size() - 1 - k0];
    if (!(full1 - full0 > 1.5 * (q1 - q0)))
        return {full0, full1};
    return {std::max(full0, q0 - 0.1 * (q1 - q0)), std::min(full1, q1 + 0.1 * (q1 - q0))};
}

} // namespace

void TestMapRenderer::fitBoundsAreExactForManyDots_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("outliers");
    QTest::newRow("a million, stranded dots") << 1000000 << 40;
    QTest::newRow("a million, none") << 1000000 << 0;
    QTest::newRow("200,000, many far ones") << 200000 << 3000;
    QTest::newRow("5,000") << 5000 << 3;
}

void TestMapRenderer::fitBoundsAreExactForManyDots()
{
    QFETCH(int, count);
    QFETCH(int, outliers);
    std::mt19937 rng(static_cast<unsigned>(count + outliers));
    std::normal_distribution<float> blob(0.0f, 3.0f);
    std::uniform_real_distribution<float> far(40.0f, 400.0f);
    RowMatrixXf positions(count, 2);
    std::vector<float> xs, ys;
    for (int i = 0; i < count; ++i) {
        // Clusters; a few samples stranded far out, on one side for x.
        positions(i, 0) = blob(rng) + 10.0f * static_cast<float>(i % 5);
        positions(i, 1) = 0.5f * blob(rng) - static_cast<float>(i % 3);
        if (i % (count / std::max(outliers, 1)) == 7 && outliers > 0) {
            positions(i, 0) = far(rng);
            positions(i, 1) = (i % 2 ? -1.0f : 1.0f) * far(rng);
        }
        xs.push_back(positions(i, 0));
        ys.push_back(positions(i, 1));
    }
    const QRectF bounds = ui::MapFit::boundsOf(positions);
    const auto [x0, x1] = expectedRange(xs);
    const auto [y0, y1] = expectedRange(ys);
    QCOMPARE(bounds.left(), x0);
    QCOMPARE(bounds.right(), x1);
    QCOMPARE(bounds.top(), y0);
    QCOMPARE(bounds.bottom(), y1);
}

void TestMapRenderer::largeDrawEqualsSmallBatches_data()
{
    QTest::addColumn<bool>("rings");
    QTest::addColumn<qreal>("dpr");
    QTest::newRow("dots") << false << qreal(1.0);
    QTest::newRow("dots, 2x") << false << qreal(2.0);
    QTest::newRow("rings") << true << qreal(1.0);
}

void TestMapRenderer::largeDrawEqualsSmallBatches()
{
    QFETCH(bool, rings);
    QFETCH(qreal, dpr);
    const QSize size(640, 400);
    const ui::MapView view = viewOf(size);
    const ui::MapDots all = blobDots(60000, 7);

    ui::MapRenderer renderer;
    renderer.setDevicePixelRatio(dpr);
    auto draw = [&](QImage& image, const ui::MapDots& dots) {
        if (rings)
            renderer.drawRings(image, dots, view, qRgb(20, 20, 20), true);
        else
            renderer.drawDots(image, dots, view);
    };

    QImage whole = blank(size * dpr);
    draw(whole, all);

    // The same dots in batches of 5,000: each below the two-thread size.
    QImage batched = blank(size * dpr);
    for (size_t begin = 0; begin < all.size(); begin += 5000) {
        const ui::MapDots batch(
            all.begin() + static_cast<std::ptrdiff_t>(begin),
            all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), begin + 5000)));
        draw(batched, batch);
    }

    // Something was drawn: most of the image is no longer white.
    int changed = 0;
    for (int y = 0; y < whole.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(whole.constScanLine(y));
        for (int x = 0; x < whole.width(); ++x)
            changed += line[x] != qRgb(255, 255, 255) ? 1 : 0;
    }
    QVERIFY2(changed > whole.width() * whole.height() / 4, qPrintable(QString::number(changed)));

    int differing = 0;
    for (int y = 0; y < whole.height(); ++y) {
        const auto* a = reinterpret_cast<const QRgb*>(whole.constScanLine(y));
        const auto* b = reinterpret_cast<const QRgb*>(batched.constScanLine(y));
        for (int x = 0; x < whole.width(); ++x)
            differing += a[x] != b[x] ? 1 : 0;
    }
    QCOMPARE(differing, 0);
}

namespace
{

// The dots of blobDots in ten colours: many overlaps between colours.
ui::MapDots tenColourDots(int n, std::uint32_t seed)
{
    ui::MapDots dots = blobDots(n, seed);
    for (size_t i = 0; i < dots.size(); ++i)
        dots[i].color = QColor::fromHsv(static_cast<int>(i % 10) * 36, 200, 200).rgb();
    return dots;
}

} // namespace

// paintDots draws batches of one style out of draw order where their discs
// do not touch: the picture is exactly that of the plain draw order.
void TestMapRenderer::vectorDotsKeepTheDrawOrderPicture()
{
    const QSize size(640, 400);
    const ui::MapView view = viewOf(size);
    const ui::MapDots dots = tenColourDots(3000, 11);
    const QRectF bounds(QPointF(0, 0), QSizeF(size));

    QImage batched = blank(size);
    {
        QPainter painter(&batched);
        ui::MapRenderer::paintDots(painter, dots, view, bounds);
    }
    QImage oneByOne = blank(size);
    {
        QPainter painter(&oneByOne);
        for (const ui::MapDot& dot : dots)
            ui::MapRenderer::paintDots(painter, {dot}, view, bounds);
    }
    int changed = 0;
    int differing = 0;
    for (int y = 0; y < size.height(); ++y) {
        const auto* a = reinterpret_cast<const QRgb*>(batched.constScanLine(y));
        const auto* b = reinterpret_cast<const QRgb*>(oneByOne.constScanLine(y));
        for (int x = 0; x < size.width(); ++x) {
            changed += b[x] != qRgb(255, 255, 255) ? 1 : 0;
            differing += a[x] != b[x] ? 1 : 0;
        }
    }
    QVERIFY2(changed > size.width() * size.height() / 4, qPrintable(QString::number(changed)));
    QCOMPARE(differing, 0);
}

// An SVG writer starts a group at every pen or brush change: apart dots in
// ten colours, outlined or not, make about twenty groups, not one per dot.
void TestMapRenderer::vectorDotsShareSvgGroupsByColour()
{
    const QSize size(800, 600);
    ui::MapView view = viewOf(size);
    view.scale = 1.0; // map units are pixels
    ui::MapDots dots;
    for (int y = -280; y <= 280; y += 20) // 29 × 39 dots 20 px apart
        for (int x = -380; x <= 380; x += 20) {
            ui::MapDot dot;
            dot.x = static_cast<float>(x);
            dot.y = static_cast<float>(y);
            const auto i = dots.size();
            dot.color = QColor::fromHsv(static_cast<int>(i * 7 % 10) * 36, 200, 200).rgb();
            dot.sizeBucket = static_cast<std::uint8_t>(i % ui::mapstyle::kSizeBuckets);
            dot.outlined = i % 3 == 0;
            dots.push_back(dot);
        }
    QBuffer svg;
    svg.open(QIODevice::WriteOnly);
    {
        QSvgGenerator generator;
        generator.setOutputDevice(&svg);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        QPainter painter(&generator);
        ui::MapRenderer::paintDots(painter, dots, view, QRectF(QPointF(0, 0), QSizeF(size)));
    }
    QCOMPARE(static_cast<size_t>(svg.data().count("<circle")), dots.size());
    const auto groups = svg.data().count("<g ");
    QVERIFY2(groups <= 2 * 10 + 5,
             qPrintable(QStringLiteral("%1 groups for %2 dots").arg(groups).arg(dots.size())));
}

QTEST_MAIN(TestMapRenderer)
#include "tst_map_renderer.moc"
