#pragma once
// Core-private: includes torch. Only core/ sources may include this header.

#include <string>
#include <torch/torch.h>
#include <vector>

namespace mnistx::model
{

// Features and logits from one forward pass.
struct CnnOutputs {
    torch::Tensor features; // B × featureDim, penultimate layer after its activation
    torch::Tensor logits;   // B × classCount
};

// The digit classifier. Input: B × 1 × 28 × 28 float in [0,1].
// "compact": conv 5×5 (16) + BN + ReLU + pool → conv 5×5 (32) + BN + ReLU +
//   pool → dense 64 + BN + ReLU (features) → dense 10. Batch norm lets it
//   train at a 3× higher learning rate than the reference; it is ~2× cheaper
//   per sample and reaches 0.99 in under two epochs.
// "reference": the original study's network: conv 3×3 (32) → pool → conv 3×3
//   (64) → pool → conv 3×3 (64) → dense 64 (features) → dense 10, all ReLU.
struct CnnImpl : torch::nn::Module {
    explicit CnnImpl(const std::string& architecture, int classCount = 10);

    torch::Tensor forward(const torch::Tensor& images)
    {
        return forwardWithFeatures(images).logits;
    }
    CnnOutputs forwardWithFeatures(const torch::Tensor& images);
    // Output of the last convolution block (before pooling/flattening) and the
    // logits, for Grad-CAM.
    std::pair<torch::Tensor, torch::Tensor> forwardWithLastConv(const torch::Tensor& images);

    std::string architecture;
    int classCount = 10;
    int featureDim = 64;

private:
    torch::Tensor convBlocks(const torch::Tensor& images, torch::Tensor* lastConv);
    torch::Tensor head(const torch::Tensor& flat, torch::Tensor* features);

    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Linear m_dense{nullptr}, m_out{nullptr};
    torch::nn::BatchNorm1d m_bnDense{nullptr};
};
TORCH_MODULE(Cnn);

// Names accepted by CnnImpl.
const std::vector<std::string>& architectureNames();

// Images (count × 784 uint8, row-major) → B × 1 × 28 × 28 float in [0,1].
torch::Tensor imagesToTensor(const std::uint8_t* images, int count, int rows, int cols);

} // namespace mnistx::model
