#include "core/store/exports.h"

#include "core/data/npy_reader.h"
#include "core/store/csv_writer.h"
#include "core/store/file_io.h"
#include "core/store/run_store.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace mnistx::store
{

namespace
{

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "'<f4' data is written as in memory");

void requireConsistent(const RunData& run, const char* function)
{
    const std::string problem = describeInconsistency(run);
    if (!problem.empty())
        throw std::invalid_argument(std::string(function) +
                                    ": the run is inconsistent: " + problem);
}

// The user's columns that belong to the run: as many values as it has
// samples in each subset.
std::vector<const data::MetadataColumn*> userColumns(const RunData& run,
                                                     const data::UserMetadata* metadata)
{
    std::vector<const data::MetadataColumn*> out;
    if (!metadata)
        return out;
    for (const data::MetadataColumn& c : metadata->columns)
        if (c.covers(run.train.sampleCount(), run.validation.sampleCount()))
            out.push_back(&c);
    return out;
}

// Row i of subset a (named subset: the name, not a.subset, says which it is).
void appendSample(CsvWriter& csv, const RunData& run, const char* subset,
                  const analysis::SubsetAnalysis& a, const RowMatrixXf& xy, int i,
                  const std::vector<const data::MetadataColumn*>& user)
{
    csv.text(subset).integer(i).integer(a.labels[static_cast<std::size_t>(i)]);
    if (a.scored) {
        csv.integer(a.predictions[static_cast<std::size_t>(i)])
            .integer(a.correct(i) ? 1 : 0)
            .number(a.losses[static_cast<std::size_t>(i)]);
        for (int c = 0; c < a.classCount; ++c)
            csv.number(a.probabilities(i, c));
    }
    for (int c = 0; c < a.classCount; ++c)
        csv.number(a.centroidDistances(i, c));
    csv.number(xy(i, 0)).number(xy(i, 1));
    csv.quoted(run.className(a.labels[static_cast<std::size_t>(i)]));
    if (a.scored)
        csv.quoted(run.className(a.predictions[static_cast<std::size_t>(i)]));
    csv.quoted(a.sources.empty() ? std::string() : a.sources[static_cast<std::size_t>(i)]);
    const bool validation = a.subset == analysis::Subset::Validation;
    for (const data::MetadataColumn* c : user) {
        const float v = c->values(validation)[static_cast<std::size_t>(i)];
        if (std::isnan(v))
            csv.empty();
        else if (c->numeric)
            csv.number(v);
        else
            csv.quoted(c->categories[static_cast<std::size_t>(v)]);
    }
    csv.endRow();
}

// The header row, with room for rows more: about 11 bytes per float column
// and 25 for the rest, so that the text is allocated once. A run without
// scores has no prediction, correct, loss, p<c> or prediction_name columns.
CsvWriter samplesCsv(const RunData& run, std::size_t rows,
                     const std::vector<const data::MetadataColumn*>& user)
{
    const int classCount = run.train.classCount;
    const bool scored = run.train.scored;
    CsvWriter csv;
    csv.reserve(64 + rows * (25 + 11 * (2 * static_cast<std::size_t>(classCount) + 3)));
    csv.text("subset").text("index").text("label");
    if (scored) {
        csv.text("prediction").text("correct").text("loss");
        for (int c = 0; c < classCount; ++c)
            csv.text("p" + std::to_string(c));
    }
    for (int c = 0; c < classCount; ++c)
        csv.text("dist" + std::to_string(c));
    csv.text("x").text("y").text("label_name");
    if (scored)
        csv.text("prediction_name");
    csv.text("source");
    for (const data::MetadataColumn* c : user)
        csv.quoted(c->name);
    csv.endRow();
    return csv;
}

} // namespace

void writeSamplesCsv(const RunData& run, const std::string& path,
                     const data::UserMetadata* metadata)
{
    requireConsistent(run, "writeSamplesCsv");
    const int trainCount = run.train.sampleCount();
    const int validationCount = run.validation.sampleCount();
    const auto user = userColumns(run, metadata);
    CsvWriter csv = samplesCsv(run, static_cast<std::size_t>(trainCount + validationCount), user);
    for (int i = 0; i < trainCount; ++i)
        appendSample(csv, run, "train", run.train, run.projection.train, i, user);
    for (int i = 0; i < validationCount; ++i)
        appendSample(csv, run, "validation", run.validation, run.projection.validation, i, user);
    csv.write(path);
}

void writeSamplesCsv(const RunData& run, const std::vector<int>& ids, const std::string& path,
                     const data::UserMetadata* metadata)
{
    requireConsistent(run, "writeSamplesCsv");
    const int trainCount = run.train.sampleCount();
    const int total = trainCount + run.validation.sampleCount();
    const auto user = userColumns(run, metadata);
    CsvWriter csv = samplesCsv(run, ids.size(), user);
    for (const int id : ids) {
        if (id < 0 || id >= total)
            continue;
        if (id < trainCount)
            appendSample(csv, run, "train", run.train, run.projection.train, id, user);
        else
            appendSample(csv, run, "validation", run.validation, run.projection.validation,
                         id - trainCount, user);
    }
    csv.write(path);
}

void writeFeaturesNpy(const RunData& run, const std::string& path)
{
    requireConsistent(run, "writeFeaturesNpy");
    const RowMatrixXf& train = run.train.features;
    const RowMatrixXf& validation = run.validation.features;
    const long long rows = train.rows() + validation.rows();
    const long long dims = train.rows() > 0 ? train.cols() : validation.cols();

    const std::string header = data::npyHeader(data::npyDict("<f4", {rows, dims}));

    writeFileAtomically(
        path, {{header.data(), header.size()},
               {train.data(), static_cast<std::size_t>(train.size()) * sizeof(float)},
               {validation.data(), static_cast<std::size_t>(validation.size()) * sizeof(float)}});
}

} // namespace mnistx::store
