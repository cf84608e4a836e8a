#pragma once

#include "core/util/user_error.h"

namespace mnistx::store
{

// What a user (a folder, a disk, a damaged file) can cause. what() names the
// file or folder and the problem in plain words, e.g.
// "/runs/a/run.bin: section 'train.features' is damaged (checksum mismatch)".
using StoreError = UserError<struct StoreErrorTag>;

} // namespace mnistx::store
