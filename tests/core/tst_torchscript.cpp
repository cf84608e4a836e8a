// The user's own model: TorchScript archives made here with
// torch::jit::Module::define (no Python needed), evaluated by the pipeline
// instead of a trained model. What the app computes for them is checked
// against direct libtorch calls on the same images; every way a model file
// can be wrong gets a message naming the file and the problem, and a
// headless run then writes nothing.

#include "../common/idx_test_files.h"
#include "../common/message_of.h"
#include "core/analysis/analysis_types.h"
#include "core/data/dataset_folder.h"
#include "core/model/classifier.h"
#include "core/model/torchscript_archive.h"
#include "core/pipeline/headless.h"
#include "core/pipeline/pipeline.h"
#include "core/store/run_store.h"
#include "core/training/trainer.h"
#include "core/why/heat_maps.h"
#include "mnist_fixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <torch/script.h>
#include <torch/torch.h>
#include <utility>
#include <vector>

using namespace mnistx;

namespace
{

constexpr int kTrain = 600;
constexpr int kValidation = 200;

// A small convolutional net in TorchScript: a strided convolution, pooling,
// a 32-wide feature layer and `classes` logits; with `features` it returns
// (logits, features), else logits alone. `inputValues` is C·H·W of the images
// it is made for after pooling to 4×4 (so any size fits the convolution) —
// set `flatInput` to take C·H·W pixels directly instead, which fixes the size.
torch::jit::Module makeModel(int classes, bool features, int channels = 1, int flatInput = 0)
{
    torch::manual_seed(7);
    torch::jit::Module m("UserNet");
    m.register_parameter("cw", torch::randn({8, channels, 3, 3}) * 0.3, false);
    m.register_parameter("cb", torch::randn({8}) * 0.1, false);
    const int hidden = flatInput > 0 ? flatInput : 8 * 4 * 4;
    m.register_parameter("w1", torch::randn({hidden, 32}) * (1.0 / std::sqrt(hidden)), false);
    m.register_parameter("b1", torch::randn({32}) * 0.1, false);
    m.register_parameter("w2", torch::randn({32, classes}) * 0.5, false);
    m.register_parameter("b2", torch::randn({classes}) * 0.1, false);
    const std::string body =
        flatInput > 0 ? "        h = torch.flatten(x, 1)\n"
                      : "        h = torch.relu(torch.conv2d(x, self.cw, self.cb, [2, 2]))\n"
                        "        h = torch.flatten(torch.adaptive_avg_pool2d(h, [4, 4]), 1)\n";
    m.define("def forward(self, x):\n" + body +
             "        f = torch.relu(torch.matmul(h, self.w1) + self.b1)\n"
             "        logits = torch.matmul(f, self.w2) + self.b2\n" +
             (features ? "        return logits, f\n" : "        return logits\n"));
    m.eval();
    return m;
}

// A model whose forward is `body` (TorchScript, taking x).
torch::jit::Module scriptedBody(const std::string& body)
{
    torch::jit::Module m("OddNet");
    m.register_parameter("w", torch::ones({784, 10}) * 0.01, false);
    m.define("def forward(self, x):\n" + body);
    return m;
}

std::string saved(torch::jit::Module& m, const QTemporaryDir& dir, const std::string& name)
{
    const std::string path = dir.path().toStdString() + "/" + name;
    m.save(path);
    return path;
}

// A zip archive of stored (uncompressed) entries, as the zip format says:
// local headers with the data, then the central directory and its end
// record (CRCs left 0: the archive checks refuse these files first).
std::vector<std::uint8_t> storedZip(const std::vector<std::pair<std::string, std::string>>& files)
{
    std::vector<std::uint8_t> out, directory;
    auto put = [](std::vector<std::uint8_t>& v, std::uint64_t value, int bytes) {
        for (int i = 0; i < bytes; ++i)
            v.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    };
    for (const auto& [name, data] : files) {
        const std::size_t offset = out.size();
        put(out, 0x04034b50, 4);
        put(out, 20, 2); // version needed
        put(out, 0, 2);  // flags
        put(out, 0, 2);  // stored
        put(out, 0, 4);  // time, date
        put(out, 0, 4);  // crc
        put(out, data.size(), 4);
        put(out, data.size(), 4);
        put(out, name.size(), 2);
        put(out, 0, 2);
        out.insert(out.end(), name.begin(), name.end());
        out.insert(out.end(), data.begin(), data.end());
        put(directory, 0x02014b50, 4);
        put(directory, 20, 2);
        put(directory, 20, 2);
        put(directory, 0, 2);
        put(directory, 0, 2);
        put(directory, 0, 4);
        put(directory, 0, 4);
        put(directory, data.size(), 4);
        put(directory, data.size(), 4);
        put(directory, name.size(), 2);
        put(directory, 0, 2); // extra
        put(directory, 0, 2); // comment
        put(directory, 0, 2); // disk
        put(directory, 0, 2); // internal attributes
        put(directory, 0, 4); // external attributes
        put(directory, offset, 4);
        directory.insert(directory.end(), name.begin(), name.end());
    }
    const std::size_t directoryOffset = out.size();
    out.insert(out.end(), directory.begin(), directory.end());
    put(out, 0x06054b50, 4);
    put(out, 0, 4);
    put(out, files.size(), 2);
    put(out, files.size(), 2);
    put(out, directory.size(), 4);
    put(out, directoryOffset, 4);
    put(out, 0, 2);
    return out;
}

using test::messageOf;

// The pixels of `count` images of d from `first` as the contract's tensor.
torch::Tensor contractInput(const data::Dataset& d, int first, int count)
{
    auto bytes = torch::from_blob(const_cast<std::uint8_t*>(d.image(first)),
                                  {count, d.rows, d.cols, d.channels}, torch::kUInt8);
    return bytes.permute({0, 3, 1, 2}).to(torch::kFloat32).div(255.0).contiguous();
}

} // namespace

