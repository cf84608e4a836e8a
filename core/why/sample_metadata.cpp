#include "core/why/sample_metadata.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

namespace mnistx::why
{

namespace
{

// Digits whose usual handwritten form encloses an area (4 is often written
// open, so it is left out, as the issue defines it).
// Samples between two progress calls: 4,096 images' ink is ≈ 1 ms, far
// inside the 25 ms between cancel polls.
constexpr int kProgressChunk = 4096;

bool hasClosedLoop(int digit)
{
    return digit == 0 || digit == 6 || digit == 8 || digit == 9;
}

std::string formatNumber(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
    return buffer;
}

} // namespace

const char* metadataFieldName(MetadataField field)
{
    switch (field) {
    case MetadataField::Label:
        return "label";
    case MetadataField::Parity:
        return "parity";
    case MetadataField::ClosedLoop:
        return "closed_loop";
    case MetadataField::DistanceToOwnCentroid:
        return "distance_to_own_centroid";
    case MetadataField::NearestCentroid:
        return "nearest_centroid";
    case MetadataField::Ink:
        return "ink";
    case MetadataField::Confidence:
        return "confidence";
    case MetadataField::Prediction:
        return "prediction";
    case MetadataField::Correct:
        return "correct";
    case MetadataField::Contrast:
        return "contrast";
    case MetadataField::DistanceToNearestCentroid:
        return "distance_to_nearest_centroid";
    case MetadataField::Margin:
        return "margin";
    }
    return "?";
}

const char* metadataFieldTitle(MetadataField field)
{
    switch (field) {
    case MetadataField::Label:
        return "Label";
    case MetadataField::Parity:
        return "Even / odd";
    case MetadataField::ClosedLoop:
        return "Closed loop";
    case MetadataField::DistanceToOwnCentroid:
        return "Distance to own centroid";
    case MetadataField::NearestCentroid:
        return "Nearest centroid";
    case MetadataField::Ink:
        return "Ink";
    case MetadataField::Confidence:
        return "Confidence";
    case MetadataField::Prediction:
        return "Prediction";
    case MetadataField::Correct:
        return "Correct";
    case MetadataField::Contrast:
        return "Contrast";
    case MetadataField::DistanceToNearestCentroid:
        return "Distance to nearest centroid";
    case MetadataField::Margin:
        return "Margin";
    }
    return "?";
}

bool isContinuous(MetadataField field)
{
    return field == MetadataField::DistanceToOwnCentroid || field == MetadataField::Ink ||
           field == MetadataField::Confidence || field == MetadataField::Contrast ||
           field == MetadataField::DistanceToNearestCentroid || field == MetadataField::Margin;
}

bool SubsetMetadata::classesAreDigits() const
{
    if (classCount != 10)
        return false;
    for (std::size_t k = 0; k < classNames.size(); ++k)
        if (classNames[k] != std::to_string(k))
            return false;
    return true;
}

const UserField* SubsetMetadata::userField(MetadataField field) const
{
    const int k = static_cast<int>(field) - kMetadataFieldCount;
    return k >= 0 && k < static_cast<int>(user.size()) ? &user[static_cast<std::size_t>(k)]
                                                       : nullptr;
}

std::string SubsetMetadata::fieldName(MetadataField field) const
{
    const UserField* u = userField(field);
    return u ? u->name : metadataFieldName(field);
}

std::string SubsetMetadata::fieldTitle(MetadataField field) const
{
    const UserField* u = userField(field);
    return u ? u->name : metadataFieldTitle(field);
}

bool SubsetMetadata::continuous(MetadataField field) const
{
    const UserField* u = userField(field);
    return u ? u->numeric : isContinuous(field);
}

void addUserFields(SubsetMetadata& metadata, const data::UserMetadata& user)
{
    const bool validation = metadata.subset == analysis::Subset::Validation;
    for (const data::MetadataColumn& column : user.columns) {
        const std::vector<float>& values = column.values(validation);
        if (static_cast<int>(values.size()) != metadata.sampleCount())
            continue;
        metadata.user.push_back({column.name, column.numeric, column.categories, values});
    }
}

std::vector<float> SubsetMetadata::values(MetadataField field) const
{
    if (const UserField* u = userField(field))
        return u->values;
    if (!scored && needsScores(field))
        throw std::invalid_argument(std::string("metadata: ") + metadataFieldName(field) +
                                    " needs the model's scores, which this run does not have");
    auto widen = [](const auto& v) { return std::vector<float>(v.begin(), v.end()); };
    switch (field) {
    case MetadataField::Label:
        return widen(label);
    case MetadataField::Parity:
        return widen(parity);
    case MetadataField::ClosedLoop:
        return widen(closedLoop);
    case MetadataField::DistanceToOwnCentroid:
        return distanceToOwnCentroid;
    case MetadataField::NearestCentroid:
        return widen(nearestCentroid);
    case MetadataField::Ink:
        if (ink.empty())
            throw std::invalid_argument("metadata: ink was not computed (no images given)");
        return ink;
    case MetadataField::Confidence:
        return confidence;
    case MetadataField::Prediction:
        return widen(prediction);
    case MetadataField::Correct:
        return widen(correct);
    case MetadataField::Contrast:
        if (contrast.empty())
            throw std::invalid_argument("metadata: contrast was not computed (no images given)");
        return contrast;
    case MetadataField::DistanceToNearestCentroid:
        return distanceToNearestCentroid;
    case MetadataField::Margin:
        return margin;
    }
    throw std::invalid_argument("metadata: unknown field " +
                                std::to_string(static_cast<int>(field)));
}

SubsetMetadata computeMetadata(const analysis::SubsetAnalysis& a, const std::uint8_t* images,
                               int pixelsPerImage, const WhyProgress& progress)
{
    const int n = a.sampleCount();
    SubsetMetadata m;
    m.subset = a.subset;
    m.classCount = a.classCount;
    m.label = a.labels;
    m.prediction = a.predictions;
    m.nearestCentroid = a.nearestCentroid;
    m.loss = a.losses;
    m.scored = a.scored;
    const auto scoredCount = static_cast<std::size_t>(a.scored ? n : 0);
    m.parity.resize(static_cast<std::size_t>(n));
    m.closedLoop.resize(static_cast<std::size_t>(n));
    m.distanceToOwnCentroid.resize(static_cast<std::size_t>(n));
    m.confidence.resize(scoredCount);
    m.correct.resize(scoredCount);
    m.distanceToNearestCentroid.resize(static_cast<std::size_t>(n));
    m.margin.resize(scoredCount);
    const bool haveDistances = a.centroidDistances.rows() == n;
    // The ink pass reads every pixel: most of the time when there are images.
    const double fieldsShare = images ? 0.2 : 1.0;
    for (int i = 0; i < n; ++i) {
        if (i % kProgressChunk == 0)
            checkProgress(progress, fieldsShare * i / n);
        const auto k = static_cast<std::size_t>(i);
        const int label = a.labels[k];
        m.parity[k] = static_cast<std::uint8_t>(label % 2);
        m.closedLoop[k] = hasClosedLoop(label) ? 1 : 0;
        m.distanceToOwnCentroid[k] = haveDistances ? a.distanceToOwnCentroid(i) : 0.0f;
        m.distanceToNearestCentroid[k] =
            haveDistances ? a.centroidDistances.row(i).minCoeff() : 0.0f;
        if (!a.scored)
            continue;
        const auto p = a.probabilities.row(i);
        float first = 0.0f, second = 0.0f;
        for (Eigen::Index c = 0; c < p.size(); ++c) {
            if (p(c) > first) {
                second = first;
                first = p(c);
            } else if (p(c) > second) {
                second = p(c);
            }
        }
        m.confidence[k] = first;
        m.margin[k] = first - second;
        m.correct[k] = a.correct(i) ? 1 : 0;
    }
    if (images && pixelsPerImage > 0) {
        m.ink.resize(static_cast<std::size_t>(n));
        m.contrast.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            if (i % kProgressChunk == 0)
                checkProgress(progress, fieldsShare + (1.0 - fieldsShare) * i / n);
            const std::uint8_t* image = images + static_cast<std::size_t>(i) * pixelsPerImage;
            long long sum = 0, squares = 0;
            for (int p = 0; p < pixelsPerImage; ++p) {
                sum += image[p];
                squares += image[p] * image[p];
            }
            const double mean = static_cast<double>(sum) / pixelsPerImage;
            const double variance =
                std::max(0.0, static_cast<double>(squares) / pixelsPerImage - mean * mean);
            m.ink[static_cast<std::size_t>(i)] = static_cast<float>(sum / 255.0);
            m.contrast[static_cast<std::size_t>(i)] =
                static_cast<float>(std::sqrt(variance) / 255.0);
        }
    }
    return m;
}

