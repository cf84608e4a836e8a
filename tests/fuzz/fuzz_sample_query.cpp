// libFuzzer harness for the query language (core/query: query_syntax's
// tokens and parser, sample_query's field resolution, type checks and
// evaluation): what the map's filter box and --query read.
//
// Input: the expression's text, run against a small run of 3 classes (one
// class name with quotes, one non-ASCII) and 4 + 3 samples, with a
// categorical and a numeric metadata field, then against the same run without
// model scores (no predictions, losses or probabilities to read). A QueryError is the expected
// answer to a bad expression; anything else escaping, a crash or a sanitizer
// report is a finding, as is an error that points outside the text, or
// evaluations that disagree with each other.

#include "core/query/sample_query.h"
#include "fuzz_files.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace
{

using namespace mnistx;

void fill(analysis::SubsetAnalysis& a, analysis::Subset subset, int n, RowMatrixXf& xy)
{
    const int C = 3;
    a.subset = subset;
    a.classCount = C;
    a.probabilities = RowMatrixXf::Constant(n, C, 0.1f);
    a.logits = RowMatrixXf::Zero(n, C);
    a.centroidDistances = RowMatrixXf::Zero(n, C);
    a.features = RowMatrixXf::Zero(n, 2);
    xy = RowMatrixXf::Zero(n, 2);
    for (int i = 0; i < n; ++i) {
        a.labels.push_back(static_cast<data::ClassLabel>(i % C));
        a.predictions.push_back(static_cast<data::ClassLabel>((i * 2) % C));
        a.nearestCentroid.push_back(static_cast<data::ClassLabel>((i + 1) % C));
        a.losses.push_back(i == 1 ? std::numeric_limits<float>::quiet_NaN() : 0.5f * float(i));
        a.probabilities(i, i % C) = 0.8f;
        for (int c = 0; c < C; ++c)
            a.centroidDistances(i, c) = float(3 + i + c);
        xy(i, 0) = float(i);
        xy(i, 1) = -float(i);
        a.sources.push_back(i == 2 ? "dir/\"x\".png" : "a.png");
    }
}

const store::RunData& fuzzRun()
{
    static const store::RunData run = [] {
        store::RunData r;
        fill(r.train, analysis::Subset::Train, 4, r.projection.train);
        fill(r.validation, analysis::Subset::Validation, 3, r.projection.validation);
        r.classNames = {"zero", "say \"hi\"", "né"};
        return r;
    }();
    return run;
}

// fuzzRun() as embeddings without logits make it.
const store::RunData& unscoredRun()
{
    static const store::RunData run = [] {
        store::RunData r = fuzzRun();
        for (analysis::SubsetAnalysis* a : {&r.train, &r.validation}) {
            a->scored = false;
            a->predictions.clear();
            a->losses.clear();
            a->logits.resize(a->sampleCount(), 0);
            a->probabilities.resize(a->sampleCount(), 0);
        }
        return r;
    }();
    return run;
}

const data::UserMetadata& fuzzMetadata()
{
    static const data::UserMetadata metadata = [] {
        data::UserMetadata m;
        data::MetadataColumn site;
        site.name = "site";
        site.numeric = false;
        site.categories = {"east", "west"};
        site.train = {0, 1, std::numeric_limits<float>::quiet_NaN(), 0};
        site.validation = {1, 1, 0};
        data::MetadataColumn spaced;
        spaced.name = "exposure time";
        spaced.train = {0.1f, 0.2f, 0.3f, std::numeric_limits<float>::quiet_NaN()};
        spaced.validation = {1, 2, 3};
        m.columns = {site, spaced};
        return m;
    }();
    return metadata;
}

void runQuery(const std::uint8_t* data, std::size_t size, const store::RunData& run)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const query::SampleQuery q(text, run, &fuzzMetadata());
        const std::vector<std::uint8_t> flags = q.matchFlags();
        if (flags.size() != 7)
            fuzz::finding("matchFlags has " + std::to_string(flags.size()) + " flags, not 7");
        std::size_t matched = 0;
        for (int id = 0; id < 7; ++id) {
            if (q.matches(id) != bool(flags[static_cast<std::size_t>(id)]))
                fuzz::finding("matches(" + std::to_string(id) + ") disagrees with matchFlags");
            matched += flags[static_cast<std::size_t>(id)];
        }
        if (q.matchingIds().size() != matched)
            fuzz::finding("matchingIds disagrees with matchFlags");
        if (q.matches(-1) || q.matches(7))
            fuzz::finding("an id out of range matches");
    } catch (const query::QueryError& e) {
        const long long offset = e.offset();
        const long long end = offset + e.length();
        if (offset < 0 || e.length() < 1 || end > static_cast<long long>(size) + 1)
            fuzz::finding("the error points at [" + std::to_string(offset) + ", " +
                          std::to_string(end) + ") of " + std::to_string(size) + " bytes");
        if (std::string(e.what()).empty())
            fuzz::finding("an error without a message");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    runQuery(data, size, fuzzRun());
    runQuery(data, size, unscoredRun());
    return 0;
}
