#include "core/model/classifier.h"

#include "core/model/classifier_impl.h"
#include "core/model/tensor_memory_cache.h"
#include "core/model/torch_thread_share.h"
#include "core/model/torchscript_model.h"

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string_view>
#include <utility>

namespace mnistx::model
{

Cnn makeSeededCnn(const std::string& architecture, std::uint64_t seed, int classCount,
                  const data::ImageShape& input)
{
    // torch initialises weights from its global generator: the only way to
    // make initialisation reproducible is to seed it right before building.
    cacheTensorMemoryInAsanBuilds();
    static std::mutex seedMutex;
    std::lock_guard<std::mutex> lock(seedMutex);
    torch::manual_seed(seed);
    return Cnn(architecture, classCount, input);
}

Classifier::Classifier(const std::string& architecture, std::uint64_t seed, int classCount,
                       const data::ImageShape& input)
    : m_impl(std::make_unique<ClassifierImpl>())
{
    m_impl->net = makeSeededCnn(architecture, seed, classCount, input);
}

Classifier::Classifier(std::unique_ptr<ClassifierImpl> impl) : m_impl(std::move(impl)) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

namespace
{

// Classifier::toBytes of an imported model: this line, the input shape
// ("C H W\n"), then the archive as read.
constexpr std::string_view kScriptMagic = "MNISTX-TORCHSCRIPT 1\n";

// A batch's logits and features: contiguous float tensors of n rows.
using BatchForward = std::function<std::pair<torch::Tensor, torch::Tensor>(
    const torch::Tensor& batch, int first, int n)>;

// The batch loop of both kinds of model: images in batches through forward
// into one matrix of logits and one of features; progress(done, count)
// after each batch may stop it (then the rows done so far are returned and
// *completed is false).
Classifier::Outputs batchedInference(const std::uint8_t* images, int count,
                                     const data::ImageShape& shape, int batchSize, int classCount,
                                     int featureDim, const BatchForward& forward,
                                     const std::function<bool(int, int)>& progress, bool* completed)
{
    Classifier::Outputs out;
    out.logits.resize(count, classCount);
    out.features.resize(count, featureDim);
    bool finished = true;
    int done = 0;
    TorchThreadShare threads;
    while (done < count) {
        threads.step();
        const int n = std::min(batchSize, count - done);
        const auto [logits, features] = forward(
            imagesToTensor(images + static_cast<std::size_t>(done) * shape.values(), n, shape),
            done, n);
        std::memcpy(out.logits.data() + static_cast<std::size_t>(done) * classCount,
                    logits.data_ptr<float>(), sizeof(float) * n * classCount);
        std::memcpy(out.features.data() + static_cast<std::size_t>(done) * featureDim,
                    features.data_ptr<float>(), sizeof(float) * n * featureDim);
        done += n;
        if (progress && !progress(done, count) && done < count) {
            finished = false;
            break;
        }
    }
    if (!finished) {
        out.logits.conservativeResize(done, Eigen::NoChange);
        out.features.conservativeResize(done, Eigen::NoChange);
    }
    if (completed)
        *completed = finished;
    return out;
}

} // namespace

Classifier Classifier::fromTorchScript(const std::string& path, const data::ImageShape& input)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw ModelError(path + ": cannot open the model file (" +
                         (std::ifstream(path).good() ? "not readable" : "no such file") + ")");
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (file.bad())
        throw ModelError(path + ": cannot read the model file");
    auto impl = std::make_unique<ClassifierImpl>();
    impl->script = std::make_shared<ScriptModel>(loadScriptModel(std::move(bytes), path, input));
    return Classifier(std::move(impl));
}

bool Classifier::isImported() const
{
    return m_impl->script != nullptr;
}
bool Classifier::featuresAreLogits() const
{
    return m_impl->script && m_impl->script->featuresAreLogits;
}

std::string Classifier::architecture() const
{
    return m_impl->script ? "TorchScript" : m_impl->net->architecture;
}
int Classifier::featureDim() const
{
    return m_impl->script ? m_impl->script->featureDim : m_impl->net->featureDim;
}
int Classifier::classCount() const
{
    return m_impl->script ? m_impl->script->classCount : m_impl->net->classCount;
}
data::ImageShape Classifier::inputShape() const
{
    return m_impl->script ? m_impl->script->input : m_impl->net->input;
}

long long Classifier::parameterCount() const
{
    long long n = 0;
    if (m_impl->script) {
        for (const auto& p : m_impl->script->module.parameters())
            n += p.numel();
        return n;
    }
    for (const auto& p : m_impl->net->parameters())
        n += p.numel();
    return n;
}

