// The heat-map panel on a synthetic session whose run carries a real (small,
// untrained) model: the tiles show exactly what why::computeHeatMaps gives
// for the current image, method and sign switches change them, the maps
// arrive from the worker without blocking the GUI thread, rapid clicking
// ends on the last sample (coalescing), tiles can be clicked large, and the
// export draws a real picture. An imported TorchScript model gets every map
// but Grad-CAM.

#include "../common/clustered_run.h"
#include "core/model/classifier.h"
#include "core/why/heat_maps.h"
#include "ui/explorer_session.h"
#include "ui/why/heat_map_panel.h"
#include "ui/why/heat_map_worker.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <torch/script.h>
#include <torch/torch.h>

using namespace mnistx;
using ui::HeatMapPanel;

namespace
{

// Relative agreement of two maps: the panel's worker and this test run the
// same model bytes on the same pixels, so they agree to float rounding.
bool sameMap(const std::vector<float>& a, const float* b, std::size_t n, double* worst = nullptr)
{
    if (a.size() != n)
        return false;
    double scale = 1e-12;
    for (std::size_t i = 0; i < n; ++i)
        scale = std::max(scale, static_cast<double>(std::abs(b[i])));
    double w = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        w = std::max(w, std::abs(static_cast<double>(a[i]) - b[i]) / scale);
    if (worst)
        *worst = w;
    return w < 1e-4;
}

} // namespace

class TestHeatMapPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void hintWithoutRunSampleOrModel();
    void tilesEqualComputeHeatMaps();
    void methodAndSignChangeTheMaps();
    void resultArrivesWithoutBlocking();
    void rapidChangesEndWithLastSample();
    void clickingATileShowsItLarge();
    void renderIsNotBlank();
    void blankTileSaysWhy();
    void importedModelHasNoGradCam();

private:
    void setUpRun(bool withModel = true);
    why::HeatMaps expectedMaps(int id);

    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<HeatMapPanel> m_panel;
    std::shared_ptr<store::RunData> m_run;
    std::shared_ptr<data::DatasetSplits> m_images;
};

void TestHeatMapPanel::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_panel = std::make_unique<HeatMapPanel>(m_session.get());
    m_panel->resize(560, 640);
    m_panel->show();
}

void TestHeatMapPanel::cleanup()
{
    m_panel.reset();
    m_session.reset();
}

void TestHeatMapPanel::setUpRun(bool withModel)
{
    test::ClusteredRunOptions options;
    options.trainCount = 120;
    options.validationCount = 40;
    m_run = test::makeClusteredRun(options);
    if (withModel)
        m_run->modelBytes = model::Classifier("compact", 5).toBytes();
    m_images = test::makeSyntheticImages(*m_run);
    m_session->setRun(m_run, m_images);
}

why::HeatMaps TestHeatMapPanel::expectedMaps(int id)
{
    model::Classifier net = model::Classifier::fromBytes(m_run->modelBytes);
    const data::Dataset& d = id < m_session->trainCount() ? m_images->train : m_images->validation;
    return why::computeHeatMaps(net, d.image(m_session->indexInSubset(id)), d.shape(),
                                m_session->label(id));
}

void TestHeatMapPanel::hintWithoutRunSampleOrModel()
{
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(m_panel->hintText().contains(QStringLiteral("No run")));

    setUpRun(false);
    QVERIFY(m_panel->hintText().contains(QStringLiteral("Pick a sample")));
    m_session->setCurrent(3);
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(m_panel->hintText().contains(QStringLiteral("no stored model")));
    QVERIFY(!m_panel->hasMaps());

    setUpRun(true);
    m_session->setCurrent(3);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->hasMaps(), 5000);
    QVERIFY(!m_panel->isShowingHint());
    QCOMPARE(m_panel->exportName(), QStringLiteral("heat_maps_train_3"));
    QVERIFY(m_panel->headerText().startsWith(QStringLiteral("train #3 · GT 3")));

    m_session->setCurrent(-1);
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(!m_panel->hasMaps());
}