class TestTorchScript : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resultsAreLibtorchs();
    void logitsOnlyStandInForFeatures();
    void storedRunReopensTheModel();
    void heatMapsForAnyModel();
    void badModelRefused_data();
    void badModelRefused();
    void archiveChecks_data();
    void archiveChecks();

private:
    pipeline::PipelineConfig config(const std::string& model, const std::string& out = {}) const
    {
        pipeline::PipelineConfig c;
        c.dataFolder = m_data;
        c.modelFile = model;
        c.outDir = out;
        c.projection = "pca";
        c.train.threads = 1;
        return c;
    }

    QTemporaryDir m_dir;
    std::string m_data;
    std::shared_ptr<const data::DatasetSplits> m_splits;
};

void TestTorchScript::initTestCase()
{
    MNISTX_REQUIRE_MNIST(mnist);
    QVERIFY(m_dir.isValid());
    m_data = m_dir.path().toStdString() + "/mnist";
    QVERIFY(QDir().mkpath(QString::fromStdString(m_data)));
    testing::writeMnistSubset(*mnist, kTrain, kValidation, m_data);
    m_splits = std::make_shared<const data::DatasetSplits>(data::loadDataset(m_data));
}

void TestTorchScript::resultsAreLibtorchs()
{
    torch::jit::Module model = makeModel(10, true);
    const std::string path = saved(model, m_dir, "user.pt");
    const auto run = pipeline::runPipeline(config(path));
    QCOMPARE(run->importedModel, QDir(QString::fromStdString(path)).absolutePath().toStdString());
    QVERIFY(!run->featuresAreLogits);
    QVERIFY(run->history.epochs.empty()); // evaluated, not trained

    for (const auto* subset : {&run->train, &run->validation}) {
        const data::Dataset& d = subset == &run->train ? m_splits->train : m_splits->validation;
        QCOMPARE(subset->sampleCount(), d.count);
        torch::NoGradGuard noGrad;
        const auto out = model.forward({contractInput(d, 0, d.count)}).toTuple();
        const auto logits = out->elements()[0].toTensor();
        const auto features = out->elements()[1].toTensor();
        const auto losses = torch::nn::functional::cross_entropy(
            logits, torch::tensor(std::vector<std::int64_t>(d.labels.begin(), d.labels.end())),
            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
        QCOMPARE(subset->features.cols(), 32);
        double worstLoss = 0, worstLogit = 0, worstFeature = 0;
        for (int i = 0; i < d.count; ++i) {
            worstLoss = std::max(worstLoss, std::abs(subset->losses[i] - losses[i].item<double>()));
            for (int k = 0; k < 10; ++k)
                worstLogit = std::max(worstLogit,
                                      std::abs(subset->logits(i, k) - logits[i][k].item<double>()));
            for (int j = 0; j < 32; ++j)
                worstFeature = std::max(
                    worstFeature, std::abs(subset->features(i, j) - features[i][j].item<double>()));
            QCOMPARE(int(subset->predictions[i]), int(logits[i].argmax().item<std::int64_t>()));
        }
        QVERIFY2(worstLoss < 1e-4, qPrintable(QString::number(worstLoss)));
        QVERIFY2(worstLogit < 1e-4, qPrintable(QString::number(worstLogit)));
        QVERIFY2(worstFeature < 1e-4, qPrintable(QString::number(worstFeature)));
    }
    // Centroids stay pixel space: the model does not change them.
    QCOMPARE(run->centroids.means.cols(), 784);
}

void TestTorchScript::logitsOnlyStandInForFeatures()
{
    torch::jit::Module model = makeModel(10, false);
    const std::string path = saved(model, m_dir, "logits_only.pt");
    const std::string out = m_dir.path().toStdString() + "/logits_run";
    std::ostringstream log;
    const auto run = pipeline::runHeadless(config(path, out), log);
    QVERIFY(run->featuresAreLogits);
    QCOMPARE(run->validation.features.cols(), 10);
    QVERIFY(run->validation.features.isApprox(run->validation.logits));
    QVERIFY2(log.str().find("logits only") != std::string::npos, log.str().c_str());
    QFile summary(QString::fromStdString(out + "/summary.json"));
    QVERIFY(summary.open(QIODevice::ReadOnly));
    const QByteArray text = summary.readAll();
    QVERIFY2(text.contains("\"source\": \"torchscript\""), text.constData());
    QVERIFY2(text.contains("logits (the model returns no features"), text.constData());
}

void TestTorchScript::storedRunReopensTheModel()
{
    torch::jit::Module model = makeModel(10, true);
    const std::string path = saved(model, m_dir, "stored.pt");
    const std::string out = m_dir.path().toStdString() + "/stored_run";
    const auto run = pipeline::runPipeline(config(path, out));
    // The run keeps the archive: the model file may be gone when it reopens.
    QVERIFY(QFile::remove(QString::fromStdString(path)));
    const store::RunData stored = store::loadRun(out);
    QCOMPARE(stored.importedModel, run->importedModel);
    const model::Classifier reopened = model::Classifier::fromBytes(stored.modelBytes, "run.bin");
    QVERIFY(reopened.isImported());
    QCOMPARE(reopened.architecture(), std::string("TorchScript"));
    const auto again =
        reopened.infer(m_splits->validation.images.data(), 50, m_splits->validation.shape());
    QVERIFY(again.logits.isApprox(run->validation.logits.topRows(50), 1e-6f));
    // An imported model is evaluated, never trained.
    QVERIFY(!messageOf([&] {
                 model::Classifier c = model::Classifier::fromBytes(stored.modelBytes, "run.bin");
                 training::Trainer trainer(c, {});
             }).isEmpty());
}

void TestTorchScript::heatMapsForAnyModel()
{
    torch::jit::Module model = makeModel(10, true);
    const std::string path = saved(model, m_dir, "maps.pt");
    model::Classifier imported = model::Classifier::fromTorchScript(path, {1, 28, 28});
    const data::Dataset& d = m_splits->validation;
    const int label = d.labels[3];
    const why::HeatMaps maps = why::computeHeatMaps(imported, d.image(3), d.shape(), label);
    QCOMPARE(maps.gradCam.rows(), 0); // our layers only
    QCOMPARE(maps.classGradient.rows(), 10);
    QCOMPARE(maps.classOcclusion.rows(), 10);
    QCOMPARE(int(maps.lossOcclusion.size()), 784);

    // The gradient of logit `label`, from libtorch directly.
    auto x = contractInput(d, 3, 1).requires_grad_(true);
    auto logits = model.forward({x}).toTuple()->elements()[0].toTensor();
    auto grad = torch::autograd::grad({logits[0][label]}, {x})[0].reshape({784});
    double worst = 0, scale = 0;
    for (int p = 0; p < 784; ++p) {
        worst = std::max(worst, std::abs(maps.classGradient(label, p) - grad[p].item<double>()));
        scale = std::max(scale, std::abs(grad[p].item<double>()));
    }
    QVERIFY(scale > 0);
    QVERIFY2(worst < 1e-5 * std::max(1.0, scale), qPrintable(QString::number(worst)));
    // Gradient × input is zero on background pixels and the product elsewhere.
    const float* pixels = nullptr;
    std::vector<float> image(784);
    for (int p = 0; p < 784; ++p)
        image[p] = d.image(3)[p] / 255.0f;
    pixels = image.data();
    for (int p = 0; p < 784; ++p)
        QVERIFY(std::abs(maps.classGradientTimesInput(label, p) -
                         maps.classGradient(label, p) * pixels[p]) < 1e-5);

    // Occlusion: hiding the top-left cell (4×4 pixels) changes logit k by the
    // map's value there, as a direct forward pass of the hidden image says.
    torch::NoGradGuard noGrad;
    auto hidden = contractInput(d, 3, 1).clone();
    hidden.narrow(2, 8, 4).narrow(3, 12, 4).zero_();
    auto clean = model.forward({contractInput(d, 3, 1)}).toTuple()->elements()[0].toTensor();
    auto changed = model.forward({hidden}).toTuple()->elements()[0].toTensor();
    for (int k = 0; k < 10; ++k)
        QVERIFY(std::abs(maps.classOcclusion(k, 8 * 28 + 12) -
                         (clean[0][k] - changed[0][k]).item<double>()) < 1e-4);
}

void TestTorchScript::badModelRefused_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no such file") << "missing"
                                  << "no such file";
    QTest::newRow("a text file") << "text"
                                 << "not a TorchScript archive";
    QTest::newRow("a Python pickle") << "pickle"
                                     << "torch.jit.script(model)";
    QTest::newRow("torch.save of a module") << "torch.save"
                                            << "pickled Python module";
    QTest::newRow("saved by a newer PyTorch") << "newer"
                                              << "file format 99 by a newer PyTorch";
    QTest::newRow("another class count") << "classes"
                                         << "returns 5 logits per image, but the data";
    QTest::newRow("another input shape") << "shape"
                                         << "takes 32×32 RGB images (3×32×32), the data has "
                                            "28×28 grey (1×28×28)";
    QTest::newRow("a model that throws") << "throws"
                                         << "the model failed on 500×1×28×28 input: mat1 and mat2 "
                                            "shapes cannot be multiplied (500x784 and 3x3) (images "
                                            "0 to 499)";
    QTest::newRow("a model that returns NaN") << "nan"
                                              << ""; // computed below
    QTest::newRow("a model that returns a string") << "string"
                                                   << "the contract is a tensor of logits";
}

