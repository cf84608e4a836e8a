#include "core/data/data_files.h"

#include <cerrno>
#include <filesystem>
#include <sys/mman.h>
#include <system_error>

namespace mnistx::data
{

namespace fs = std::filesystem;

void failData(const std::string& path, const std::string& problem)
{
    throw DataError(path + ": " + problem);
}

std::string errnoMessage(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

void requireFolder(const std::string& folder)
{
    std::error_code ec;
    const fs::file_status status = fs::status(folder, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        failData(folder, "cannot access the folder: " + ec.message());
    if (!fs::exists(status))
        failData(folder, "folder not found");
    if (!fs::is_directory(status))
        failData(folder, "is not a folder");
}

FilePtr openDataFile(const std::string& path, const char* what, std::uint64_t& size)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        failData(path, "cannot access the file: " + ec.message());
    if (!fs::exists(status))
        failData(path, "file not found");
    if (fs::is_directory(status))
        failData(path, std::string("is a folder, not ") + what);
    FilePtr file(std::fopen(path.c_str(), "rb"));
    if (!file)
        failData(path, "cannot open the file: " + errnoMessage(errno));
    size = fs::file_size(path, ec);
    if (ec)
        failData(path, "cannot tell the file's size: " + ec.message());
    return file;
}

void adviseHugePages(void* data, std::size_t bytes)
{
    constexpr std::size_t kHugePage = 2u << 20;
    if (bytes < 4 * kHugePage)
        return;
    // The whole huge pages inside the allocation.
    const auto start = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (start + kHugePage - 1) & ~(kHugePage - 1);
    const std::uintptr_t last = (start + bytes) & ~(kHugePage - 1);
    if (last > first)
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE); // a hint
}

std::vector<std::uint8_t> largeBuffer(std::size_t n)
{
    std::vector<std::uint8_t> buffer;
    buffer.reserve(n); // allocated, not yet touched
    adviseHugePages(buffer.data(), n);
    buffer.resize(n);
    return buffer;
}

void readExactly(std::FILE* file, const std::string& path, void* dst, std::size_t n,
                 const std::string& context)
{
    const std::size_t got = std::fread(dst, 1, n, file);
    if (got == n)
        return;
    if (std::ferror(file))
        failData(path, "read failed: " + errnoMessage(errno));
    failData(path,
             "truncated: the file ends " + std::to_string(n - got) + " bytes short of " + context);
}

} // namespace mnistx::data
