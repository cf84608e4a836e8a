#pragma once
// Whole files in and out for the store and the exports: writing atomically
// (a reader or a crash never sees half a file) and reading in one go.
//
// Functions here share no state; call them from any thread, but not two
// writers of the same path at once. Every failure throws StoreError naming
// the path.

#include "core/store/store_error.h"

#include <cstddef>
#include <string>
#include <vector>

namespace mnistx::store
{

// Bytes to write, not owned: they must stay valid during the call.
struct ByteSpan {
    const void* data = nullptr;
    std::size_t size = 0;
};

// Writes the pieces, in order, as the file at path, atomically: into
// "<path>.tmp-<pid>" (same folder), fsync'ed, renamed over path, then the
// folder fsync'ed. The folder must exist. On failure the temporary file is
// removed, an existing file at path is untouched, and StoreError names path.
// Temporary files for path left by writers that were killed (their process
// no longer exists) are removed first.
// Used for run.bin, summary.json, the exports, insights.json and label marks.
void writeFileAtomically(const std::string& path, const std::vector<ByteSpan>& pieces);
// The same for one piece of text.
void writeTextAtomically(const std::string& path, const std::string& text);

// The whole file at path, which must be a regular file. Throws StoreError
// ("<path>: cannot open: No such file or directory", "<path>: not a regular
// file", ...).
std::vector<unsigned char> readWholeFile(const std::string& path);

} // namespace mnistx::store