void TestHeatMapPanel::tilesEqualComputeHeatMaps()
{
    setUpRun();
    const int id = m_session->trainCount() + 7; // validation #7
    m_session->setCurrent(id);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->sampleId(), id, 5000);
    const why::HeatMaps expected = expectedMaps(id);
    const std::size_t n = 28 * 28;
    double worst = 0.0;
    for (int k = 0; k < 10; ++k) {
        QVERIFY2(sameMap(m_panel->tileValues(k), expected.classGradient.row(k).data(), n, &worst),
                 qPrintable(QStringLiteral("class %1: off by %2").arg(k).arg(worst)));
    }
    QVERIFY(sameMap(m_panel->tileValues(HeatMapPanel::kLossTile), expected.lossGradient.data(), n));
    // A few pixels by value as well (the stroke of the bar and the background).
    for (int p : {5 * 28 + 4 + 2 * 7, 12 * 28 + 5 + 2 * 7, 0, 27 * 28 + 27})
        QVERIFY(std::abs(m_panel->tileValues(6)[p] - expected.classGradient(6, p)) <=
                1e-4f * (1.0f + std::abs(expected.classGradient(6, p))));
    QCOMPARE(m_panel->maps().label, 7 % 10);
    for (int k = 0; k < 10; ++k)
        QVERIFY(std::abs(m_panel->maps().probabilities[k] - expected.probabilities[k]) < 1e-5f);

    m_panel->setMethod(HeatMapPanel::Method::GradCam);
    for (int k = 0; k < 10; ++k)
        QVERIFY(sameMap(m_panel->tileValues(k), expected.gradCam.row(k).data(), n));
    // The loss map is a gradient whatever the method.
    QVERIFY(sameMap(m_panel->tileValues(HeatMapPanel::kLossTile), expected.lossGradient.data(), n));

    m_panel->setMethod(HeatMapPanel::Method::GradientTimesInput);
    for (int k = 0; k < 10; ++k)
        QVERIFY(sameMap(m_panel->tileValues(k), expected.classGradientTimesInput.row(k).data(), n));
    QVERIFY(sameMap(m_panel->tileValues(HeatMapPanel::kLossTile),
                    expected.lossGradientTimesInput.data(), n));
    m_panel->setMethod(HeatMapPanel::Method::Occlusion);
    for (int k = 0; k < 10; ++k)
        QVERIFY(sameMap(m_panel->tileValues(k), expected.classOcclusion.row(k).data(), n));
    QVERIFY(
        sameMap(m_panel->tileValues(HeatMapPanel::kLossTile), expected.lossOcclusion.data(), n));
}

void TestHeatMapPanel::importedModelHasNoGradCam()
{
    // A TorchScript model (a linear classifier on the pixels) as the run's model.
    QTemporaryDir dir;
    torch::jit::Module m("Linear");
    torch::manual_seed(3);
    m.register_parameter("w", torch::randn({784, 10}) * 0.05, false);
    m.define("def forward(self, x):\n    return torch.matmul(torch.flatten(x, 1), self.w)\n");
    const std::string path = dir.path().toStdString() + "/linear.pt";
    m.save(path);
    setUpRun(false);
    auto run = std::make_shared<store::RunData>(*m_run);
    run->modelBytes = model::Classifier::fromTorchScript(path, {1, 28, 28}).toBytes();
    run->importedModel = path;
    m_run = run;
    m_panel->setMethod(HeatMapPanel::Method::GradCam);
    m_session->setRun(m_run, m_images);
    QCOMPARE(m_panel->method(), HeatMapPanel::Method::Gradient); // Grad-CAM was left
    QVERIFY(!m_panel->offers(HeatMapPanel::Method::GradCam));
    m_panel->setMethod(HeatMapPanel::Method::GradCam);
    QCOMPARE(m_panel->method(), HeatMapPanel::Method::Gradient);

    m_session->setCurrent(9);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->sampleId(), 9, 5000);
    const why::HeatMaps expected = expectedMaps(9);
    QCOMPARE(expected.gradCam.rows(), 0);
    // A linear model's gradient of logit k is its weight column k.
    const auto w = m.attr("w").toTensor();
    for (int p : {0, 100, 400, 783})
        QVERIFY(std::abs(m_panel->tileValues(4)[p] - w[p][4].item<float>()) < 1e-6f);
    m_panel->setMethod(HeatMapPanel::Method::Occlusion);
    QVERIFY(sameMap(m_panel->tileValues(4), expected.classOcclusion.row(4).data(), 784));
}

