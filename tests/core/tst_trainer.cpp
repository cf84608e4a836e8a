// The model and the trainer on real MNIST: near-chance before training, > 0.9
// after a short training on a few thousand samples, cancellation within one
// batch, reproducibility, checkpoint resume, model serialisation, and the
// network's layer order and layout against the study's.
#include "core/model/classifier.h"
#include "core/model/classifier_impl.h"
#include "core/training/trainer.h"
#include "mnist_fixture.h"

#include <QtTest>
#include <array>
#include <atomic>
#include <thread>

using namespace mnistx;

class TestTrainer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void untrainedModelIsNearChance();
    void shortTrainingBeatsNinetyPercent();
    void cancelStopsWithinOneBatch();
    void cancelFromAnotherThread();
    void sameSeedGivesIdenticalMetrics();
    void checkpointResumeMatchesUninterruptedRun();
    void modelBytesRoundTrip();
    void layersComputeWhatTheStudysOrderComputes();
    void damagedModelBytesAreRefused();
    void wrongImageSizeIsRefused();
    void badSettingsAreRefused();
};

namespace
{

training::TrainConfig smallConfig(int epochs = 1)
{
    training::TrainConfig c;
    c.epochs = epochs;
    c.trainLimit = 2000;
    c.validationLimit = 1000;
    return c;
}

} // namespace

void TestTrainer::untrainedModelIsNearChance()
{
    MNISTX_REQUIRE_MNIST(mnist);
    model::Classifier untrained("compact", 7);
    const auto sanity = training::runSanityCheck(untrained, mnist->train, 1000);
    QCOMPARE(sanity.sampleCount, 1000);
    QCOMPARE(int(sanity.predictions.size()), 1000);
    // Ten classes: chance is 0.1. An untrained net can favour a few classes,
    // but it cannot be far above chance.
    QVERIFY2(sanity.accuracy < 0.25, qPrintable(QString::number(sanity.accuracy)));
    int total = 0;
    for (int c : sanity.predictionCounts)
        total += c;
    QCOMPARE(total, 1000);
}

void TestTrainer::shortTrainingBeatsNinetyPercent()
{
    MNISTX_REQUIRE_MNIST(mnist);
    model::Classifier net("compact", 1);
    training::TrainConfig config = smallConfig(3);
    config.trainLimit = 4000;
    training::Trainer trainer(net, config);
    int batches = 0, epochs = 0;
    training::TrainCallbacks cb;
    cb.onBatch = [&](const training::BatchReport& r) {
        ++batches;
        QVERIFY(r.samplesPerSecond > 0);
        QVERIFY(r.etaSeconds >= 0);
    };
    cb.onEpoch = [&](const training::EpochReport&) { ++epochs; };
    const auto history = trainer.train(mnist->train, mnist->validation, cb);
    QCOMPARE(epochs, 3);
    QCOMPARE(batches, 3 * (4000 / 128));
    QVERIFY(!history.cancelled);
    const auto v = training::evaluate(net, mnist->validation, 2000);
    QVERIFY2(v.accuracy > 0.9, qPrintable(QString::number(v.accuracy)));
    QCOMPARE(history.epochs.back().validationAccuracy > 0.9, true);
    QVERIFY(history.epochs.back().trainLoss < history.epochs.front().trainLoss);
}

void TestTrainer::cancelStopsWithinOneBatch()
{
    MNISTX_REQUIRE_MNIST(mnist);
    model::Classifier net("compact", 1);
    training::Trainer trainer(net, smallConfig(2));
    std::atomic<bool> cancel{false};
    int batchesAfterCancel = 0;
    training::TrainCallbacks cb;
    cb.cancel = &cancel;
    cb.onBatch = [&](const training::BatchReport& r) {
        if (cancel)
            ++batchesAfterCancel;
        if (r.batch == 4)
            cancel = true;
    };
    const auto history = trainer.train(mnist->train, mnist->validation, cb);
    QVERIFY(history.cancelled);
    QCOMPARE(batchesAfterCancel, 0);
    QCOMPARE(int(history.batches.size()), 5);
    QVERIFY(history.epochs.empty());
    // The model stays consistent: it still classifies.
    const auto v = training::evaluate(net, mnist->validation, 200);
    QVERIFY(std::isfinite(v.loss));
}

