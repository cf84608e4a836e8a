// libFuzzer harness for image decoding in the image-folder reader
// (core/data/image_decode: decodeImage over Debian's libpng and
// libjpeg-turbo).
//
// Input: the bytes of one image file (PNG, JPEG or anything else).
// A DataError is the expected answer to a bad file; anything else escaping,
// a crash, a sanitizer report, an image outside the sizes the reader allows
// or pixels of another count than its size says is a finding.

#include "core/data/dataset.h"
#include "core/data/image_decode.h"
#include "fuzz_files.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace mnistx;
    try {
        const data::DecodedImage image = data::decodeImage(data, size, "input");
        if (image.rows < data::kMinImageSide || image.cols < data::kMinImageSide ||
            image.rows > data::kMaxImageSide || image.cols > data::kMaxImageSide ||
            (image.channels != 1 && image.channels != 3))
            fuzz::finding("decodeImage returned a " + std::to_string(image.cols) + "×" +
                          std::to_string(image.rows) + "×" + std::to_string(image.channels) +
                          " image");
        if (image.pixels.size() !=
            static_cast<std::size_t>(image.rows) * image.cols * image.channels)
            fuzz::finding("decodeImage returned pixels of another count than its size");
    } catch (const data::DataError&) {
        // The reader's answer to a bad file.
    }
    return 0;
}
