#include "core/data/dataset_fingerprint.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <new>
#include <xxhash.h>

namespace mnistx::data
{

namespace
{

struct StateDeleter {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

class Hasher
{
public:
    Hasher() : m_state(XXH3_createState())
    {
        if (!m_state || XXH3_64bits_reset(m_state.get()) == XXH_ERROR)
            throw std::bad_alloc();
    }
    void bytes(const void* data, std::size_t size)
    {
        if (size > 0)
            XXH3_64bits_update(m_state.get(), data, size);
    }
    void number(std::int64_t v) { bytes(&v, sizeof v); }
    void text(const std::string& s)
    {
        number(static_cast<std::int64_t>(s.size())); // "ab","c" differs from "a","bc"
        bytes(s.data(), s.size());
    }
    std::uint64_t digest() const { return XXH3_64bits_digest(m_state.get()); }

private:
    std::unique_ptr<XXH3_state_t, StateDeleter> m_state;
};

void hashSplit(Hasher& h, const Dataset& d)
{
    for (const int v : {d.count, d.rows, d.cols, d.channels, d.classCount})
        h.number(v);
    h.bytes(d.images.data(), d.images.size());
    h.bytes(d.labels.data(), d.labels.size() * sizeof(ClassLabel));
}

// 70000 → "70,000".
std::string grouped(long long n)
{
    std::string digits = std::to_string(n), out;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        if (k > 0 && (digits.size() - k) % 3 == 0)
            out += ',';
        out += digits[k];
    }
    return out;
}

} // namespace

std::string datasetFingerprint(const DatasetSplits& data)
{
    Hasher h;
    h.text("mnistx dataset fingerprint 1");
    hashSplit(h, data.train);
    hashSplit(h, data.validation);
    h.number(static_cast<std::int64_t>(data.classNames.size()));
    for (const std::string& name : data.classNames)
        h.text(name);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h.digest()));
    return std::string("xxh3-64:") + hex;
}

std::string datasetSummary(int imageCount, const ImageShape& shape, int classCount)
{
    return grouped(imageCount) + " images of " + shape.text() + ", " + grouped(classCount) +
           " classes";
}

} // namespace mnistx::data