void TestTrainer::cancelFromAnotherThread()
{
    MNISTX_REQUIRE_MNIST(mnist);
    model::Classifier net("compact", 1);
    training::Trainer trainer(net, smallConfig(5));
    std::atomic<bool> cancel{false};
    std::atomic<int> batchesSeen{0};
    int batchesAtCancel = -1;
    training::TrainCallbacks cb;
    cb.cancel = &cancel;
    cb.onBatch = [&](const training::BatchReport&) { ++batchesSeen; };
    std::thread canceller([&] {
        while (batchesSeen < 3)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        batchesAtCancel = batchesSeen.load();
        cancel = true;
    });
    const auto history = trainer.train(mnist->train, mnist->validation, cb);
    canceller.join();
    QVERIFY(history.cancelled);
    // The flag is polled before every batch: at most the batch in flight ends.
    QVERIFY2(batchesSeen - batchesAtCancel <= 1,
             qPrintable(QString("%1 batches after cancel").arg(batchesSeen - batchesAtCancel)));
}

void TestTrainer::sameSeedGivesIdenticalMetrics()
{
    MNISTX_REQUIRE_MNIST(mnist);
    auto trainOnce = [&](std::uint64_t seed) {
        model::Classifier net("compact", seed);
        training::TrainConfig config = smallConfig(1);
        config.seed = seed;
        training::Trainer trainer(net, config);
        return trainer.train(mnist->train, mnist->validation);
    };
    const auto a = trainOnce(3), b = trainOnce(3), c = trainOnce(4);
    QCOMPARE(a.batches.size(), b.batches.size());
    for (std::size_t i = 0; i < a.batches.size(); ++i)
        QCOMPARE(a.batches[i].loss, b.batches[i].loss);
    QCOMPARE(a.epochs.back().validationLoss, b.epochs.back().validationLoss);
    QCOMPARE(a.epochs.back().validationAccuracy, b.epochs.back().validationAccuracy);
    QVERIFY(a.epochs.back().validationLoss != c.epochs.back().validationLoss);
}

void TestTrainer::checkpointResumeMatchesUninterruptedRun()
{
    MNISTX_REQUIRE_MNIST(mnist);
    QTemporaryDir dir;
    const std::string path = dir.filePath("checkpoint.pt").toStdString();
    training::TrainConfig config = smallConfig(2);

    model::Classifier straight("compact", 5);
    training::Trainer straightTrainer(straight, config);
    const auto full = straightTrainer.train(mnist->train, mnist->validation);

    // Train one epoch, stop, save; resume in a fresh model and trainer.
    {
        model::Classifier first("compact", 5);
        training::TrainConfig oneEpoch = config;
        training::Trainer t(first, config);
        std::atomic<bool> cancel{false};
        training::TrainCallbacks cb;
        cb.cancel = &cancel;
        cb.onEpoch = [&](const training::EpochReport&) { cancel = true; };
        t.train(mnist->train, mnist->validation, cb);
        QCOMPARE(t.completedEpochs(), 1);
        t.saveCheckpoint(path);
    }
    model::Classifier resumed("compact", 99); // other initial weights: the checkpoint wins
    training::Trainer resumedTrainer(resumed, config);
    resumedTrainer.loadCheckpoint(path);
    QCOMPARE(resumedTrainer.completedEpochs(), 1);
    const auto rest = resumedTrainer.train(mnist->train, mnist->validation);
    QCOMPARE(int(rest.epochs.size()), 1);
    QCOMPARE(rest.epochs.back().epoch, 1);
    QVERIFY(std::abs(rest.epochs.back().validationLoss - full.epochs.back().validationLoss) < 1e-5);
}

void TestTrainer::modelBytesRoundTrip()
{
    MNISTX_REQUIRE_MNIST(mnist);
    model::Classifier net("compact", 11);
    const std::string bytes = net.toBytes();
    const model::Classifier copy = model::Classifier::fromBytes(bytes);
    QCOMPARE(QString::fromStdString(copy.architecture()), QString("compact"));
    const auto a = net.infer(mnist->validation.images.data(), 64, data::ImageShape{});
    const auto b = copy.infer(mnist->validation.images.data(), 64, data::ImageShape{});
    QVERIFY(a.logits.isApprox(b.logits, 1e-6f));
    QVERIFY(a.features.isApprox(b.features, 1e-6f));
    QCOMPARE(int(a.features.cols()), net.featureDim());

    model::Classifier reference("reference", 1);
    const auto r = model::Classifier::fromBytes(reference.toBytes());
    QCOMPARE(QString::fromStdString(r.architecture()), QString("reference"));
}

namespace
{

// The reference network's parameters, in the order its layers use them.
constexpr std::array<const char*, 10> kReferenceParameters{
    "conv1.weight", "conv1.bias",   "conv2.weight", "conv2.bias", "conv3.weight",
    "conv3.bias",   "dense.weight", "dense.bias",   "out.weight", "out.bias"};

bool convWeightsAreChannelsLast(const model::Classifier& net)
{
    int convs = 0;
    for (const auto& p : net.impl().net->parameters())
        if (p.dim() == 4) {
            ++convs;
            // The strides decide the layout: with one input channel both
            // layouts are the same memory, and is_contiguous() holds for both.
            if (p.suggest_memory_format() != torch::MemoryFormat::ChannelsLast)
                return false;
        }
    return convs > 0;
}

} // namespace

