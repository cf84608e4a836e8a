#pragma once

#include <stdexcept>

namespace mnistx::store
{

// What a user (a folder, a disk, a damaged file) can cause. what() names the
// file or folder and the problem in plain words, e.g.
// "/runs/a/run.bin: section 'train.features' is damaged (checksum mismatch)".
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace mnistx::store
