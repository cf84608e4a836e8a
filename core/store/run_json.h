#pragma once
// The JSON of the run store: the "meta" section of run.bin (every field of
// RunData that is not a per-sample array, bit for bit) and summary.json (the
// headline figures for people and scripts).
//
// The metadata must give back every field exactly, so three things JSON
// cannot hold are spelled out: non-finite doubles (a diverged training's NaN
// loss) as "nan"/"inf"/"-inf", and text that is not UTF-8 (a folder name from
// a Latin-1 disk) as {"hex": "..."}. Seeds are plain 64-bit integers; a seed
// written as a decimal string (files of earlier builds) is read too.
//
// Pure functions of their arguments: any thread.

#include "core/store/run_data.h"

#include <string>
#include <string_view>

namespace mnistx::store
{

// Shape of one subset's per-sample arrays, as the metadata states it.
struct SubsetShape {
    long long n = 0; // samples, in [0, 2^31)
    long long c = 0; // classes, in [1, 1000]
    long long d = 0; // feature dimensions, in [0, 2^24]
};

// What the "meta" section says: every field of RunData but the per-sample
// arrays, the centroid means and the model bytes (those live in their own
// sections), and the shapes the sections must have.
struct RunMeta {
    RunData run;
    SubsetShape train;
    SubsetShape validation;
    long long centroidClasses = 0; // rows of centroids.means, in [0, 1000]
    long long centroidPixels = 0;  // columns, in [0, 2^24]
};

// The "meta" section: compact UTF-8 JSON, format_version first.
std::string runMetaJson(const RunData& run);

// summary.json: pretty-printed, ending in a newline; small enough to read by
// eye (no per-sample or per-batch data). Non-finite numbers become null.
std::string runSummaryJson(const RunData& run);

// Reads the "meta" section of the file at path (only for messages). Throws
// StoreError "<path>: section 'meta' is not valid JSON (JSON: ... at byte N)"
// or "<path>: the metadata does not describe a run ($.train.class_count: 0 is
// out of range [1, 256])".
RunMeta readRunMeta(const std::string& path, std::string_view text);

} // namespace mnistx::store
