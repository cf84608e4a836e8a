#pragma once
// Scratch files for the fuzz harnesses: the readers under test take paths, so
// each input is written to a file first. The files live in one folder per
// process, in /dev/shm when there is one (memory, no disk wear over millions
// of executions), and are rewritten in place on every execution.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace mnistx::fuzz
{

inline const std::string& scratchFolder()
{
    // Never destroyed: the exit handler below runs after static destructors
    // registered later than it, and must still see the name.
    static const std::string* const folder = [] {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::path base =
            fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
        fs::path dir = base / ("mnistx-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(scratchFolder(), ignored);
        });
        return new std::string(dir.string());
    }();
    return *folder;
}

// Writes bytes as scratchFolder()/name and returns its path; aborts when the
// scratch disk fails, which is the harness's problem, not a finding.
inline std::string writeScratch(const std::string& name, const std::uint8_t* data, std::size_t size)
{
    const std::string path = scratchFolder() + "/" + name;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file || (size > 0 && std::fwrite(data, 1, size, file) != size) || std::fclose(file) != 0) {
        std::perror(path.c_str());
        std::abort();
    }
    return path;
}

// An input whose first byte says what the harness does with the rest.
struct ModeAndBytes {
    std::uint8_t mode = 0;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

// Splits off the mode byte; false for an empty input (nothing to do).
inline bool takeMode(const std::uint8_t* data, std::size_t size, ModeAndBytes& out)
{
    if (size < 1)
        return false;
    out = {data[0], data + 1, size - 1};
    return true;
}

// libFuzzer's entry point for a harness whose input starts with a mode byte:
// calls run(const ModeAndBytes&) on every non-empty input.
#define MNISTX_FUZZ_WITH_MODE(run)                                                                 \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)              \
    {                                                                                              \
        mnistx::fuzz::ModeAndBytes in;                                                             \
        if (mnistx::fuzz::takeMode(data, size, in))                                                \
            run(in);                                                                               \
        return 0;                                                                                  \
    }

// A finding that no sanitizer sees (a broken promise of a reader): says what
// and aborts, so that libFuzzer records the input.
[[noreturn]] inline void finding(const std::string& what)
{
    std::fprintf(stderr, "finding: %s\n", what.c_str());
    std::abort();
}

} // namespace mnistx::fuzz
