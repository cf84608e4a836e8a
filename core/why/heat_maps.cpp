#include "core/why/heat_maps.h"

#include "core/model/classifier_impl.h"

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

} // namespace

HeatMaps computeHeatMaps(model::Classifier& classifier, const float* pixels,
                         const data::ImageShape& shape, int label)
{
    model::Cnn& net = classifier.impl().net;
    const int classCount = net->classCount;
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
    const bool wasTraining = net->is_training();
    net->eval(); // batch norm from running statistics: the copies stay independent

    auto image =
        torch::from_blob(const_cast<float*>(pixels), {1, rows, cols, channels}, torch::kFloat32)
            .permute({0, 3, 1, 2})
            .contiguous();
    auto input = image.expand({copies, channels, rows, cols}).clone().requires_grad_(true);
    auto [lastConv, logits] = net->forwardWithLastConv(input);

    auto classIndex = torch::arange(classCount, torch::kLong);
    auto classLogits = logits.narrow(0, 0, classCount).gather(1, classIndex.unsqueeze(1));
    auto lossLogits = logits.narrow(0, classCount, 1);
    auto loss =
        torch::nn::functional::cross_entropy(lossLogits, torch::full({1}, label, torch::kLong));
    auto objective = classLogits.sum() + loss;
    auto grads = torch::autograd::grad({objective}, {input, lastConv});
    if (wasTraining)
        net->train();

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

    // Grad-CAM (Selvaraju et al.): channel weights are the spatially averaged
    // gradients, the map the ReLU of the weighted channel sum.
    auto activations = lastConv.narrow(0, 0, classCount).detach();
    auto weights = grads[1].narrow(0, 0, classCount).mean({2, 3}, true);
    auto cam = torch::relu((weights * activations).sum(1, true));
    cam = torch::nn::functional::interpolate(cam, torch::nn::functional::InterpolateFuncOptions()
                                                      .size(std::vector<int64_t>{rows, cols})
                                                      .mode(torch::kBilinear)
                                                      .align_corners(false));
    copyRows(cam.reshape({classCount, rows * cols}), maps.gradCam);

    auto clean = logits[classCount].detach().contiguous();
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