void TestTorchScript::badModelRefused()
{
    QFETCH(QString, scenario);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/model.pt";
    if (scenario == QLatin1String("text")) {
        testing::writeBytes(path, {'h', 'e', 'l', 'l', 'o', '\n'});
    } else if (scenario == QLatin1String("pickle")) {
        testing::writeBytes(path, {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc});
    } else if (scenario == QLatin1String("torch.save")) {
        testing::writeBytes(
            path, storedZip({{"model/data.pkl", "\x80\x02}q\x00."}, {"model/version", "3\n"}}));
    } else if (scenario == QLatin1String("newer")) {
        testing::writeBytes(path, storedZip({{"model/data.pkl", "."},
                                             {"model/code/__torch__.py", "x"},
                                             {"model/constants.pkl", "."},
                                             {"model/version", "99\n"}}));
    } else if (scenario == QLatin1String("classes")) {
        torch::jit::Module m = makeModel(5, true);
        m.save(path);
    } else if (scenario == QLatin1String("shape")) {
        torch::jit::Module m = makeModel(10, true, 3, 3 * 32 * 32);
        m.save(path);
    } else if (scenario == QLatin1String("throws")) {
        torch::jit::Module m =
            scriptedBody("    if bool(x.sum() > 1.0):\n"
                         "        return torch.matmul(torch.flatten(x, 1), torch.ones([3, 3]))\n"
                         "    return torch.matmul(torch.flatten(x, 1), self.w)\n");
        m.save(path);
    } else if (scenario == QLatin1String("nan")) {
        torch::jit::Module m =
            scriptedBody("    return torch.log(torch.matmul(torch.flatten(x, 1), self.w) - 1.0)\n");
        m.save(path);
    } else if (scenario == QLatin1String("string")) {
        torch::jit::Module m = scriptedBody("    return 'logits'\n");
        m.save(path);
    }

    if (scenario == QLatin1String("nan")) {
        // log(Σ pixels · 0.01 − 1) is NaN (or −∞) for the first image with
        // less ink than that.
        int first = 0;
        const data::Dataset& train = m_splits->train;
        while (first < train.count) {
            double ink = 0;
            for (int p = 0; p < train.valuesPerImage(); ++p)
                ink += train.image(first)[p] / 255.0;
            if (ink * 0.01 < 1.0)
                break;
            ++first;
        }
        QVERIFY(first > 0 && first < train.count); // the scenario needs a first good image
        expected = QStringLiteral("for train sample %1 (logit 0)").arg(first);
    }
    const std::string out = dir.path().toStdString() + "/out";
    std::ostringstream log;
    const QString message = messageOf([&] { pipeline::runHeadless(config(path, out), log); });
    QVERIFY2(!message.isEmpty(), "the bad model was accepted");
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.startsWith(QString::fromStdString(path)) ||
                 message.contains(QLatin1String("the model returned")),
             qPrintable(message));
    // Nothing written: at most the empty output folder.
    QVERIFY(QDir(QString::fromStdString(out))
                .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                .isEmpty());
}

