#pragma once

// Runs as the unprivileged user "nobody" (uid and gid 65534) while alive,
// when the test runs as root (CI does): root reads any file whatever its
// permissions, so a test of an unreadable file would otherwise see none.
// Only the effective ids change, and the destructor restores them. Not for
// tests that run threads meanwhile: the ids are per process.

#include <sys/types.h>
#include <unistd.h>

namespace mnistx::test
{

class UnprivilegedScope
{
public:
    UnprivilegedScope()
    {
        if (::geteuid() == 0)
            m_switched = ::setegid(65534) == 0 && ::seteuid(65534) == 0;
    }
    ~UnprivilegedScope()
    {
        if (m_switched) {
            [[maybe_unused]] const int u = ::seteuid(0);
            [[maybe_unused]] const int g = ::setegid(0);
        }
    }
    UnprivilegedScope(const UnprivilegedScope&) = delete;
    UnprivilegedScope& operator=(const UnprivilegedScope&) = delete;

    bool unprivileged() const { return ::geteuid() != 0; }

private:
    bool m_switched = false;
};

} // namespace mnistx::test
