# libFuzzer harnesses for the parsers that read user files (tests/fuzz).
# Off by default; needs clang, whose libFuzzer Debian ships with it:
#   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
#         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMNISTX_BUILD_FUZZERS=ON
#   cmake --build build-fuzz --target fuzz_idx_reader fuzz_run_store
#   scripts/fuzz 600
option(MNISTX_BUILD_FUZZERS "Build the libFuzzer harnesses in tests/fuzz (clang only)" OFF)

if(MNISTX_BUILD_FUZZERS AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
    "MNISTX_BUILD_FUZZERS needs clang (libFuzzer); configure a separate build "
    "folder with -DCMAKE_CXX_COMPILER=clang++")
endif()