void TestHeatMapPanel::methodAndSignChangeTheMaps()
{
    setUpRun();
    m_session->setCurrent(12);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->sampleId(), 12, 5000);
    QSignalSpy shown(m_panel.get(), &HeatMapPanel::mapsShown);
    const std::vector<float> gradient = m_panel->tileValues(2);
    const HeatMapPanel::Scale signedScale = m_panel->classScale();
    QVERIFY(signedScale.signedScale);
    QCOMPARE(signedScale.lo, -signedScale.hi);
    QVERIFY(signedScale.hi > 0.0f);

    m_panel->setMethod(HeatMapPanel::Method::GradCam);
    QCOMPARE(shown.count(), 1);
    const std::vector<float> cam = m_panel->tileValues(2);
    QVERIFY(cam != gradient);
    QVERIFY(std::all_of(cam.begin(), cam.end(), [](float v) { return v >= 0.0f; }));
    QVERIFY(!m_panel->classScale().signedScale);
    QCOMPARE(m_panel->classScale().lo, 0.0f);

    m_panel->setMethod(HeatMapPanel::Method::Gradient);
    QCOMPARE(m_panel->tileValues(2), gradient);
    m_panel->setSigned(false);
    const std::vector<float> magnitude = m_panel->tileValues(2);
    QCOMPARE(magnitude.size(), gradient.size());
    for (std::size_t i = 0; i < gradient.size(); ++i)
        QCOMPARE(magnitude[i], std::abs(gradient[i]));
    QVERIFY(!m_panel->classScale().signedScale);
    QVERIFY(!m_panel->lossScale().signedScale);
}

void TestHeatMapPanel::resultArrivesWithoutBlocking()
{
    setUpRun();
    // The GUI thread keeps ticking while the worker computes.
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(1);
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start();

    QElapsedTimer clock;
    clock.start();
    m_session->setCurrent(40);
    const qint64 setCurrentMs = clock.elapsed();
    // Asked for, not computed on the GUI thread inside setCurrent.
    QVERIFY(m_panel->isComputing());
    QCOMPARE(m_panel->sampleId(), -1);
    QVERIFY2(setCurrentMs < 50,
             qPrintable(QStringLiteral("setCurrent took %1 ms").arg(setCurrentMs)));
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->sampleId(), 40, 5000);
    QVERIFY(!m_panel->isComputing());
    qInfo("request → maps: %.1f ms (computeHeatMaps on the worker: %.1f ms), %d GUI ticks",
          m_panel->worker()->lastLatencyMilliseconds(),
          m_panel->worker()->lastComputeMilliseconds(), ticks);

    // A few more samples for a steadier figure.
    double total = 0.0;
    for (int id : {41, 42, 43, 44, 45}) {
        m_session->setCurrent(id);
        QTRY_COMPARE_WITH_TIMEOUT(m_panel->sampleId(), id, 5000);
        total += m_panel->worker()->lastLatencyMilliseconds();
    }
    qInfo("mean request → maps over 5 samples: %.1f ms", total / 5.0);
    QVERIFY(total / 5.0 < 1000.0);
}

void TestHeatMapPanel::rapidChangesEndWithLastSample()
{
    setUpRun();
    QSignalSpy delivered(m_panel->worker(), &ui::HeatMapWorker::ready);
    QSignalSpy shown(m_panel.get(), &HeatMapPanel::mapsShown);
    const int last = 99;
    for (int id = 60; id <= last; ++id)
        m_session->setCurrent(id); // 40 requests without the event loop running
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->sampleId(), last, 5000);
    QTest::qWait(100); // nothing stale arrives afterwards
    QCOMPARE(m_panel->sampleId(), last);
    // Coalesced: the first request and the last, not all forty.
    QVERIFY2(delivered.count() <= 2, qPrintable(QString::number(delivered.count())));
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().at(0).toInt(), last);
    const why::HeatMaps expected = expectedMaps(last);
    QVERIFY(sameMap(m_panel->tileValues(HeatMapPanel::kLossTile), expected.lossGradient.data(),
                    28 * 28));
    QVERIFY(sameMap(m_panel->tileValues(3), expected.classGradient.row(3).data(), 28 * 28));
}

void TestHeatMapPanel::clickingATileShowsItLarge()
{
    setUpRun();
    m_session->setCurrent(5);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->hasMaps(), 5000);
    QCOMPARE(m_panel->largeTile(), HeatMapPanel::kLossTile);
    const QRectF tile = m_panel->tileRect(8);
    QVERIFY(!tile.isEmpty());
    QVERIFY(m_panel->toolTipAt(tile.center()).contains(QStringLiteral("logit of 8")));
    QTest::mouseClick(m_panel->canvas(), Qt::LeftButton, {}, tile.center().toPoint());
    QCOMPARE(m_panel->largeTile(), 8);
    QTest::mouseClick(m_panel->canvas(), Qt::LeftButton, {}, tile.center().toPoint());
    QCOMPARE(m_panel->largeTile(), HeatMapPanel::kLossTile);
    const QRectF lossTile = m_panel->tileRect(HeatMapPanel::kLossTile);
    QVERIFY(m_panel->toolTipAt(lossTile.center()).contains(QStringLiteral("raises the loss")));
    // Tiles never overlap each other.
    for (int a = -1; a < 10; ++a)
        for (int b = a + 1; b < 10; ++b)
            QVERIFY(!m_panel->tileRect(a).intersects(m_panel->tileRect(b)));
}

