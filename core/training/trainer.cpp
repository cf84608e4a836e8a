#include "core/training/trainer.h"

#include "core/model/classifier_impl.h"
#include "core/model/torch_thread_share.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

namespace mnistx::training
{

namespace
{

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// One-cycle: linear warm-up from 10% of the peak over the first quarter of
// the steps, then cosine decay to zero. The quarter and the 10% are the usual
// one-cycle choices; on MNIST they reached 0.99 fastest among those tried.
double learningRateAt(const TrainConfig& config, long long step, long long totalSteps)
{
    if (config.schedule == "constant" || totalSteps <= 0)
        return config.learningRate;
    const double pct = static_cast<double>(step) / static_cast<double>(totalSteps);
    constexpr double kWarmup = 0.25;
    if (pct < kWarmup)
        return config.learningRate * (0.1 + 0.9 * pct / kWarmup);
    const double decay = (pct - kWarmup) / (1.0 - kWarmup);
    return config.learningRate * 0.5 * (1.0 + std::cos(M_PI * std::min(1.0, decay)));
}

void checkDataset(const data::Dataset& d, const model::Classifier& model, const char* what)
{
    if (d.count == 0)
        throw std::invalid_argument(std::string("the ") + what + " set is empty");
    if (d.shape() != model.inputShape())
        throw std::invalid_argument(std::string("the ") + what + " images are " + d.shape().text() +
                                    ", the model takes " + model.inputShape().text());
    if (d.classCount != model.classCount())
        throw std::invalid_argument(std::string("the ") + what + " set has " +
                                    std::to_string(d.classCount) + " classes, the model " +
                                    std::to_string(model.classCount()));
}

torch::Tensor labelsToTensor(const data::Dataset& d, int count)
{
    // Class labels are below kMaxClasses (1,000), so int16 holds them.
    static_assert(sizeof(data::ClassLabel) == sizeof(std::int16_t));
    return torch::from_blob(const_cast<data::ClassLabel*>(d.labels.data()), {count}, torch::kInt16)
        .to(torch::kInt64);
}

} // namespace

struct TrainerState {
    std::unique_ptr<torch::optim::Adam> optimizer;
    int completedEpochs = 0;
    TrainingHistory history;
};

Trainer::Trainer(model::Classifier& model, TrainConfig config)
    : m_model(model), m_config(std::move(config)), m_state(std::make_unique<TrainerState>())
{
    if (m_config.batchSize < 1)
        throw std::invalid_argument("batch size must be at least 1");
    if (m_config.epochs < 0)
        throw std::invalid_argument("epochs must not be negative");
    if (m_config.epochs > kMaxEpochs)
        throw std::invalid_argument("epochs must be at most " + std::to_string(kMaxEpochs));
    if (!(m_config.learningRate > 0.0))
        throw std::invalid_argument("learning rate must be positive");
    if (m_config.schedule != "onecycle" && m_config.schedule != "constant")
        throw std::invalid_argument("unknown schedule '" + m_config.schedule +
                                    "' (known: onecycle, constant)");
    if (m_model.isImported())
        throw std::invalid_argument("an imported TorchScript model is evaluated, not trained here");
    m_state->optimizer = std::make_unique<torch::optim::Adam>(
        m_model.impl().net->parameters(), torch::optim::AdamOptions(m_config.learningRate));
}

Trainer::~Trainer() = default;

int Trainer::completedEpochs() const
{
    return m_state->completedEpochs;
}
const TrainingHistory& Trainer::history() const
{
    return m_state->history;
}

TrainingHistory Trainer::train(const data::Dataset& train, const data::Dataset& validation,
                               const TrainCallbacks& callbacks)
{
    checkDataset(train, m_model, "training");
    checkDataset(validation, m_model, "validation");
    const int n = usableCount(train, m_config.trainLimit);
    const int batchSize = std::min(m_config.batchSize, n);
    if (m_config.epochs == kAutoEpochs)
        m_config.epochs = autoEpochs(n, m_config.batchSize);
    // The last partial batch is dropped (as Keras/PyTorch loaders may): a
    // tiny batch would make batch norm statistics noisy.
    const int batchesPerEpoch = std::max(1, n / batchSize);
    const long long totalSteps = static_cast<long long>(batchesPerEpoch) * m_config.epochs;

    model::Cnn& net = m_model.impl().net;
    torch::Tensor images = model::imagesToTensor(train.images.data(), n, train.shape());
    torch::Tensor labels = labelsToTensor(train, n);

    TrainingHistory& history = m_state->history;
    history.cancelled = false;
    const auto start = Clock::now();
    long long samplesThisRun = 0;
    const long long samplesToDo = static_cast<long long>(batchesPerEpoch) * batchSize *
                                  (m_config.epochs - m_state->completedEpochs);

    auto cancelled = [&] {
        return callbacks.cancel && callbacks.cancel->load(std::memory_order_relaxed);
    };

    // Fewer threads while other processes compete for the cores (util::CpuShare).
    model::TorchThreadShare threads;
    for (int epoch = m_state->completedEpochs; epoch < m_config.epochs; ++epoch) {
        // One generator per epoch seeded from (seed, epoch): a resumed run
        // shuffles exactly like an uninterrupted one.
        std::mt19937_64 rng(m_config.seed * 1000003ULL + static_cast<std::uint64_t>(epoch));
        std::vector<int64_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        torch::Tensor perm = torch::from_blob(order.data(), {n}, torch::kInt64);

        net->train();
        const auto epochStart = Clock::now();
        double lossSum = 0.0;
        long long correct = 0, seen = 0;
        for (int b = 0; b < batchesPerEpoch; ++b) {
            if (cancelled()) {
                history.cancelled = true;
                break;
            }
            threads.step();
            const long long step = static_cast<long long>(epoch) * batchesPerEpoch + b;
            const double lr = learningRateAt(m_config, step, totalSteps);
            for (auto& group : m_state->optimizer->param_groups())
                static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);

            auto idx = perm.slice(0, static_cast<int64_t>(b) * batchSize,
                                  static_cast<int64_t>(b + 1) * batchSize);
            auto x = images.index_select(0, idx);
            auto y = labels.index_select(0, idx);
            m_state->optimizer->zero_grad();
            auto logits = net->forward(x);
            auto loss = torch::nn::functional::cross_entropy(logits, y);
            loss.backward();
            m_state->optimizer->step();

            const double batchLoss = loss.item<double>();
            const long long batchCorrect = logits.argmax(1).eq(y).sum().item<int64_t>();
            lossSum += batchLoss * batchSize;
            correct += batchCorrect;
            seen += batchSize;
            samplesThisRun += batchSize;

            BatchReport r;
            r.epoch = epoch;
            r.batch = b;
            r.batchesPerEpoch = batchesPerEpoch;
            r.epochs = m_config.epochs;
            r.samplesSeen = samplesThisRun;
            r.loss = batchLoss;
            r.runningLoss = lossSum / static_cast<double>(seen);
            r.runningAccuracy = static_cast<double>(correct) / static_cast<double>(seen);
            r.learningRate = lr;
            r.elapsedSeconds = secondsSince(start);
            r.samplesPerSecond = samplesThisRun / std::max(1e-9, r.elapsedSeconds);
            r.etaSeconds = (samplesToDo - samplesThisRun) / std::max(1e-9, r.samplesPerSecond);
            history.batches.push_back(r);
            if (callbacks.onBatch)
                callbacks.onBatch(r);
        }
        if (history.cancelled)
            break;

        EpochReport e;
        e.epoch = epoch;
        e.trainLoss = lossSum / std::max<long long>(1, seen);
        e.trainAccuracy = static_cast<double>(correct) / std::max<long long>(1, seen);
        const Evaluation v = evaluate(m_model, validation, m_config.validationLimit);
        e.validationLoss = v.loss;
        e.validationAccuracy = v.accuracy;
        e.seconds = secondsSince(epochStart);
        history.epochs.push_back(e);
        m_state->completedEpochs = epoch + 1;
        if (callbacks.onEpoch)
            callbacks.onEpoch(e);
    }
    net->eval();
    history.seconds += secondsSince(start);
    return history;
}

