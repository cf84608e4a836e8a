#pragma once
// Heat maps for one sample: which pixels push the model towards each class
// and which raise the sample's loss. Gradients, gradient × input and
// occlusion work for any differentiable model (ours or an imported
// TorchScript one); Grad-CAM needs our network's last convolution.

#include "core/model/classifier.h"
#include "core/util/matrix.h"

#include <cstdint>
#include <vector>

namespace mnistx::why
{

// Every map is row-major rows × cols (28 × 28 for MNIST), one row of the
// matrix per class; pixel (r, c) of class k is classGradient(k, r * cols + c).
// Units: derivatives are per unit of pixel intensity in [0,1] (a pixel going
// from background 0 to full ink 1), signed; for colour images, of the pixel
// brightening in every channel at once (the channels' derivatives summed).
// Most (classes + 1) × image values one heat-map pass takes: 16 million
// floats (64 MB) of input, about 1 GB with the activations; 1,000 classes
// of 64×64 grey images, or 100 classes of 224×224 RGB.
inline constexpr long long kMaxHeatMapValues = 16'000'000;
// Occlusion hides one cell of a kOcclusionGrid × kOcclusionGrid grid at a
// time (4×4-pixel cells on MNIST), all cells in one batch.
inline constexpr int kOcclusionGrid = 7;

struct HeatMaps {
    int rows = 0;
    int cols = 0;
    int label = 0; // the given label the loss map refers to

    // C × (rows·cols): d logit_k / d pixel. Positive: more ink here raises
    // class k's logit.
    RowMatrixXf classGradient;
    // C × (rows·cols): Grad-CAM of logit k on the last convolution, ReLU'd
    // (≥ 0) and bilinearly upsampled to the image; in logit units per
    // activation, comparable between classes of one sample. All zero where
    // nothing in the last convolution supports class k. 0 × 0 for an
    // imported model (its layers are unknown).
    RowMatrixXf gradCam;
    // C × (rows·cols): gradient × input, d logit_k / d pixel times the
    // pixel's value (summed over channels): a first-order estimate of what
    // the pixel's ink adds to logit k. In logit units.
    RowMatrixXf classGradientTimesInput;
    std::vector<float> lossGradientTimesInput; // rows·cols, the same for the loss
    // C × (rows·cols): occlusion, logit_k of the image minus logit_k with the
    // pixel's grid cell set to 0 (positive: the cell supports class k).
    RowMatrixXf classOcclusion;
    // rows·cols: the loss with the pixel's cell set to 0 minus the loss
    // (positive: hiding the cell raises the loss).
    std::vector<float> lossOcclusion;
    // rows·cols: d loss / d pixel for the given label, loss = cross-entropy in
    // nats. Positive: more ink here raises the loss.
    std::vector<float> lossGradient;

    std::vector<float> logits;        // C, of the unchanged image
    std::vector<float> probabilities; // C, softmax of logits
    float loss = 0.0f;                // −log probabilities[label]
};

// Computes all heat maps of one image in one forward and one backward pass
// (the image is repeated once per class plus once for the loss; the model
// runs in eval mode, so the copies do not interact), then one forward pass
// of the occluded copies.
// pixels: one image of `shape` (row-major, channels interleaved) as float in
// [0,1]; image: the same as uint8 (0 = background, 255 = ink). label in
// [0, classCount). (classCount + 1) × shape.values() must not exceed
// kMaxHeatMapValues (every class's map is one copy of the image in the batch).
// Throws std::invalid_argument for a size the model does not take or a label
// out of range. Not thread-safe with respect to `classifier` (like every
// Classifier use): call from the one thread that owns it, e.g. the GUI's
// heat-map worker with its own copy made by Classifier::fromBytes. Gradient
// mode is switched on for the call whatever the thread's setting is; the
// model's parameters get no .grad. The work runs on the calling thread
// alone (a few dozen tiny operations: spreading them over libtorch's threads
// only adds waits; other threads keep their setting): ~2 ms per image.
HeatMaps computeHeatMaps(model::Classifier& classifier, const float* pixels,
                         const data::ImageShape& shape, int label);
HeatMaps computeHeatMaps(model::Classifier& classifier, const std::uint8_t* image,
                         const data::ImageShape& shape, int label);

} // namespace mnistx::why
