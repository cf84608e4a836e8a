#pragma once

// The message of what an action throws, for the tests of refusals.

#include <QString>
#include <exception>
#include <functional>

namespace mnistx::test
{

// What `action` throws (a std::exception's what()); a null string when it
// throws nothing.
inline QString messageOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace mnistx::test
