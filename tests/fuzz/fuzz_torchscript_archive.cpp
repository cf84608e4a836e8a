// libFuzzer harness for the model-file checks (core/model/torchscript_archive)
// that run before libtorch sees a --model file: the zip directory walk, the
// pickle and torch.save detection, the format version record.
//
// Input: one mode byte (the highest format version accepted, 0–255), then
// the file's bytes. A ModelError is the expected answer to a bad file;
// anything else escaping, a crash or a sanitizer report is a finding, as is
// an accepted archive whose version is above the limit.

#include "core/model/model_error.h"
#include "core/model/torchscript_archive.h"
#include "fuzz_files.h"

#include <string>
#include <string_view>

namespace
{

void inspectInput(const mnistx::fuzz::ModeAndBytes& in)
{
    using namespace mnistx;
    const long long maxVersion = in.mode;
    try {
        const model::TorchScriptArchive archive = model::inspectTorchScriptArchive(
            std::string_view(reinterpret_cast<const char*>(in.data), in.size), "model.pt",
            maxVersion, "libtorch");
        if (archive.formatVersion > maxVersion)
            fuzz::finding("accepted format version " + std::to_string(archive.formatVersion) +
                          " above " + std::to_string(maxVersion));
        if (archive.entryCount < 1)
            fuzz::finding("accepted an archive without entries");
    } catch (const model::ModelError&) {
        // The checks' answer to a bad file.
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(inspectInput)
