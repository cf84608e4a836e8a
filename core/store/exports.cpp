#include "core/store/exports.h"

#include "core/store/run_store.h"

#include <charconv>
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

// Appends like printf("%.6g"): six significant digits are more than a float
// loss or probability carries for analysis, and keep the file a third smaller
// than round-trip precision would.
void appendFloat(std::string& out, float value)
{
    char buffer[32];
    const auto r =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6);
    out.append(buffer, r.ptr);
}

void appendInt(std::string& out, long long value)
{
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, r.ptr);
}

void appendRows(std::string& out, const analysis::SubsetAnalysis& a, const RowMatrixXf& xy,
                const char* subset)
{
    const int classCount = a.classCount;
    for (int i = 0; i < a.sampleCount(); ++i) {
        out += subset;
        out += ',';
        appendInt(out, i);
        out += ',';
        appendInt(out, a.labels[static_cast<std::size_t>(i)]);
        out += ',';
        appendInt(out, a.predictions[static_cast<std::size_t>(i)]);
        out += a.correct(i) ? ",1," : ",0,";
        appendFloat(out, a.losses[static_cast<std::size_t>(i)]);
        for (int c = 0; c < classCount; ++c) {
            out += ',';
            appendFloat(out, a.probabilities(i, c));
        }
        for (int c = 0; c < classCount; ++c) {
            out += ',';
            appendFloat(out, a.centroidDistances(i, c));
        }
        out += ',';
        appendFloat(out, xy(i, 0));
        out += ',';
        appendFloat(out, xy(i, 1));
        out += '\n';
    }
}

} // namespace

void writeSamplesCsv(const RunData& run, const std::string& path)
{
    requireConsistent(run, "writeSamplesCsv");
    const int classCount = run.train.classCount;
    std::string out = "subset,index,label,prediction,correct,loss";
    for (int c = 0; c < classCount; ++c)
        out += ",p" + std::to_string(c);
    for (int c = 0; c < classCount; ++c)
        out += ",dist" + std::to_string(c);
    out += ",x,y\n";
    // About 11 bytes per float column and 25 for the rest: one allocation.
    const std::size_t rows =
        static_cast<std::size_t>(run.train.sampleCount() + run.validation.sampleCount());
    out.reserve(out.size() + rows * (25 + 11 * (2 * static_cast<std::size_t>(classCount) + 3)));
    appendRows(out, run.train, run.projection.train, "train");
    appendRows(out, run.validation, run.projection.validation, "validation");
    writeFileAtomically(path, {{out.data(), out.size()}});
}

void writeFeaturesNpy(const RunData& run, const std::string& path)
{
    requireConsistent(run, "writeFeaturesNpy");
    const RowMatrixXf& train = run.train.features;
    const RowMatrixXf& validation = run.validation.features;
    const long long rows = train.rows() + validation.rows();
    const long long dims = train.rows() > 0 ? train.cols() : validation.cols();

    // NumPy format 1.0: magic, version 1.0, u16 little-endian header length,
    // a Python dict literal padded with spaces and ending in '\n' so that the
    // data starts on a 64-byte boundary.
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows) + ", " + std::to_string(dims) + "), }";
    constexpr std::size_t kPrefixBytes = 10; // magic (6) + version (2) + length (2)
    std::size_t total = kPrefixBytes + dict.size() + 1;
    total = (total + 63) / 64 * 64;
    dict.append(total - kPrefixBytes - dict.size() - 1, ' ');
    dict += '\n';
    std::string header("\x93NUMPY\x01\x00", 8);
    const auto length = static_cast<std::uint16_t>(dict.size());
    header += static_cast<char>(length & 0xFF);
    header += static_cast<char>(length >> 8);
    header += dict;

    writeFileAtomically(
        path, {{header.data(), header.size()},
               {train.data(), static_cast<std::size_t>(train.size()) * sizeof(float)},
               {validation.data(), static_cast<std::size_t>(validation.size()) * sizeof(float)}});
}

} // namespace mnistx::store