Classifier::Outputs Classifier::infer(const std::uint8_t* images, int count,
                                      const data::ImageShape& shape, int batchSize,
                                      const std::function<bool(int, int)>& progress,
                                      bool* completed) const
{
    if (shape != inputShape())
        throw std::invalid_argument("the model takes " + inputShape().text() + " images, got " +
                                    shape.text());
    if (batchSize < 1)
        throw std::invalid_argument("batch size must be positive");
    torch::NoGradGuard noGrad; // grad mode is per thread: set it on the worker
    if (m_impl->script)
        return inferScript(images, count, batchSize, progress, completed);
    Cnn& net = m_impl->net;
    const bool wasTraining = net->is_training();
    net->eval();
    Outputs out;
    try {
        out = batchedInference(
            images, count, shape, batchSize, net->classCount, net->featureDim,
            [&net](const torch::Tensor& batch, int, int) {
                CnnOutputs o = net->forwardWithFeatures(batch);
                return std::make_pair(o.logits.contiguous(), o.features.contiguous());
            },
            progress, completed);
    } catch (...) {
        if (wasTraining)
            net->train();
        throw;
    }
    if (wasTraining)
        net->train();
    return out;
}

Classifier::Outputs Classifier::inferScript(const std::uint8_t* images, int count, int batchSize,
                                            const std::function<bool(int, int)>& progress,
                                            bool* completed) const
{
    const ScriptModel& model = *m_impl->script;
    return batchedInference(
        images, count, model.input, batchSize, model.classCount, model.featureDim,
        [&model](const torch::Tensor& batch, int first, int n) {
            try {
                ScriptOutputs o = scriptForward(model, batch);
                return std::make_pair(o.logits, o.features);
            } catch (const ModelError& e) {
                throw ModelError(std::string(e.what()) + " (images " + std::to_string(first) +
                                 " to " + std::to_string(first + n - 1) + ")");
            }
        },
        progress, completed);
}

std::string Classifier::toBytes() const
{
    if (m_impl->script) {
        const data::ImageShape& input = m_impl->script->input;
        return std::string(kScriptMagic) + std::to_string(input.channels) + " " +
               std::to_string(input.rows) + " " + std::to_string(input.cols) + "\n" +
               m_impl->script->archive;
    }
    torch::serialize::OutputArchive archive;
    archive.write("mnistx.architecture", c10::IValue(m_impl->net->architecture));
    archive.write("mnistx.class_count", c10::IValue(static_cast<int64_t>(m_impl->net->classCount)));
    const data::ImageShape& input = m_impl->net->input;
    archive.write("mnistx.input_shape",
                  c10::IValue(std::vector<int64_t>{input.channels, input.rows, input.cols}));
    m_impl->net->save(archive);
    std::ostringstream stream;
    archive.save_to(stream);
    return stream.str();
}

Classifier Classifier::fromBytes(const std::string& bytes, const std::string& sourceName)
{
    if (bytes.compare(0, kScriptMagic.size(), kScriptMagic) == 0) {
        const auto lineEnd = bytes.find('\n', kScriptMagic.size());
        std::istringstream line(bytes.substr(kScriptMagic.size(), lineEnd - kScriptMagic.size()));
        data::ImageShape input;
        if (lineEnd == std::string::npos || !(line >> input.channels >> input.rows >> input.cols) ||
            (input.channels != 1 && input.channels != 3) ||
            !data::imageSidesProblem(input.cols, input.rows).empty())
            throw ModelError(sourceName +
                             ": implausible input shape record of a TorchScript model");
        auto impl = std::make_unique<ClassifierImpl>();
        impl->script = std::make_shared<ScriptModel>(
            loadScriptModel(bytes.substr(lineEnd + 1), sourceName, input));
        return Classifier(std::move(impl));
    }
    try {
        torch::serialize::InputArchive archive;
        std::istringstream stream(bytes);
        archive.load_from(stream);
        c10::IValue arch, classes;
        if (!archive.try_read("mnistx.architecture", arch) || !arch.isString() ||
            !archive.try_read("mnistx.class_count", classes) || !classes.isInt())
            throw ModelError(sourceName + ": not an MNIST Explorer model (no architecture record)");
        const auto classCount = classes.toInt();
        if (classCount < data::kMinClasses || classCount > data::kMaxClasses)
            throw ModelError(sourceName + ": implausible class count " +
                             std::to_string(classCount));
        data::ImageShape input; // absent: a model stored when every input was 28×28 grey
        c10::IValue shape;
        if (archive.try_read("mnistx.input_shape", shape)) {
            const auto sizes = shape.isIntList() ? shape.toIntVector() : std::vector<int64_t>{};
            if (sizes.size() != 3 || (sizes[0] != 1 && sizes[0] != 3) ||
                !data::imageSidesProblem(sizes[2], sizes[1]).empty())
                throw ModelError(sourceName + ": implausible input shape record");
            input = {static_cast<int>(sizes[0]), static_cast<int>(sizes[1]),
                     static_cast<int>(sizes[2])};
        }
        auto impl = std::make_unique<ClassifierImpl>();
        impl->net = makeSeededCnn(arch.toStringRef(), 0, static_cast<int>(classCount), input);
        impl->net->load(archive);
        impl->net->keepWeightsChannelsLast();
        impl->net->eval();
        return Classifier(std::move(impl));
    } catch (const ModelError&) {
        throw;
    } catch (const std::exception& e) {
        // c10::Error and friends: keep the first line, which names the problem.
        std::string what = e.what();
        what = what.substr(0, what.find('\n'));
        throw ModelError(sourceName + ": cannot read the model (" + what + ")");
    }
}

} // namespace mnistx::model
