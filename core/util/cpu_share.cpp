#include "core/util/cpu_share.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace mnistx::util
{

namespace
{

// Two samples in a row must agree before the thread count changes: a process
// that runs for a moment (a shell command, a repaint) does not halve a
// training, and a count does not flap on the sampling's own noise.
constexpr int kSamplesToChange = 2;

// Reads a small /proc file whole; "" when it cannot.
std::string readSmall(const char* path)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0)
            break;
        text.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return text;
}

// procs_running from /proc/stat, -1 when missing.
int runnableThreads()
{
    const std::string stat = readSmall("/proc/stat");
    const char* key = "\nprocs_running ";
    const std::size_t at = stat.find(key);
    if (at == std::string::npos)
        return -1;
    return std::atoi(stat.c_str() + at + std::strlen(key));
}

// This process's threads in state R, -1 when /proc/self/task cannot be read.
int ownRunnableThreads()
{
    DIR* dir = ::opendir("/proc/self/task");
    if (!dir)
        return -1;
    int running = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        const std::string path = std::string("/proc/self/task/") + entry->d_name + "/stat";
        const std::string stat = readSmall(path.c_str());
        // "tid (name) S ...": the name may hold spaces and parentheses, the
        // state follows the last ')'.
        const std::size_t close = stat.rfind(')');
        if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'R')
            ++running;
    }
    ::closedir(dir);
    return running;
}

bool enabledByEnvironment()
{
    const char* value = std::getenv("MNISTX_CPU_SHARE");
    return !(value && std::strcmp(value, "0") == 0);
}

} // namespace

int otherRunnableThreads()
{
    // Our own count second: the kernel's count includes the thread reading
    // it, which then counts itself among ours.
    const int all = runnableThreads();
    const int own = ownRunnableThreads();
    if (all < 0 || own < 0)
        return -1;
    return std::max(0, all - own);
}

int onlineCores()
{
    const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (n > 0)
        return static_cast<int>(n);
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

CpuShare::CpuShare(int own, Sampler sampler, std::chrono::milliseconds interval)
    : m_own(std::max(1, own)), m_cores(onlineCores()), m_sampler(std::move(sampler)),
      m_interval(interval), m_enabled(enabledByEnvironment()), m_current(m_own)
{
}

int CpuShare::threads()
{
    if (!m_enabled || m_own == 1)
        return m_own;
    const auto now = std::chrono::steady_clock::now();
    if (m_sampled && now - m_lastSample < m_interval)
        return m_current;
    m_lastSample = now;
    m_sampled = true;
    return sampleNow();
}

int CpuShare::sampleNow()
{
    const int others = m_sampler ? m_sampler() : -1;
    if (others < 0) // unreadable: keep what we have
        return m_current;
    const int wanted = others == 0 ? m_own : std::clamp(m_cores - others, 1, m_own);
    if (wanted == m_current) {
        m_streak = 0;
        return m_current;
    }
    // A different choice than the last disagreeing sample restarts the count.
    m_streak = wanted == m_pending ? m_streak + 1 : 1;
    m_pending = wanted;
    if (m_streak >= kSamplesToChange) {
        m_current = wanted;
        m_streak = 0;
    }
    return m_current;
}

} // namespace mnistx::util
