#pragma once
// Decoding one PNG or JPEG file (recognised by its first bytes) with Debian's
// libpng and libjpeg-turbo, for the image-folder reader.
//
// Any thread; no shared state. Failures throw DataError naming the file.

#include "core/data/data_files.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::data
{

// A PNG or JPEG of at most 256 × 256 RGB pixels is far below this; a larger
// file is not an image the readers take (checked before it is read).
inline constexpr std::uint64_t kMaxImageFileBytes = 64ull << 20;

// One image's pixels: rows × cols × channels, row-major, channels
// interleaved: 1 (grey) or 3 (RGB). An alpha channel is dropped (the colour
// values are kept as stored) and reported in hadAlpha; 16-bit PNGs are
// reduced to 8 bits, palettes expanded.
struct DecodedImage {
    int rows = 0;
    int cols = 0;
    int channels = 0;
    bool hadAlpha = false;
    std::vector<std::uint8_t> pixels;
};

// Throws DataError naming `path` when the bytes are no PNG or JPEG, are
// damaged or cut short (a JPEG's warnings count), or the image is outside
// kMinImageSide..kMaxImageSide on a side; the size is checked before the
// pixels are decoded.
DecodedImage decodeImage(const std::uint8_t* bytes, std::size_t size, const std::string& path);

} // namespace mnistx::data