void Trainer::saveCheckpoint(const std::string& path) const
{
    torch::serialize::OutputArchive archive;
    archive.write("mnistx.architecture", c10::IValue(m_model.architecture()));
    archive.write("mnistx.completed_epochs",
                  c10::IValue(static_cast<int64_t>(m_state->completedEpochs)));
    torch::serialize::OutputArchive modelArchive, optimizerArchive;
    m_model.impl().net->save(modelArchive);
    m_state->optimizer->save(optimizerArchive);
    archive.write("model", modelArchive);
    archive.write("optimizer", optimizerArchive);
    const std::string tmp = path + ".tmp";
    try {
        archive.save_to(tmp);
    } catch (const std::exception& e) {
        std::remove(tmp.c_str());
        std::string what = e.what();
        throw model::ModelError(path + ": cannot write the checkpoint (" +
                                what.substr(0, what.find('\n')) + ")");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw model::ModelError(path + ": cannot write the checkpoint (rename failed)");
    }
}

void Trainer::loadCheckpoint(const std::string& path)
{
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path);
        c10::IValue arch, epochs;
        if (!archive.try_read("mnistx.architecture", arch) || !arch.isString() ||
            !archive.try_read("mnistx.completed_epochs", epochs) || !epochs.isInt())
            throw model::ModelError(path + ": not an MNIST Explorer checkpoint");
        if (arch.toStringRef() != m_model.architecture())
            throw model::ModelError(path + ": checkpoint is for the '" + arch.toStringRef() +
                                    "' architecture, not '" + m_model.architecture() + "'");
        torch::serialize::InputArchive modelArchive, optimizerArchive;
        archive.read("model", modelArchive);
        archive.read("optimizer", optimizerArchive);
        m_model.impl().net->load(modelArchive);
        m_state->optimizer->load(optimizerArchive);
        m_state->completedEpochs = static_cast<int>(epochs.toInt());
    } catch (const model::ModelError&) {
        throw;
    } catch (const std::exception& e) {
        std::string what = e.what();
        throw model::ModelError(path + ": cannot read the checkpoint (" +
                                what.substr(0, what.find('\n')) + ")");
    }
}

