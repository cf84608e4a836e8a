#pragma once

#include <stdexcept>

namespace mnistx
{

// An error that what a user gave us can cause (a file, a folder, a model), not
// a bug: what() names the source and the problem in plain words and is shown
// as it is. Each layer has its own Tag (DataError, ModelError, StoreError), so
// a caller catches exactly the errors of the layer it called.
template <typename Tag> class UserError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace mnistx
