#pragma once

#include <stdexcept>

namespace mnistx::model
{

// A model file or byte blob that cannot be read or used (wrong format,
// damaged, another architecture, a model that fails on the data). The message
// names the source and the problem.
class ModelError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace mnistx::model