int usableCount(const data::Dataset& d, int limit)
{
    return limit > 0 ? std::min(limit, d.count) : d.count;
}

int autoEpochs(int trainCount, int batchSize)
{
    const int batch = std::max(1, std::min(batchSize, trainCount));
    const int batchesPerEpoch = std::max(1, trainCount / batch);
    return std::clamp((kAutoSteps + batchesPerEpoch - 1) / batchesPerEpoch, kMinAutoEpochs,
                      kMaxAutoEpochs);
}

Evaluation evaluate(const model::Classifier& model, const data::Dataset& dataset, int limit)
{
    const int n = usableCount(dataset, limit);
    Evaluation result;
    result.sampleCount = n;
    if (n == 0)
        return result;
    auto out = model.infer(dataset.images.data(), n, dataset.shape());
    double lossSum = 0.0;
    long long correct = 0;
    for (int i = 0; i < n; ++i) {
        const auto row = out.logits.row(i);
        const float maxLogit = row.maxCoeff();
        const double lse = maxLogit + std::log((row.array() - maxLogit).exp().sum());
        lossSum += lse - row(dataset.labels[i]);
        Eigen::Index arg;
        row.maxCoeff(&arg);
        correct += (arg == dataset.labels[i]);
    }
    result.loss = lossSum / n;
    result.accuracy = static_cast<double>(correct) / n;
    return result;
}

SanityCheck runSanityCheck(const model::Classifier& model, const data::Dataset& dataset, int count)
{
    SanityCheck s;
    s.sampleCount = std::min(count, dataset.count);
    s.predictionCounts.assign(model.classCount(), 0);
    if (s.sampleCount == 0)
        return s;
    auto out = model.infer(dataset.images.data(), s.sampleCount, dataset.shape());
    long long correct = 0;
    for (int i = 0; i < s.sampleCount; ++i) {
        Eigen::Index arg;
        out.logits.row(i).maxCoeff(&arg);
        s.predictions.push_back(static_cast<int>(arg));
        ++s.predictionCounts[arg];
        correct += (arg == dataset.labels[i]);
    }
    s.accuracy = static_cast<double>(correct) / s.sampleCount;
    return s;
}

} // namespace mnistx::training
