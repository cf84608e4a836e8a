#include "core/data/image_decode.h"

#include "core/data/dataset.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <png.h>
#include <turbojpeg.h>

namespace mnistx::data
{
namespace
{

void checkSize(int cols, int rows, const std::string& path)
{
    const std::string problem = imageSidesProblem(cols, rows);
    if (!problem.empty())
        failData(path, "is " + problem);
}

bool isPng(const std::uint8_t* b, std::size_t n)
{
    static const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return n >= 8 && std::memcmp(b, signature, 8) == 0;
}

bool isJpeg(const std::uint8_t* b, std::size_t n)
{
    return n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff;
}

// A chunk whose length field claims more bytes than the file holds: libpng
// allocates what the field says before it reads (a 107-byte file asked for
// 1.9 GB), so such a file is refused before libpng sees it. Empty when every
// chunk up to IEND (or the end) fits.
std::string pngChunkProblem(const std::uint8_t* bytes, std::size_t size)
{
    std::size_t at = 8; // after the signature
    while (size - at >= 8) {
        const std::uint32_t length = (std::uint32_t{bytes[at]} << 24) |
                                     (std::uint32_t{bytes[at + 1]} << 16) |
                                     (std::uint32_t{bytes[at + 2]} << 8) | bytes[at + 3];
        const std::uint8_t* type = bytes + at + 4;
        const bool named = std::all_of(type, type + 4, [](std::uint8_t c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        });
        const std::size_t left = size - at - 8;
        if (length > left || left - length < 4) { // data, then a 4-byte CRC
            return "is truncated or damaged: " +
                   (named ? "its " + std::string(type, type + 4) + " chunk"
                          : std::string("a chunk")) +
                   " declares " + std::to_string(length) + " bytes, but only " +
                   std::to_string(left) + " follow";
        }
        if (std::memcmp(type, "IEND", 4) == 0)
            break;
        at += 12 + std::size_t{length};
    }
    return {};
}

DecodedImage decodePng(const std::uint8_t* bytes, std::size_t size, const std::string& path)
{
    const std::string chunkProblem = pngChunkProblem(bytes, size);
    if (!chunkProblem.empty())
        failData(path, chunkProblem);
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes, size))
        failData(path, std::string("cannot be read as a PNG image (") + image.message + ")");
    // Frees libpng's state on every way out.
    const std::unique_ptr<png_image, void (*)(png_imagep)> guard(&image, png_image_free);
    checkSize(static_cast<int>(image.width), static_cast<int>(image.height), path);

    DecodedImage out;
    out.rows = static_cast<int>(image.height);
    out.cols = static_cast<int>(image.width);
    const bool color = (image.format & PNG_FORMAT_FLAG_COLOR) != 0;
    out.hadAlpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    out.channels = color ? 3 : 1;
    // With alpha: read it (straight, not premultiplied) and drop it below,
    // so the colours are the stored ones, not composited on a background.
    image.format = color ? (out.hadAlpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB)
                         : (out.hadAlpha ? PNG_FORMAT_GA : PNG_FORMAT_GRAY);
    const int stored = out.channels + (out.hadAlpha ? 1 : 0);
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(out.rows) * out.cols * stored);
    if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr))
        failData(path, std::string("cannot be decoded as a PNG image (") + image.message + ")");
    if (out.hadAlpha) {
        out.pixels.resize(static_cast<std::size_t>(out.rows) * out.cols * out.channels);
        for (std::size_t p = 0, n = static_cast<std::size_t>(out.rows) * out.cols; p < n; ++p)
            std::memcpy(&out.pixels[p * out.channels], &pixels[p * stored],
                        static_cast<std::size_t>(out.channels));
    } else {
        out.pixels = std::move(pixels);
    }
    return out;
}

DecodedImage decodeJpeg(const std::uint8_t* bytes, std::size_t size, const std::string& path)
{
    const std::unique_ptr<void, int (*)(tjhandle)> handle(tjInitDecompress(), tjDestroy);
    if (!handle)
        failData(path, "cannot start a JPEG decoder");
    const auto error = [&](const char* what) {
        failData(path, std::string(what) + " (" + tjGetErrorStr2(handle.get()) + ")");
    };
    int cols = 0, rows = 0, subsampling = 0, colorspace = 0;
    auto* data = const_cast<unsigned char*>(bytes);
    const auto length = static_cast<unsigned long>(size);
    if (tjDecompressHeader3(handle.get(), data, length, &cols, &rows, &subsampling, &colorspace) !=
        0)
        error("cannot be read as a JPEG image");
    checkSize(cols, rows, path);
    DecodedImage out;
    out.rows = rows;
    out.cols = cols;
    out.channels = colorspace == TJCS_GRAY ? 1 : 3;
    out.pixels.resize(static_cast<std::size_t>(rows) * cols * out.channels);
    // A warning (data cut short, a damaged segment) stops the decoding: the
    // rest of such an image would be made up, not read.
    if (tjDecompress2(handle.get(), data, length, out.pixels.data(), cols, 0, rows,
                      out.channels == 1 ? TJPF_GRAY : TJPF_RGB,
                      TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING) != 0)
        error("cannot be decoded as a JPEG image");
    return out;
}

} // namespace

DecodedImage decodeImage(const std::uint8_t* bytes, std::size_t size, const std::string& path)
{
    if (size == 0)
        failData(path, "file is empty");
    if (size > kMaxImageFileBytes)
        failData(path, "is " + std::to_string(size >> 20) +
                           " MB, too large for an image of at most 256×256 pixels");
    if (isPng(bytes, size))
        return decodePng(bytes, size, path);
    if (isJpeg(bytes, size))
        return decodeJpeg(bytes, size, path);
    failData(path, "is neither a PNG nor a JPEG image");
}

} // namespace mnistx::data
