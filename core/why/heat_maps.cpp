#include "core/why/heat_maps.h"

#include "core/model/classifier_impl.h"
#include "core/model/torchscript_model.h"

#include <cstring>
#include <dlfcn.h>
#include <stdexcept>
#include <string>

namespace mnistx::why
{

namespace
{

// Runs the calling thread's ATen operations on one thread for its lifetime.
// The heat maps are a few dozen tiny operations on 11 images (~1–2 ms on one
// core); spread over libtorch's OpenMP team, every operation waits at a
// barrier for the other thread, and on a loaded machine that wait is a
// scheduler time slice: measured median 23–470 ms with 2 threads against
// 1–2 ms with 1 at a load average of 12 on 2 cores (bench_why). libtorch's
// own setter also changes the process-wide default, so this sets OpenMP's
// per-thread count (the nthreads ICV of this thread only), looked up at run
// time: a libtorch built without OpenMP simply keeps its threads.
class OneTorchThread
{
public:
    OneTorchThread()
    {
        using SetFn = void (*)(int);
        using GetFn = int (*)();
        static const auto set = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
        static const auto get = reinterpret_cast<GetFn>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
        if (!set || !get)
            return;
        at::get_num_threads(); // first use on this thread applies libtorch's default now, not later
        m_set = set;
        m_saved = get();
        m_set(1);
    }
    ~OneTorchThread()
    {
        if (m_set)
            m_set(m_saved);
    }
    OneTorchThread(const OneTorchThread&) = delete;
    OneTorchThread& operator=(const OneTorchThread&) = delete;

private:
    void (*m_set)(int) = nullptr;
    int m_saved = 1;
};

void copyRows(const torch::Tensor& t, RowMatrixXf& out)
{
    auto c = t.contiguous();
    out.resize(c.size(0), c.numel() / c.size(0));
    std::memcpy(out.data(), c.data_ptr<float>(),
                sizeof(float) * static_cast<std::size_t>(c.numel()));
}

// Puts our network in eval mode for its lifetime, then back as it was (an
// imported model is always in eval mode).
class EvalMode
{
public:
    explicit EvalMode(model::Cnn& net) : m_net(net), m_wasTraining(net && net->is_training())
    {
        if (m_net)
            m_net->eval();
    }
    ~EvalMode()
    {
        if (m_wasTraining)
            m_net->train();
    }
    EvalMode(const EvalMode&) = delete;
    EvalMode& operator=(const EvalMode&) = delete;

private:
    model::Cnn& m_net;
    bool m_wasTraining;
};

// The last convolution's output (ours only; undefined for an imported
// model) and the logits of `input`.
std::pair<torch::Tensor, torch::Tensor> forwardForMaps(model::Classifier& classifier,
                                                       const torch::Tensor& input)
{
    if (const auto& script = classifier.impl().script)
        return {torch::Tensor(), model::scriptForward(*script, input).logits};
    return classifier.impl().net->forwardWithLastConv(input);
}

// Occlusion (Zeiler & Fergus): the image with one cell of a 7×7 grid set to
// black, every cell in one batch; each pixel gets the change its cell made.
void occlusionMaps(model::Classifier& classifier, const torch::Tensor& image,
                   const torch::Tensor& cleanLogits, int label, HeatMaps& maps)
{
    torch::NoGradGuard noGrad;
    const int rows = maps.rows, cols = maps.cols;
    const int cellRows = (rows + kOcclusionGrid - 1) / kOcclusionGrid;
    const int cellCols = (cols + kOcclusionGrid - 1) / kOcclusionGrid;
    const int gridRows = (rows + cellRows - 1) / cellRows;
    const int gridCols = (cols + cellCols - 1) / cellCols;
    const int cells = gridRows * gridCols;
    auto batch = image.expand({cells, image.size(1), rows, cols}).clone();
    for (int g = 0; g < cells; ++g) {
        const int r0 = (g / gridCols) * cellRows, c0 = (g % gridCols) * cellCols;
        batch[g]
            .narrow(1, r0, std::min(cellRows, rows - r0))
            .narrow(2, c0, std::min(cellCols, cols - c0))
            .zero_();
    }
    auto logits = forwardForMaps(classifier, batch).second; // cells × C
    const auto labels = torch::full({cells}, label, torch::kLong);
    auto losses = torch::nn::functional::cross_entropy(
        logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    auto cleanLoss = torch::nn::functional::cross_entropy(cleanLogits.unsqueeze(0),
                                                          torch::full({1}, label, torch::kLong));
    // Class maps: how much the cell supported logit k (positive: hiding it
    // lowers k). Loss map: how much hiding the cell raises the loss.
    auto support = (cleanLogits.unsqueeze(0) - logits).t().contiguous(); // C × cells
    auto lossChange = (losses - cleanLoss).contiguous();
    const int classCount = static_cast<int>(logits.size(1));
    maps.classOcclusion.resize(classCount, rows * cols);
    maps.lossOcclusion.assign(static_cast<std::size_t>(rows) * cols, 0.0f);
    const float* s = support.data_ptr<float>();
    const float* l = lossChange.data_ptr<float>();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const int g = (r / cellRows) * gridCols + c / cellCols;
            for (int k = 0; k < classCount; ++k)
                maps.classOcclusion(k, r * cols + c) = s[static_cast<std::size_t>(k) * cells + g];
            maps.lossOcclusion[static_cast<std::size_t>(r) * cols + c] = l[g];
        }
}

} // namespace

HeatMaps computeHeatMaps(model::Classifier& classifier, const float* pixels,
                         const data::ImageShape& shape, int label)
{
    const int classCount = classifier.classCount();
    if (shape != classifier.inputShape())
        throw std::invalid_argument("heat maps: the model takes " + classifier.inputShape().text() +
                                    " images, got " + shape.text());
    if (label < 0 || label >= classCount)
        throw std::invalid_argument("heat maps: label " + std::to_string(label) +
                                    " is not in [0, " + std::to_string(classCount) + ")");
    const int rows = shape.rows, cols = shape.cols, channels = shape.channels;
    // Copy b < C explains class b, copy C explains the loss: one batched
    // backward gives every map at once.
    const int copies = classCount + 1;
    if (static_cast<long long>(copies) * shape.values() > kMaxHeatMapValues)
        throw std::invalid_argument(
            "heat maps: " + std::to_string(classCount) + " classes of " + shape.text() +
            " images are more than one pass explains (at most " +
            std::to_string(kMaxHeatMapValues / 1000000) + " million class × pixel values)");

    OneTorchThread oneThread;
    torch::AutoGradMode gradients(true); // a worker may have switched it off
    // Batch norm from running statistics: the copies stay independent, and
    // neither pass (gradients, occlusion) changes the statistics.
    EvalMode evalMode(classifier.impl().net);

    auto image =
        torch::from_blob(const_cast<float*>(pixels), {1, rows, cols, channels}, torch::kFloat32)
            .permute({0, 3, 1, 2})
            .contiguous();
    auto input = image.expand({copies, channels, rows, cols}).clone().requires_grad_(true);
    auto [lastConv, logits] = forwardForMaps(classifier, input);

    auto classIndex = torch::arange(classCount, torch::kLong);
    auto classLogits = logits.narrow(0, 0, classCount).gather(1, classIndex.unsqueeze(1));
    auto lossLogits = logits.narrow(0, classCount, 1);
    auto loss =
        torch::nn::functional::cross_entropy(lossLogits, torch::full({1}, label, torch::kLong));
    auto objective = classLogits.sum() + loss;
    std::vector<torch::Tensor> wrt{input};
    if (lastConv.defined())
        wrt.push_back(lastConv);
    auto grads = torch::autograd::grad({objective}, wrt);

    HeatMaps maps;
    maps.rows = rows;
    maps.cols = cols;
    maps.label = label;
    torch::NoGradGuard noGrad;
    // Colour images: the derivative for brightening a pixel in every channel.
    auto inputGrad = grads[0].sum(1).reshape({copies, rows * cols});
    copyRows(inputGrad.narrow(0, 0, classCount), maps.classGradient);
    auto lossGrad = inputGrad[classCount].contiguous();
    maps.lossGradient.assign(lossGrad.data_ptr<float>(), lossGrad.data_ptr<float>() + rows * cols);
    // Gradient × input: each channel's derivative times its value, summed.
    auto timesInput = (grads[0] * image).sum(1).reshape({copies, rows * cols});
    copyRows(timesInput.narrow(0, 0, classCount), maps.classGradientTimesInput);
    auto lossTimesInput = timesInput[classCount].contiguous();
    maps.lossGradientTimesInput.assign(lossTimesInput.data_ptr<float>(),
                                       lossTimesInput.data_ptr<float>() + rows * cols);

    if (lastConv.defined()) {
        // Grad-CAM (Selvaraju et al.): channel weights are the spatially
        // averaged gradients, the map the ReLU of the weighted channel sum.
        auto activations = lastConv.narrow(0, 0, classCount).detach();
        auto weights = grads[1].narrow(0, 0, classCount).mean({2, 3}, true);
        auto cam = torch::relu((weights * activations).sum(1, true));
        cam =
            torch::nn::functional::interpolate(cam, torch::nn::functional::InterpolateFuncOptions()
                                                        .size(std::vector<int64_t>{rows, cols})
                                                        .mode(torch::kBilinear)
                                                        .align_corners(false));
        copyRows(cam.reshape({classCount, rows * cols}), maps.gradCam);
    }

    auto clean = logits[classCount].detach().contiguous();
    occlusionMaps(classifier, image, clean, label, maps);
    maps.logits.assign(clean.data_ptr<float>(), clean.data_ptr<float>() + classCount);
    auto probabilities = torch::softmax(clean, 0).contiguous();
    maps.probabilities.assign(probabilities.data_ptr<float>(),
                              probabilities.data_ptr<float>() + classCount);
    maps.loss = loss.item<float>();
    return maps;
}

HeatMaps computeHeatMaps(model::Classifier& classifier, const std::uint8_t* image,
                         const data::ImageShape& shape, int label)
{
    if (shape != classifier.inputShape()) // checked before the size below is trusted
        return computeHeatMaps(classifier, static_cast<const float*>(nullptr), shape, label);
    std::vector<float> pixels(static_cast<std::size_t>(shape.values()));
    for (std::size_t k = 0; k < pixels.size(); ++k)
        pixels[k] = image[k] / 255.0f;
    return computeHeatMaps(classifier, pixels.data(), shape, label);
}

} // namespace mnistx::why
