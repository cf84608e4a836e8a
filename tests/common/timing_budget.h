#pragma once

// Wall-clock budgets in the tests (a replot, a scroll, a panel update) are
// set for the plain Release build. The sanitizer builds run the same code
// several times slower (ASan+UBSan ~2-3x on these paths, TSan ~5-10x), so
// there a budget stretches by this factor; the plain build keeps it as it is.

namespace mnistx::test
{

#if defined(__SANITIZE_THREAD__)
inline constexpr double kTimingBudgetFactor = 8.0;
#elif defined(__SANITIZE_ADDRESS__)
inline constexpr double kTimingBudgetFactor = 3.0;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr double kTimingBudgetFactor = 8.0;
#elif __has_feature(address_sanitizer)
inline constexpr double kTimingBudgetFactor = 3.0;
#else
inline constexpr double kTimingBudgetFactor = 1.0;
#endif
#else
inline constexpr double kTimingBudgetFactor = 1.0;
#endif

// Whether this is a sanitizer build at all: for steps whose slowdown there
// is far beyond the factor (hnswlib's graph walk, instrumented on every load:
// an index over 70,000 features takes ~3 s plain and minutes with ASan).
inline constexpr bool kSanitizedBuild = kTimingBudgetFactor > 1.0;

} // namespace mnistx::test
