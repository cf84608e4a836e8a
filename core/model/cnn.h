#pragma once
// Core-private: includes torch. Only core/ sources may include this header.

#include "core/data/dataset.h"

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

// The image classifier. Input: B × C × H × W float in [0,1], the shape given
// at construction (MNIST: 1 × 28 × 28).
// "compact": conv 5×5 (16) + BN + ReLU + pool → conv 5×5 (32) + BN + ReLU →
//   pool to 4×4 → dense 64 + BN + ReLU (features) → dense classCount. Batch
//   norm lets it train at a 3× higher learning rate than the reference; it is
//   ~2× cheaper per sample and reaches 0.99 on MNIST in under two epochs.
// "reference": the original study's network: conv 3×3 (32) → pool → conv 3×3
//   (64) → pool → conv 3×3 (64) → pool to 3×3 → dense 64 (features) → dense
//   classCount, all ReLU.
// Other image sizes than MNIST's: images under 28 pixels a side are padded
// in every convolution (so 8×8 keeps a map to pool), images over 52 pixels
// are pooled by a larger factor after the first convolution (about 24 cells
// a side remain), and the last map is pooled to the dense layer's fixed grid
// whatever its size (adaptive max pooling). For 28×28 every layer is the
// one MNIST always had.
struct CnnImpl : torch::nn::Module {
    CnnImpl(const std::string& architecture, int classCount, const data::ImageShape& input);

    torch::Tensor forward(const torch::Tensor& images)
    {
        return forwardWithFeatures(images).logits;
    }
    CnnOutputs forwardWithFeatures(const torch::Tensor& images);
    // Output of the last convolution block (before pooling/flattening) and the
    // logits, for Grad-CAM.
    std::pair<torch::Tensor, torch::Tensor> forwardWithLastConv(const torch::Tensor& images);
    // Stores the convolution weights channels-last (NHWC), the layout
    // oneDNN's convolutions work in: without it every convolution and its
    // gradients reorder their operands (training ran ~1.7x slower). The
    // constructor does it; call again after load(), which replaces the
    // weights with the stored layout. Values and semantics do not change.
    void keepWeightsChannelsLast();

    std::string architecture;
    int classCount = 10;
    data::ImageShape input;
    int featureDim = 64;

private:
    torch::Tensor convBlocks(const torch::Tensor& images, torch::Tensor* lastConv);
    // The last map pooled to the dense layer's grid side × side.
    static torch::Tensor poolTo(const torch::Tensor& map, int side);

    std::vector<int64_t> m_firstPool; // rows, cols factors after the first convolution
    torch::Tensor head(const torch::Tensor& flat, torch::Tensor* features);

    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Linear m_dense{nullptr}, m_out{nullptr};
    torch::nn::BatchNorm1d m_bnDense{nullptr};
};
TORCH_MODULE(Cnn);

// Names accepted by CnnImpl.
const std::vector<std::string>& architectureNames();

// Images (count × rows × cols × channels uint8, channels interleaved as
// data::Dataset stores them) → count × channels × rows × cols float in [0,1].
torch::Tensor imagesToTensor(const std::uint8_t* images, int count, const data::ImageShape& shape);

} // namespace mnistx::model
