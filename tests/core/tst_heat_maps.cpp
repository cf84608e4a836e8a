// Heat maps: the class and loss gradients agree with finite differences of
// the model's own outputs (both architectures, untrained models), the loss
// map is the chain rule of the class maps, Grad-CAM is non-negative and
// shaped like the image, and bad
// arguments are refused.

#include "core/model/classifier.h"
#include "core/why/heat_maps.h"

#include <QtTest>
#include <cmath>
#include <random>
#include <stdexcept>

using namespace mnistx;
using namespace mnistx::why;

namespace
{

std::vector<float> randomImage(std::uint64_t seed)
{
    // A blurry blob of ink on background, like a digit, not uniform noise
    // (noise puts many ReLUs right at their kinks).
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> image(28 * 28);
    const float cx = 10 + 8 * u(rng), cy = 10 + 8 * u(rng);
    for (int r = 0; r < 28; ++r)
        for (int c = 0; c < 28; ++c) {
            const float d2 = (r - cy) * (r - cy) + (c - cx) * (c - cx);
            image[static_cast<std::size_t>(r * 28 + c)] =
                std::min(1.0f, std::exp(-d2 / 40.0f) + 0.05f * u(rng));
        }
    return image;
}

} // namespace

class TestHeatMaps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gradientsMatchFiniteDifferences_data();
    void gradientsMatchFiniteDifferences();
    void lossMapIsChainRuleOfClassMaps();
    void gradCamShape();
    void uint8OverloadMatchesFloat();
    void refusesBadArguments();
};

void TestHeatMaps::gradientsMatchFiniteDifferences_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("label");
    QTest::newRow("compact") << "compact" << 3;
    QTest::newRow("reference") << "reference" << 7;
}

// Directional derivatives along random directions v: (f(x + εv) − f(x − εv))
// / 2ε against ⟨∇f, v⟩, for every class logit and the loss.
void TestHeatMaps::gradientsMatchFiniteDifferences()
{
    QFETCH(QString, architecture);
    QFETCH(int, label);
    model::Classifier net(architecture.toStdString(), 5);
    const std::vector<float> x = randomImage(11);
    const HeatMaps maps = computeHeatMaps(net, x.data(), data::ImageShape{}, label);
    QCOMPARE(maps.classGradient.rows(), 10);
    QCOMPARE(maps.classGradient.cols(), 784);
    QCOMPARE(maps.lossGradient.size(), std::size_t(784));

    std::mt19937_64 rng(3);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    // ε: float32 logits carry ~1e-6 relative error; a step of 1e-2 along a
    // unit direction keeps that below 1e-3 of the difference, and is small
    // enough that few ReLUs or max-pool choices flip.
    const float eps = 1e-2f;
    double worst = 0.0;
    for (int trial = 0; trial < 4; ++trial) {
        std::vector<float> v(784);
        double norm = 0.0;
        for (float& e : v) {
            e = gauss(rng);
            norm += double(e) * e;
        }
        for (float& e : v)
            e = static_cast<float>(e / std::sqrt(norm));
        std::vector<float> plus(x), minus(x);
        for (std::size_t p = 0; p < 784; ++p) {
            plus[p] += eps * v[p];
            minus[p] -= eps * v[p];
        }
        const HeatMaps up = computeHeatMaps(net, plus.data(), data::ImageShape{}, label);
        const HeatMaps down = computeHeatMaps(net, minus.data(), data::ImageShape{}, label);
        for (int k = 0; k <= 10; ++k) {
            double analytic = 0.0;
            for (int p = 0; p < 784; ++p)
                analytic += double(k < 10 ? maps.classGradient(k, p)
                                          : maps.lossGradient[static_cast<std::size_t>(p)]) *
                            v[static_cast<std::size_t>(p)];
            const double numeric = k < 10 ? (double(up.logits[static_cast<std::size_t>(k)]) -
                                             down.logits[static_cast<std::size_t>(k)]) /
                                                (2 * eps)
                                          : (double(up.loss) - down.loss) / (2 * eps);
            const double error = std::abs(analytic - numeric) / (std::abs(numeric) + 1e-2);
            worst = std::max(worst, error);
        }
    }
    qInfo("%s: worst relative error of 44 directional derivatives: %.2e", qPrintable(architecture),
          worst);
    QVERIFY2(worst < 0.05, qPrintable(QString::number(worst)));
}

