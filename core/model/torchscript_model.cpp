#include "core/model/torchscript_model.h"

#include "core/model/model_error.h"
#include "core/model/torchscript_archive.h"

#include <caffe2/serialize/versions.h>
#include <sstream>
#include <torch/version.h>
#include <vector>

namespace mnistx::model
{

namespace
{

std::string firstLine(const std::string& text)
{
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

// What went wrong, in one line: the TorchScript interpreter puts a traceback
// first and the error ("RuntimeError: mat1 and mat2 shapes cannot be
// multiplied (…)") last.
std::string modelMessage(const std::string& text)
{
    if (text.find("The following operation failed in the TorchScript interpreter") ==
        std::string::npos)
        return firstLine(text);
    std::string last;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find('\n', start), text.size());
        const std::string line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t") != std::string::npos)
            last = line;
        start = end + 1;
    }
    const auto colon = last.find(": ");
    const bool named = colon != std::string::npos && colon > 0 &&
                       last.compare(colon - 5, 5, "Error") == 0 && colon >= 5;
    return named ? last.substr(colon + 2) : last;
}

// "2×3×32×32".
std::string sizesText(const torch::Tensor& t)
{
    std::string text;
    for (const auto size : t.sizes())
        text += (text.empty() ? "" : "×") + std::to_string(size);
    return text.empty() ? "a scalar" : text;
}

torch::Tensor asRows(const torch::Tensor& t, const ScriptModel& model, const char* what,
                     long long batch)
{
    if (!t.is_floating_point())
        throw ModelError(model.source + ": the model's " + what + " are " +
                         std::string(t.dtype().name()) + ", not floating point");
    if (t.dim() < 2 || t.size(0) != batch)
        throw ModelError(model.source + ": the model returns " + what + " of shape " +
                         sizesText(t) + " for " + std::to_string(batch) +
                         " images; the contract is one row per image (N×K logits, or a tuple "
                         "(logits N×K, features N×D))");
    // No detach: the heat maps take gradients through these.
    return t.reshape({batch, -1}).to(torch::kFloat32).contiguous();
}

ScriptOutputs splitOutput(const c10::IValue& out, const ScriptModel& model, long long batch)
{
    ScriptOutputs o;
    if (out.isTensor()) {
        o.logits = asRows(out.toTensor(), model, "logits", batch);
        o.features = o.logits;
        return o;
    }
    if (out.isTuple()) {
        const auto& items = out.toTupleRef().elements();
        if (items.size() >= 2 && items[0].isTensor() && items[1].isTensor()) {
            o.logits = asRows(items[0].toTensor(), model, "logits", batch);
            o.features = asRows(items[1].toTensor(), model, "features", batch);
            return o;
        }
    }
    throw ModelError(model.source + ": the model returns " + out.tagKind() +
                     "; the contract is a tensor of logits N×K or a tuple (logits N×K, features "
                     "N×D)");
}

c10::IValue forwardOrThrow(const ScriptModel& model, const torch::Tensor& images)
{
    try {
        // forward() is not const in libtorch's API but changes nothing of a
        // module in eval mode.
        auto& module = const_cast<torch::jit::Module&>(model.module);
        return module.forward({images});
    } catch (const c10::Error& e) {
        throw ModelError(model.source + ": the model failed on " + sizesText(images) +
                         " input: " + modelMessage(e.what_without_backtrace()));
    } catch (const std::exception& e) {
        throw ModelError(model.source + ": the model failed on " + sizesText(images) +
                         " input: " + modelMessage(e.what()));
    }
}

bool accepts(const ScriptModel& model, const data::ImageShape& shape)
{
    try {
        torch::NoGradGuard noGrad;
        forwardOrThrow(model, torch::zeros({1, shape.channels, shape.rows, shape.cols}));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

ScriptModel loadScriptModel(std::string archive, const std::string& source,
                            const data::ImageShape& input)
{
    const std::string reader = std::string("libtorch ") + TORCH_VERSION;
    inspectTorchScriptArchive(
        archive, source, static_cast<long long>(caffe2::serialize::kMaxSupportedFileFormatVersion),
        reader);
    ScriptModel model;
    model.source = source;
    model.input = input;
    try {
        std::istringstream stream(archive);
        model.module = torch::jit::load(stream, torch::kCPU);
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (const auto* c10 = dynamic_cast<const c10::Error*>(&e))
            what = c10->what_without_backtrace();
        throw ModelError(source + ": " + reader + " cannot load this TorchScript model (" +
                         firstLine(what) +
                         "). A model saved by a PyTorch newer than 1.13 may use operators it does "
                         "not know: save it with torch.jit.save from PyTorch 1.13 or older, or "
                         "export its outputs as .npy files and open them with --embeddings");
    }
    model.module.eval();
    model.archive = std::move(archive);

    torch::NoGradGuard noGrad;
    const auto probe = torch::zeros({2, input.channels, input.rows, input.cols});
    c10::IValue probed;
    try {
        probed = forwardOrThrow(model, probe);
    } catch (const ModelError& e) {
        // Name the shape it does take when it is one of the usual ones.
        const data::ImageShape usual[] = {{1, 28, 28}, {3, 32, 32}, {1, 32, 32},  {3, 28, 28},
                                          {3, 64, 64}, {3, 96, 96}, {3, 224, 224}};
        for (const auto& shape : usual)
            if (shape != input && accepts(model, shape))
                throw ModelError(source + ": the model takes " + shape.text() + " images (" +
                                 std::to_string(shape.channels) + "×" + std::to_string(shape.rows) +
                                 "×" + std::to_string(shape.cols) + "), the data has " +
                                 input.text() + " (" + std::to_string(input.channels) + "×" +
                                 std::to_string(input.rows) + "×" + std::to_string(input.cols) +
                                 ")");
        throw ModelError(std::string(e.what()) + " (the data's images are " + input.text() + ", " +
                         std::to_string(input.channels) + "×" + std::to_string(input.rows) + "×" +
                         std::to_string(input.cols) + ")");
    }
    const ScriptOutputs out = splitOutput(probed, model, 2);
    model.classCount = static_cast<int>(out.logits.size(1));
    model.featureDim = static_cast<int>(out.features.size(1));
    model.featuresAreLogits = out.features.data_ptr() == out.logits.data_ptr();
    if (model.classCount < data::kMinClasses || model.classCount > data::kMaxClasses)
        throw ModelError(source + ": the model returns " + std::to_string(model.classCount) +
                         " logits per image; a classifier here has " +
                         std::to_string(data::kMinClasses) + " to " +
                         std::to_string(data::kMaxClasses) + " classes");
    return model;
}

ScriptOutputs scriptForward(const ScriptModel& model, const torch::Tensor& images)
{
    ScriptOutputs out = splitOutput(forwardOrThrow(model, images), model, images.size(0));
    if (out.logits.size(1) != model.classCount || out.features.size(1) != model.featureDim)
        throw ModelError(model.source + ": the model returned " + sizesText(out.logits) +
                         " logits and " + sizesText(out.features) +
                         " features for a batch, after " + std::to_string(model.classCount) +
                         " logits and " + std::to_string(model.featureDim) +
                         " features per image on the first");
    return out;
}

} // namespace mnistx::model
