#pragma once
// What every dataset reader shares (IDX, NumPy, image folders, classes.txt):
// the error a bad file raises, and opening a file with messages that name it.

#include "core/util/user_error.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace mnistx::data
{

// A file or folder the user pointed at cannot be read as a dataset. what() is
// "<path>: <problem>" and is meant to be shown to the user as is.
using DataError = UserError<struct DataErrorTag>;

// Throws DataError("<path>: <problem>").
[[noreturn]] void failData(const std::string& path, const std::string& problem);

// strerror's words for an errno value, thread-safe.
std::string errnoMessage(int error);

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Throws DataError naming folder when it cannot be accessed, does not exist
// ("folder not found") or is not a folder.
void requireFolder(const std::string& folder);

// Opens a regular file for reading and tells its size. Throws DataError when
// it is missing, a folder ("is a folder, not <what>"), or cannot be opened.
FilePtr openDataFile(const std::string& path, const char* what, std::uint64_t& size);

// n zero bytes, in memory the kernel may back with 2 MB pages (Linux
// transparent huge pages in "madvise" mode, Debian's default): a buffer of
// tens of MB then costs a few dozen page faults to fill, not ten thousands
// (reading MNIST's 47 MB of pixels: ~3× faster).
std::vector<std::uint8_t> largeBuffer(std::size_t n);

// The same hint for memory allocated elsewhere and not yet written (an Eigen
// matrix about to be filled from a file): asks the kernel to back the whole
// 2 MB pages inside [data, data + bytes) with huge pages. Does nothing for
// less than 8 MB, where it would not pay.
void adviseHugePages(void* data, std::size_t bytes);

// Reads exactly n bytes; throws DataError naming `path` on a read error or
// when the file ends first ("truncated: ...", with `context` saying what was
// being read).
void readExactly(std::FILE* file, const std::string& path, void* dst, std::size_t n,
                 const std::string& context);

} // namespace mnistx::data