void TestHeatMaps::lossMapIsChainRuleOfClassMaps()
{
    // d loss/dx = Σ_k (p_k − [k = label]) d logit_k/dx: the two kinds of map
    // come from different rows of one backward pass and must agree.
    model::Classifier net("compact", 9);
    const std::vector<float> x = randomImage(12);
    const HeatMaps maps = computeHeatMaps(net, x.data(), data::ImageShape{}, 4);
    float maxAbs = 0.0f, maxDiff = 0.0f;
    for (int p = 0; p < 784; ++p) {
        double chain = 0.0;
        for (int k = 0; k < 10; ++k)
            chain += (maps.probabilities[static_cast<std::size_t>(k)] - (k == 4 ? 1.0 : 0.0)) *
                     maps.classGradient(k, p);
        maxAbs = std::max(maxAbs, std::abs(maps.lossGradient[static_cast<std::size_t>(p)]));
        maxDiff = std::max(maxDiff,
                           float(std::abs(chain - maps.lossGradient[static_cast<std::size_t>(p)])));
    }
    QVERIFY(maxAbs > 0.0f);
    QVERIFY2(maxDiff <= 1e-4f * maxAbs + 1e-7f, qPrintable(QString::number(maxDiff / maxAbs)));
    QVERIFY(std::abs(maps.loss + std::log(maps.probabilities[4])) < 1e-4f);
}

void TestHeatMaps::gradCamShape()
{
    for (const char* architecture : {"compact", "reference"}) {
        model::Classifier net(architecture, 2);
        const std::vector<float> x = randomImage(13);
        const HeatMaps maps = computeHeatMaps(net, x.data(), data::ImageShape{}, 0);
        QCOMPARE(maps.gradCam.rows(), 10);
        QCOMPARE(maps.gradCam.cols(), 784);
        QVERIFY(maps.gradCam.allFinite());
        QVERIFY(maps.gradCam.minCoeff() >= 0.0f);
        QVERIFY(maps.gradCam.maxCoeff() > 0.0f); // some class has support somewhere
    }
}

void TestHeatMaps::uint8OverloadMatchesFloat()
{
    model::Classifier net("compact", 4);
    std::vector<std::uint8_t> image(784);
    std::vector<float> pixels(784);
    for (int p = 0; p < 784; ++p) {
        image[static_cast<std::size_t>(p)] = static_cast<std::uint8_t>((p * 37) % 256);
        pixels[static_cast<std::size_t>(p)] = image[static_cast<std::size_t>(p)] / 255.0f;
    }
    const HeatMaps a = computeHeatMaps(net, image.data(), data::ImageShape{}, 1);
    const HeatMaps b = computeHeatMaps(net, pixels.data(), data::ImageShape{}, 1);
    QVERIFY(a.classGradient == b.classGradient);
    QVERIFY(a.lossGradient == b.lossGradient);
    // And the model's inference agrees with the maps' logits.
    const auto out = net.infer(image.data(), 1, data::ImageShape{});
    for (int k = 0; k < 10; ++k)
        QVERIFY(std::abs(out.logits(0, k) - a.logits[static_cast<std::size_t>(k)]) < 1e-4f);
}

void TestHeatMaps::refusesBadArguments()
{
    model::Classifier net("compact", 1);
    std::vector<float> x(784, 0.0f);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             computeHeatMaps(net, x.data(), data::ImageShape{}, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             computeHeatMaps(net, x.data(), data::ImageShape{}, -1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             computeHeatMaps(net, x.data(), data::ImageShape{1, 14, 56}, 0));
    std::vector<std::uint8_t> bytes(784, 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             computeHeatMaps(net, bytes.data(), data::ImageShape{1, -3, 28}, 0));
}

QTEST_GUILESS_MAIN(TestHeatMaps)
#include "tst_heat_maps.moc"
