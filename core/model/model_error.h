#pragma once

#include "core/util/user_error.h"

namespace mnistx::model
{

// A model file or byte blob that cannot be read or used (wrong format,
// damaged, another architecture, a model that fails on the data). The message
// names the source and the problem.
using ModelError = UserError<struct ModelErrorTag>;

} // namespace mnistx::model
