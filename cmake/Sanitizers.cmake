# Sanitizer builds of our own targets (core, ui, app, tests). Off by default;
# one build folder per sanitizer, e.g.
#   cmake -S . -B build-asan -G Ninja -DMNISTX_SANITIZE_ADDRESS=ON
#   cmake -S . -B build-tsan -G Ninja -DMNISTX_SANITIZE_THREAD=ON
# then ctest in that folder: the runtime options and the suppressions in
# tests/sanitizers/ are set for every test (see sanitizer_env.cmake below).
#
# The flags go on the targets, through the INTERFACE library
# mnistx::sanitizers, never into CMAKE_CXX_FLAGS: imported libraries
# (libtorch, Qt) stay as Debian built them. Rather than touch every
# CMakeLists.txt, a deferred call links mnistx::sanitizers into every target
# this project defines once all folders have been read.
option(MNISTX_SANITIZE_ADDRESS "Build our targets with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(MNISTX_SANITIZE_THREAD "Build our targets with ThreadSanitizer" OFF)

if(MNISTX_SANITIZE_ADDRESS AND MNISTX_SANITIZE_THREAD)
  message(FATAL_ERROR "MNISTX_SANITIZE_ADDRESS and MNISTX_SANITIZE_THREAD exclude each other; use two build folders")
endif()

add_library(mnistx_sanitizers INTERFACE)
add_library(mnistx::sanitizers ALIAS mnistx_sanitizers)

if(MNISTX_SANITIZE_ADDRESS)
  set(_mnistx_sanitize address,undefined)
  set(_mnistx_sanitizer_options
    # detect_leaks: LeakSanitizer runs at exit (issue: shutdown without leaks).
    # detect_stack_use_after_return: off, it multiplies stack use of libtorch's
    # deep call chains and the test timings with it.
    "ASAN_OPTIONS=detect_leaks=1:strict_init_order=1:check_initialization_order=1:abort_on_error=0:detect_stack_use_after_return=0"
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp:print_suppressions=0"
    # halt_on_error: UBSan findings fail the test like ASan's, while the
    # suppressions file still works (it needs recoverable checks).
    "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/ubsan.supp")
elseif(MNISTX_SANITIZE_THREAD)
  set(_mnistx_sanitize thread)
  # detect_deadlocks=0: hnswlib keeps one std::mutex per indexed point
  # (70,000 for MNIST), and with that many TSan's lock-order detector reports
  # cycles whose stacks are all <null>, which no suppression can name. Our
  # own code never holds two locks at once (classifier.cpp, parallel_tasks.h,
  # tsne.cpp: one lock_guard or condition-variable wait each), so the
  # detector had nothing of ours to check; data races are still reported.
  set(_mnistx_sanitizer_options
    "TSAN_OPTIONS=halt_on_error=1:detect_deadlocks=0:suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/tsan.supp")
endif()

if(_mnistx_sanitize)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "sanitizer builds need GCC or clang")
  endif()
  # -O1, after the build type's -O3 so that it wins: with the sanitizers'
  # instrumentation GCC takes 4x as long at -O3 as a plain build (tst_pca.cpp:
  # 53 s against 13 s), and 24 s at -O1, the level the sanitizers' authors
  # recommend. The tests' heavy lifting is libtorch's, which stays as Debian
  # built it. -g1 adds the line tables that make the reports readable.
  # The test programs' own sources: ASan without UBSan (UBSan's checks add
  # half again to GCC's time, tst_pca.cpp 25 s against 17 s, and the code
  # they would check is the product's in core/ and ui/, which keeps them).
  # gold links the 45 test programs 4x faster than the default linker.
  set(_mnistx_test_sanitize ${_mnistx_sanitize})
  if(MNISTX_SANITIZE_ADDRESS)
    set(_mnistx_test_sanitize address)
  endif()
  string(REPLACE "," "$<COMMA>" _mnistx_product_list "${_mnistx_sanitize}")
  target_compile_options(mnistx_sanitizers INTERFACE
    -O1 "$<IF:$<BOOL:$<TARGET_PROPERTY:MNISTX_TEST_SOURCES>>,-fsanitize=${_mnistx_test_sanitize},-fsanitize=${_mnistx_product_list}>"
    -fno-omit-frame-pointer -g1)
  target_link_options(mnistx_sanitizers INTERFACE -fsanitize=${_mnistx_sanitize} -fuse-ld=gold)
  if(MNISTX_SANITIZE_ADDRESS)
    # hnswlib 0.6.2 (Debian's header-only libhnswlib-dev) prefetches the id
    # one past the end of a neighbour list (hnswalg.h:214, searchBaseLayer):
    # on upper layers, whose lists are malloc'ed to size, ASan reports a 4-byte
    # heap-buffer-overflow read. It only feeds _mm_prefetch, so the result is
    # unused; GCC has no ignore-list for a header, so the ASan build compiles
    # hnswlib without its SSE paths (no prefetch; our own distance function is
    # used either way).
    target_compile_definitions(mnistx_sanitizers INTERFACE NO_MANUAL_VECTORIZATION)
  endif()

  # Every test inherits the runtime options: ctest reads this file before it
  # starts any test, and the tests inherit ctest's environment.
  set(_mnistx_env_script "${PROJECT_BINARY_DIR}/sanitizer_env.cmake")
  set(_mnistx_env_text "# Written by cmake/Sanitizers.cmake\n")
  foreach(_option IN LISTS _mnistx_sanitizer_options)
    string(REGEX MATCH "^[A-Z_]+" _name "${_option}")
    string(REGEX REPLACE "^[A-Z_]+=" "" _value "${_option}")
    string(APPEND _mnistx_env_text "if(NOT DEFINED ENV{${_name}})\n  set(ENV{${_name}} \"${_value}\")\nendif()\n")
  endforeach()
  file(WRITE "${_mnistx_env_script}" "${_mnistx_env_text}")
  set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY TEST_INCLUDE_FILES "${_mnistx_env_script}")

  # Links mnistx::sanitizers into every compiled target below dir.
  function(_mnistx_sanitize_targets dir)
    get_property(_targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    foreach(_target IN LISTS _targets)
      get_target_property(_type ${_target} TYPE)
      get_target_property(_source_dir ${_target} SOURCE_DIR)
      # The fuzz harnesses carry their own instrumentation (cmake/Fuzzing.cmake).
      if(_source_dir MATCHES "/tests/fuzz$")
        continue()
      endif()
      if(_type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
        target_link_libraries(${_target} PRIVATE mnistx::sanitizers)
        if(_source_dir MATCHES "/tests(/|$)")
          set_target_properties(${_target} PROPERTIES MNISTX_TEST_SOURCES ON)
        endif()
      endif()
    endforeach()
    get_property(_subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    foreach(_subdir IN LISTS _subdirs)
      _mnistx_sanitize_targets("${_subdir}")
    endforeach()
  endfunction()
  function(_mnistx_sanitize_all)
    _mnistx_sanitize_targets("${PROJECT_SOURCE_DIR}")
  endfunction()
  cmake_language(DEFER DIRECTORY "${PROJECT_SOURCE_DIR}" CALL _mnistx_sanitize_all)
endif()