// The network pools before its ReLUs and keeps its weights channels-last
// for speed; the values and gradients must be those of the study's order
// (convolution, ReLU, pooling) on plain NCHW tensors.
void TestTrainer::layersComputeWhatTheStudysOrderComputes()
{
    MNISTX_REQUIRE_MNIST(mnist);
    model::Classifier trained("reference", 3);
    training::TrainConfig config = smallConfig(1);
    config.architecture = "reference";
    config.trainLimit = 512; // a few steps, so that weights are no longer their initial ones
    training::Trainer(trained, config).train(mnist->train, mnist->validation);
    QVERIFY(convWeightsAreChannelsLast(trained));
    // Stored NCHW, as models saved before the change were: read back, the
    // weights are channels-last again.
    {
        torch::NoGradGuard noGrad;
        for (auto& p : trained.impl().net->parameters())
            p.set_data(p.contiguous());
    }
    QVERIFY(!convWeightsAreChannelsLast(trained));
    model::Classifier net = model::Classifier::fromBytes(trained.toBytes());
    QVERIFY(convWeightsAreChannelsLast(net));

    model::Cnn& cnn = net.impl().net;
    auto params = cnn->named_parameters();
    auto plain = [&](const char* name) { return params[name].detach().contiguous().clone(); };
    std::vector<torch::Tensor> own;
    for (const char* name : kReferenceParameters)
        own.push_back(plain(name).requires_grad_(true));
    const int n = 32;
    auto images = model::imagesToTensor(mnist->validation.images.data(), n, data::ImageShape{});
    auto labels = torch::arange(n, torch::kLong).remainder(10);

    namespace F = torch::nn::functional;
    auto conv = [&](const torch::Tensor& in, int layer) {
        return F::conv2d(in, own[2 * layer], F::Conv2dFuncOptions().bias(own[2 * layer + 1]));
    };
    auto x = torch::max_pool2d(torch::relu(conv(images, 0)), 2);
    x = torch::max_pool2d(torch::relu(conv(x, 1)), 2);
    x = torch::relu(conv(x, 2)).flatten(1);
    auto studyLogits = F::linear(torch::relu(F::linear(x, own[6], own[7])), own[8], own[9]);
    F::cross_entropy(studyLogits, labels).backward();

    cnn->train();
    cnn->zero_grad();
    auto logits = cnn->forward(images);
    F::cross_entropy(logits, labels).backward();
    QVERIFY(torch::allclose(logits, studyLogits, 1e-4, 1e-5));
    for (std::size_t i = 0; i < kReferenceParameters.size(); ++i) {
        const char* name = kReferenceParameters[i];
        const auto& grad = params[name].grad();
        QVERIFY2(grad.defined() && own[i].grad().abs().sum().item<double>() > 0, name);
        QVERIFY2(torch::allclose(grad, own[i].grad(), 1e-3, 1e-5), name);
    }
}

void TestTrainer::damagedModelBytesAreRefused()
{
    model::Classifier net("compact", 11);
    std::string bytes = net.toBytes();
    QVERIFY_THROWS_EXCEPTION(model::ModelError, model::Classifier::fromBytes("", "empty.pt"));
    QVERIFY_THROWS_EXCEPTION(model::ModelError,
                             model::Classifier::fromBytes(bytes.substr(0, bytes.size() / 2)));
    try {
        model::Classifier::fromBytes("not a model at all", "junk.pt");
        QFAIL("no exception");
    } catch (const model::ModelError& e) {
        QVERIFY2(QString(e.what()).startsWith("junk.pt"), e.what());
    }
}

void TestTrainer::wrongImageSizeIsRefused()
{
    data::Dataset d;
    d.count = 4;
    d.rows = d.cols = 32;
    d.classCount = 10;
    d.images.assign(4 * 32 * 32, 0);
    d.labels.assign(4, 1);
    model::Classifier net;
    training::Trainer trainer(net, training::TrainConfig{});
    try {
        trainer.train(d, d);
        QFAIL("no exception");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("32×32"), e.what());
    }
}

void TestTrainer::badSettingsAreRefused()
{
    model::Classifier net;
    training::TrainConfig c;
    c.batchSize = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, training::Trainer(net, c));
    c = {};
    c.schedule = "sometimes";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, training::Trainer(net, c));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model::Classifier("resnet152"));
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
