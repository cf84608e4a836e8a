#pragma once
// The run tst_crash_safe_store and its helper process both build from a seed:
// the helper saves it, the test knows what a complete save must load back.

#include "../common/synthetic_run.h"

#include <cstdint>

namespace mnistx::test
{

// About 1.3 MB on disk: large enough that a save takes several write calls
// and a random kill often lands inside one, small enough for 200 rounds.
inline store::RunData makeCrashTestRun(std::uint64_t seed)
{
    SyntheticRunOptions options = syntheticRunSized(3000, 1000, 10, 64);
    options.seed = seed;
    return makeSyntheticRun(options);
}

} // namespace mnistx::test