void TestTorchScript::archiveChecks_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected"); // empty: accepted
    auto zip = [](const std::vector<std::pair<std::string, std::string>>& files) {
        const auto bytes = storedZip(files);
        return QByteArray(reinterpret_cast<const char*>(bytes.data()), int(bytes.size()));
    };
    QTest::newRow("TorchScript") << zip({{"m/code/__torch__.py", "x"}, {"m/version", "3\n"}}) << "";
    QTest::newRow("empty") << QByteArray() << "the file is empty";
    QTest::newRow("zip without code")
        << zip({{"m/weights.bin", "x"}}) << "not a TorchScript archive (no code/";
    QTest::newRow("cut directory") << zip({{"m/code/a.py", "x"}}).left(60) << "damaged zip archive";
    QByteArray lying = zip({{"m/code/a.py", "x"}});
    lying[lying.size() - 6] = char(0x7f); // the directory's offset points past the end
    QTest::newRow("directory outside the file") << lying << "damaged zip archive";
}

void TestTorchScript::archiveChecks()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString message = messageOf([&] {
        const auto archive = model::inspectTorchScriptArchive(
            std::string_view(bytes.constData(), std::size_t(bytes.size())), "f.pt", 10,
            "libtorch 1.13");
        QCOMPARE(archive.prefix, std::string("m"));
        QCOMPARE(archive.formatVersion, 3LL);
    });
    if (expected.isEmpty())
        QVERIFY2(message.isEmpty(), qPrintable(message));
    else
        QVERIFY2(message.startsWith(QLatin1String("f.pt: ")) && message.contains(expected),
                 qPrintable(message));
}

QTEST_GUILESS_MAIN(TestTorchScript)
#include "tst_torchscript.moc"