Grouping groupBy(const SubsetMetadata& metadata, MetadataField field, int bins)
{
    const std::vector<float> values = metadata.values(field);
    const int n = static_cast<int>(values.size());
    Grouping g;
    g.field = field;
    g.continuous = metadata.continuous(field);
    g.groupOf.assign(static_cast<std::size_t>(n), 0);
    const bool anyMissing =
        std::any_of(values.begin(), values.end(), [](float v) { return std::isnan(v); });
    // After the value groups: the samples without a value (user fields).
    const auto addMissingGroup = [&] {
        if (!anyMissing)
            return;
        g.missingGroup = g.groupCount();
        g.names.push_back("(missing)");
        for (int i = 0; i < n; ++i)
            if (std::isnan(values[static_cast<std::size_t>(i)]))
                g.groupOf[static_cast<std::size_t>(i)] = g.missingGroup;
    };
    if (!g.continuous) {
        if (const UserField* u = metadata.userField(field)) {
            g.names = u->categories;
        } else {
            int groups = 2;
            if (field == MetadataField::Label || field == MetadataField::NearestCentroid ||
                field == MetadataField::Prediction)
                groups = metadata.classCount;
            for (int k = 0; k < groups; ++k) {
                if (field == MetadataField::Parity)
                    g.names.push_back(k == 0 ? "even" : "odd");
                else if (field == MetadataField::ClosedLoop)
                    g.names.push_back(k == 0 ? "no loop" : "closed loop");
                else if (field == MetadataField::Correct)
                    g.names.push_back(k == 0 ? "wrong" : "right");
                else if (k < static_cast<int>(metadata.classNames.size()))
                    g.names.push_back(metadata.classNames[static_cast<std::size_t>(k)]);
                else
                    g.names.push_back(std::to_string(k));
            }
        }
        for (int i = 0; i < n; ++i) {
            const float v = values[static_cast<std::size_t>(i)];
            g.groupOf[static_cast<std::size_t>(i)] = std::isnan(v) ? -1 : static_cast<int>(v);
        }
        addMissingGroup();
        return g;
    }

    if (bins < 1)
        throw std::invalid_argument("metadata: bins must be at least 1");
    std::vector<float> sorted;
    sorted.reserve(values.size());
    for (const float v : values)
        if (!std::isnan(v))
            sorted.push_back(v);
    const long present = static_cast<long>(sorted.size());
    if (present == 0) {
        addMissingGroup();
        return g;
    }
    std::sort(sorted.begin(), sorted.end());
    // Quantile edges; duplicates (ties, e.g. confidence 1.0) merge bins.
    std::vector<double> edges{sorted.front()};
    for (int b = 1; b < bins; ++b) {
        const double q =
            sorted[static_cast<std::size_t>(std::min<long>(present - 1, present * b / bins))];
        if (q > edges.back())
            edges.push_back(q);
    }
    const double top = sorted.back();
    edges.push_back(top > edges.back() ? top : std::nextafter(edges.back(), HUGE_VAL));
    const int groups = static_cast<int>(edges.size()) - 1;
    for (int b = 0; b < groups; ++b)
        g.names.push_back("[" + formatNumber(edges[b]) + ", " + formatNumber(edges[b + 1]) +
                          (b + 1 == groups ? "]" : ")"));
    g.edges = edges;
    for (int i = 0; i < n; ++i) {
        const double v = values[static_cast<std::size_t>(i)];
        const auto it = std::upper_bound(edges.begin() + 1, edges.end() - 1, v);
        g.groupOf[static_cast<std::size_t>(i)] = static_cast<int>(it - (edges.begin() + 1));
    }
    addMissingGroup();
    return g;
}

