#include "core/store/file_io.h"

#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <filesystem>
#include <signal.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace mnistx::store
{

namespace
{

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw StoreError(path + ": " + problem);
}

std::string errnoText(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

// Closes the descriptor and removes the temporary file unless released.
class TempFile
{
public:
    TempFile(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_committed)
            ::unlink(m_path.c_str());
    }
    int fd() const { return m_fd; }
    // Closes the descriptor; returns 0 or an errno value.
    int close()
    {
        const int result = ::close(m_fd);
        m_fd = -1;
        return result == 0 ? 0 : errno;
    }
    void commit() { m_committed = true; }

private:
    std::string m_path;
    int m_fd;
    bool m_committed = false;
};

int writeAll(int fd, const void* data, std::size_t size)
{
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(fd, p, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += written;
        size -= static_cast<std::size_t>(written);
    }
    return 0;
}

void syncFolder(const std::string& filePath)
{
    fs::path folder = fs::path(filePath).parent_path();
    if (folder.empty())
        folder = ".";
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail(filePath, "written, but its folder cannot be opened to sync it: " + errnoText(errno));
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    // Some file systems cannot sync a folder (EINVAL); the rename is then as
    // durable as they make it.
    if (result != 0 && error != EINVAL && error != ENOTSUP)
        fail(filePath, "written, but syncing its folder failed: " + errnoText(error));
}

// Removes "<name>.tmp-<pid>" files beside path whose writer no longer
// exists: a save killed mid-write (power loss, SIGKILL, a crash) leaves its
// temporary file behind, and nothing else would ever remove it. Files of
// live processes (another writer, or a pid that cannot be checked) stay.
void removeStaleTemporaries(const std::string& path)
{
    const fs::path target(path);
    fs::path folder = target.parent_path();
    if (folder.empty())
        folder = ".";
    const std::string prefix = target.filename().string() + ".tmp-";
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        pid_t pid = 0;
        const char* digits = name.data() + prefix.size();
        const char* last = name.data() + name.size();
        const auto parsed = std::from_chars(digits, last, pid);
        if (parsed.ec != std::errc() || parsed.ptr != last || pid <= 0 || pid == ::getpid())
            continue;
        if (::kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        std::error_code ignored;
        if (it->is_regular_file(ignored) && !it->is_symlink(ignored))
            fs::remove(it->path(), ignored);
    }
}

} // namespace

void writeFileAtomically(const std::string& path, const std::vector<ByteSpan>& pieces)
{
    removeStaleTemporaries(path);
    const std::string tempPath = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(path, "cannot write (creating " + tempPath + " failed: " + errnoText(errno) + ")");
    TempFile temp(tempPath, fd);
    for (const ByteSpan& piece : pieces) {
        if (piece.size == 0)
            continue;
        if (const int error = writeAll(temp.fd(), piece.data, piece.size))
            fail(path, "cannot write: " + errnoText(error));
    }
    if (::fsync(temp.fd()) != 0)
        fail(path, "cannot write (sync failed: " + errnoText(errno) + ")");
    if (const int error = temp.close())
        fail(path, "cannot write (close failed: " + errnoText(error) + ")");
    if (::rename(tempPath.c_str(), path.c_str()) != 0)
        fail(path, "cannot replace the file: " + errnoText(errno));
    temp.commit();
    syncFolder(path);
}

void writeTextAtomically(const std::string& path, const std::string& text)
{
    writeFileAtomically(path, {{text.data(), text.size()}});
}

std::vector<unsigned char> readWholeFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(path, "cannot open: " + errnoText(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {
    };
    if (::fstat(fd, &info) != 0)
        fail(path, "cannot read: " + errnoText(errno));
    if (!S_ISREG(info.st_mode))
        fail(path, "not a regular file");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fail(path, "cannot read: " + errnoText(errno));
        }
        if (got == 0)
            fail(path, "the file shrank while it was read");
        done += static_cast<std::size_t>(got);
    }
    return bytes;
}

} // namespace mnistx::store
