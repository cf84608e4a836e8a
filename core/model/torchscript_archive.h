#pragma once
// What a model file is, read without libtorch: TorchScript archives are zip
// files holding the model's code (`<name>/code/…`, `<name>/constants.pkl`)
// and a format `version` record. Checked before torch::jit::load sees the
// bytes, so that the two files people most often pass by mistake get a
// message of their own instead of libtorch's: a Python pickle of the whole
// module (torch.save, which can run arbitrary code when unpickled, so we
// never unpickle it) and a file that is no model at all.
//
// Torch-free and Qt-free: the fuzz target compiles it alone. Any thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace mnistx::model
{

struct TorchScriptArchive {
    std::string prefix;          // the archive's top folder ("model" for model.pt)
    long long formatVersion = 0; // its `version` record; 0 when absent or unreadable
    long long entryCount = 0;
};

// Python's recipe for a TorchScript archive, for messages (two lines).
inline constexpr const char* kTorchScriptRecipe =
    "scripted = torch.jit.script(model)  # or torch.jit.trace(model, example_images)\n"
    "scripted.save(\"model.pt\")";

// Reads the zip directory of `bytes` (a whole file) and returns what it says.
// Throws ModelError naming `source` for: an empty file; a Python pickle
// (legacy torch.save: the pickle protocol byte); a zip that holds a pickled
// module but no TorchScript code (torch.save since PyTorch 1.6), both with
// kTorchScriptRecipe; a file that is no zip; a damaged zip directory; and a
// format version above `maxFormatVersion` (naming both numbers and
// `readerName`, e.g. "libtorch 1.13.1").
TorchScriptArchive inspectTorchScriptArchive(std::string_view bytes, const std::string& source,
                                             long long maxFormatVersion,
                                             const std::string& readerName);

} // namespace mnistx::model