namespace
{

GroupedLoss aggregate(const SubsetMetadata& m, Grouping groups, Grouping splits, bool split)
{
    GroupedLoss out;
    const int rows = groups.groupCount();
    const int cols = split ? splits.groupCount() : 1;
    out.meanLoss = RowMatrixXd::Zero(rows, cols);
    out.errorRate = RowMatrixXd::Zero(rows, cols);
    out.counts = MatrixXi64::Zero(rows, cols);
    for (int i = 0; i < m.sampleCount(); ++i) {
        const auto k = static_cast<std::size_t>(i);
        const int r = groups.groupOf[k];
        const int c = split ? splits.groupOf[k] : 0;
        if (r < 0 || r >= rows || c < 0 || c >= cols)
            continue;
        out.counts(r, c) += 1;
        if (!m.scored)
            continue;
        out.meanLoss(r, c) += m.loss[k];
        out.errorRate(r, c) += m.correct[k] ? 0.0 : 1.0;
    }
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            if (out.counts(r, c) > 0) {
                out.meanLoss(r, c) /= double(out.counts(r, c));
                out.errorRate(r, c) /= double(out.counts(r, c));
            }
    out.groups = std::move(groups);
    out.splits = std::move(splits);
    out.split = split;
    return out;
}

} // namespace

GroupedLoss meanLossBy(const SubsetMetadata& metadata, MetadataField field, int bins)
{
    return aggregate(metadata, groupBy(metadata, field, bins), Grouping{}, false);
}

GroupedLoss meanLossBy(const SubsetMetadata& metadata, MetadataField field,
                       MetadataField splitField, int bins)
{
    return aggregate(metadata, groupBy(metadata, field, bins), groupBy(metadata, splitField, bins),
                     true);
}

std::vector<int> confusionCellSamples(const analysis::SubsetAnalysis& a, int label, int prediction)
{
    std::vector<int> out;
    if (!a.scored)
        return out;
    for (int i = 0; i < a.sampleCount(); ++i)
        if (a.labels[static_cast<std::size_t>(i)] == label &&
            a.predictions[static_cast<std::size_t>(i)] == prediction)
            out.push_back(i);
    return out;
}

} // namespace mnistx::why
