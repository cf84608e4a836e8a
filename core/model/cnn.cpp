#include "core/model/cnn.h"

#include <algorithm>
#include <stdexcept>

namespace mnistx::model
{

namespace nn = torch::nn;

const std::vector<std::string>& architectureNames()
{
    static const std::vector<std::string> names{"compact", "reference"};
    return names;
}

namespace
{

// Images smaller than MNIST's are padded in every convolution (see cnn.h).
constexpr int kUnpaddedSide = 28;
// Cells a side the first pooling aims for on large images.
constexpr int kFirstPoolTarget = 24;

// Max-pooling factor after a first convolution whose output is `side` cells.
int64_t firstPoolFactor(int side)
{
    return std::max(2, side / kFirstPoolTarget);
}

} // namespace

CnnImpl::CnnImpl(const std::string& architecture_, int classCount_, const data::ImageShape& input_)
    : architecture(architecture_), classCount(classCount_), input(input_)
{
    if (input.channels < 1 || input.rows < data::kMinImageSide || input.cols < data::kMinImageSide)
        throw std::invalid_argument("the model cannot take " + input.text() + " images");
    const bool small = std::min(input.rows, input.cols) < kUnpaddedSide;
    const int channels = input.channels;
    if (architecture == "compact") {
        const int pad = small ? 2 : 0;
        m_firstPool = {firstPoolFactor(input.rows - 4 + 2 * pad),
                       firstPoolFactor(input.cols - 4 + 2 * pad)};
        // Convolutions feed batch norm, so their bias would be redundant.
        m_conv1 = register_module(
            "conv1", nn::Conv2d(nn::Conv2dOptions(channels, 16, 5).padding(pad).bias(false)));
        m_bn1 = register_module("bn1", nn::BatchNorm2d(16));
        m_conv2 = register_module(
            "conv2", nn::Conv2d(nn::Conv2dOptions(16, 32, 5).padding(pad).bias(false)));
        m_bn2 = register_module("bn2", nn::BatchNorm2d(32));
        m_dense = register_module("dense", nn::Linear(32 * 4 * 4, featureDim));
        m_bnDense = register_module("bn_dense", nn::BatchNorm1d(featureDim));
    } else if (architecture == "reference") {
        const int pad = small ? 1 : 0;
        m_firstPool = {firstPoolFactor(input.rows - 2 + 2 * pad),
                       firstPoolFactor(input.cols - 2 + 2 * pad)};
        m_conv1 =
            register_module("conv1", nn::Conv2d(nn::Conv2dOptions(channels, 32, 3).padding(pad)));
        m_conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(pad)));
        m_conv3 = register_module("conv3", nn::Conv2d(nn::Conv2dOptions(64, 64, 3).padding(pad)));
        m_dense = register_module("dense", nn::Linear(64 * 3 * 3, featureDim));
    } else {
        throw std::invalid_argument("unknown architecture '" + architecture +
                                    "' (known: compact, reference)");
    }
    m_out = register_module("out", nn::Linear(featureDim, classCount));
    keepWeightsChannelsLast();
}

void CnnImpl::keepWeightsChannelsLast()
{
    torch::NoGradGuard noGrad;
    // A copy with channels-last strides even where contiguous() would keep
    // the tensor as it is: with one input channel both layouts are the same
    // memory, and the strides alone decide the convolution's layout (conv1's
    // output would stay NCHW, and its pooling took 2 ms a batch instead of 0.5).
    for (auto& p : parameters())
        if (p.dim() == 4 && p.suggest_memory_format() != torch::MemoryFormat::ChannelsLast)
            p.set_data(p.to(p.options(), false, true, torch::MemoryFormat::ChannelsLast));
}

torch::Tensor CnnImpl::poolTo(const torch::Tensor& map, int side)
{
    if (map.size(2) == side && map.size(3) == side)
        return map;
    if (map.size(2) == 2 * side && map.size(3) == 2 * side) // MNIST's compact model: 8 → 4
        return torch::max_pool2d(map, 2);
    return std::get<0>(torch::adaptive_max_pool2d(map, {side, side}));
}

torch::Tensor CnnImpl::convBlocks(const torch::Tensor& images, torch::Tensor* lastConv)
{
    // Channels-last like the weights (keepWeightsChannelsLast). Pooling comes
    // before the ReLU: max and ReLU commute, values and gradients alike, and
    // the ReLU then runs on a quarter of the cells.
    torch::Tensor x = images.contiguous(torch::MemoryFormat::ChannelsLast);
    if (m_conv3) {
        x = torch::relu(torch::max_pool2d(m_conv1(x), m_firstPool));
        x = torch::relu(torch::max_pool2d(m_conv2(x), 2));
        x = torch::relu(m_conv3(x));
        if (lastConv)
            *lastConv = x;
        x = poolTo(x, 3);
    } else {
        x = torch::relu(torch::max_pool2d(m_bn1(m_conv1(x)), m_firstPool));
        x = torch::relu(m_bn2(m_conv2(x)));
        if (lastConv)
            *lastConv = x;
        x = poolTo(x, 4);
    }
    return x.flatten(1);
}

torch::Tensor CnnImpl::head(const torch::Tensor& flat, torch::Tensor* features)
{
    torch::Tensor f = m_dense(flat);
    if (m_bnDense)
        f = m_bnDense(f);
    f = torch::relu(f);
    if (features)
        *features = f;
    return m_out(f);
}

CnnOutputs CnnImpl::forwardWithFeatures(const torch::Tensor& images)
{
    CnnOutputs out;
    out.logits = head(convBlocks(images, nullptr), &out.features);
    return out;
}

std::pair<torch::Tensor, torch::Tensor> CnnImpl::forwardWithLastConv(const torch::Tensor& images)
{
    torch::Tensor lastConv;
    torch::Tensor logits = head(convBlocks(images, &lastConv), nullptr);
    return {lastConv, logits};
}

torch::Tensor imagesToTensor(const std::uint8_t* images, int count, const data::ImageShape& shape)
{
    // from_blob does not own the pixels: the float conversion copies them.
    auto bytes = torch::from_blob(const_cast<std::uint8_t*>(images),
                                  {count, shape.rows, shape.cols, shape.channels}, torch::kUInt8);
    auto planar = shape.channels == 1 ? bytes.view({count, 1, shape.rows, shape.cols})
                                      : bytes.permute({0, 3, 1, 2});
    return planar.to(torch::kFloat32, false, false, torch::MemoryFormat::Contiguous).div_(255.0f);
}

} // namespace mnistx::model