void TestHeatMapPanel::renderIsNotBlank()
{
    setUpRun();
    m_session->setCurrent(14);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->hasMaps(), 5000);
    const QImage image = m_panel->renderImage(QSize(560, 640), 1.0);
    QCOMPARE(image.size(), QSize(560, 640));
    int coloured = 0;
    int reddish = 0;
    int bluish = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c != Qt::white)
                ++coloured;
            if (c.red() > c.blue() + 60 && c.red() > c.green() + 60)
                ++reddish;
            if (c.blue() > c.red() + 60)
                ++bluish;
        }
    QVERIFY2(coloured > 20000, qPrintable(QString::number(coloured)));
    QVERIFY(reddish > 200); // positive gradients (and the colour bars)
    QVERIFY(bluish > 200);  // negative gradients

    QBuffer svg;
    svg.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&svg);
    generator.setSize(QSize(560, 640));
    generator.setViewBox(QRect(0, 0, 560, 640));
    {
        QPainter painter(&generator);
        m_panel->render(&painter, QRectF(0, 0, 560, 640));
    }
    QVERIFY(svg.data().contains("<image"));
    QVERIFY(svg.data().size() > 5000);
    QCOMPARE(m_panel->exportActions().size(), 3);
}

// A Grad-CAM tile with nothing to show (zero everywhere: nothing in the last
// convolution supports that class) is not left blank without a word: the
// tile says why, in dark type inside the tile, and so does its tooltip; a
// tile that shows a map says nothing over it.
void TestHeatMapPanel::blankTileSaysWhy()
{
    setUpRun();
    m_session->setCurrent(m_session->trainCount() + 3);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->hasMaps(), 5000);
    m_panel->setMethod(HeatMapPanel::Method::GradCam);
    const HeatMapPanel::Scale scale = m_panel->classScale();
    int blank = 0, shown = 0;
    const QImage grab = m_panel->canvas()->grab().toImage();
    const qreal dpr = grab.devicePixelRatio();
    for (int k = 0; k < 10; ++k) {
        const std::vector<float> values = m_panel->tileValues(k);
        const float top = *std::max_element(values.begin(), values.end());
        const QString note = m_panel->tileNote(k);
        // Dark text pixels inside the tile: the digit's ink is grey 102 at
        // its darkest and the Grad-CAM colours are never dark in every channel.
        const QRect inside = m_panel->tileRect(k).adjusted(3, 3, -3, -3).toRect();
        int dark = 0;
        for (int y = inside.top(); y <= inside.bottom(); ++y)
            for (int x = inside.left(); x <= inside.right(); ++x) {
                const QColor c = grab.pixelColor(int(x * dpr), int(y * dpr));
                dark += c.red() < 80 && c.green() < 80 && c.blue() < 80 ? 1 : 0;
            }
        if (top <= 0.1f * scale.hi) {
            ++blank;
            QVERIFY2(note.contains(QString::number(k)), qPrintable(note));
            QVERIFY2(note.contains(QStringLiteral("evidence")), qPrintable(note));
            if (top == 0.0f)
                QCOMPARE(note, QStringLiteral("no positive evidence for %1").arg(k));
            QVERIFY2(dark > 10, qPrintable(QStringLiteral("tile %1: no note drawn").arg(k)));
            QVERIFY(m_panel->toolTipAt(m_panel->tileRect(k).center()).contains(note));
        } else {
            ++shown;
            QVERIFY2(note.isEmpty(), qPrintable(note));
            QCOMPARE(dark, 0);
        }
    }
    qInfo("%d blank and %d shown Grad-CAM tiles", blank, shown);
    QVERIFY(blank > 0); // the untrained model finds no evidence for some classes
    QVERIFY(shown > 0);
    // The gradient (signed) is never zero everywhere for this model: a note
    // at most says it is too faint to see.
    m_panel->setMethod(HeatMapPanel::Method::Gradient);
    for (int k = 0; k < 10; ++k) {
        const QString note = m_panel->tileNote(k);
        QVERIFY2(note.isEmpty() || note.startsWith(QStringLiteral("hardly any")), qPrintable(note));
    }
}

QTEST_MAIN(TestHeatMapPanel)
#include "tst_heat_map_panel.moc"
