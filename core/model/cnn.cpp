#include "core/model/cnn.h"

#include <stdexcept>

namespace mnistx::model
{

namespace nn = torch::nn;

const std::vector<std::string>& architectureNames()
{
    static const std::vector<std::string> names{"compact", "reference"};
    return names;
}

CnnImpl::CnnImpl(const std::string& architecture_, int classCount_)
    : architecture(architecture_), classCount(classCount_)
{
    if (architecture == "compact") {
        // Convolutions feed batch norm, so their bias would be redundant.
        m_conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 16, 5).bias(false)));
        m_bn1 = register_module("bn1", nn::BatchNorm2d(16));
        m_conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(16, 32, 5).bias(false)));
        m_bn2 = register_module("bn2", nn::BatchNorm2d(32));
        m_dense = register_module("dense", nn::Linear(32 * 4 * 4, featureDim));
        m_bnDense = register_module("bn_dense", nn::BatchNorm1d(featureDim));
    } else if (architecture == "reference") {
        m_conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 32, 3)));
        m_conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(32, 64, 3)));
        m_conv3 = register_module("conv3", nn::Conv2d(nn::Conv2dOptions(64, 64, 3)));
        m_dense = register_module("dense", nn::Linear(64 * 3 * 3, featureDim));
    } else {
        throw std::invalid_argument("unknown architecture '" + architecture +
                                    "' (known: compact, reference)");
    }
    m_out = register_module("out", nn::Linear(featureDim, classCount));
}

torch::Tensor CnnImpl::convBlocks(const torch::Tensor& images, torch::Tensor* lastConv)
{
    torch::Tensor x;
    if (m_conv3) {
        x = torch::max_pool2d(torch::relu(m_conv1(images)), 2);
        x = torch::max_pool2d(torch::relu(m_conv2(x)), 2);
        x = torch::relu(m_conv3(x));
        if (lastConv)
            *lastConv = x;
    } else {
        x = torch::max_pool2d(torch::relu(m_bn1(m_conv1(images))), 2);
        x = torch::relu(m_bn2(m_conv2(x)));
        if (lastConv)
            *lastConv = x;
        x = torch::max_pool2d(x, 2);
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

torch::Tensor imagesToTensor(const std::uint8_t* images, int count, int rows, int cols)
{
    // from_blob does not own the pixels: the float conversion copies them.
    auto bytes =
        torch::from_blob(const_cast<std::uint8_t*>(images), {count, 1, rows, cols}, torch::kUInt8);
    return bytes.to(torch::kFloat32).div_(255.0f);
}

} // namespace mnistx::model
