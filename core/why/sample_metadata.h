#pragma once
// Per-sample metadata of a subset (what the dashboard charts, colours the map
// by, and the insights search), and mean loss grouped by any of it.

#include "core/analysis/analysis_types.h"
#include "core/data/user_metadata.h"
#include "core/why/why_progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::why
{

enum class MetadataField : int {
    Label = 0,                 // ground truth, categorical 0..C−1
    Parity,                    // of the label: 0 even, 1 odd
    ClosedLoop,                // the label's digit has a closed loop (0, 6, 8, 9): 1, else 0
    DistanceToOwnCentroid,     // continuous, pixel space (images in [0,1])
    NearestCentroid,           // categorical 0..C−1
    Ink,                       // continuous: sum of the pixels in [0,1] (0..rows·cols)
    Confidence,                // continuous: the highest softmax probability, [0,1]
    Prediction,                // categorical 0..C−1
    Correct,                   // 1 when prediction == label, else 0
    Contrast,                  // continuous: standard deviation of the pixels in [0,1]
    DistanceToNearestCentroid, // continuous: to the nearest class centroid, pixel space
    Margin,                    // continuous: highest minus second-highest probability, [0,1]
};
constexpr int kMetadataFieldCount = 12;
// The fields that come from the model's scores (none without them).
inline bool needsScores(MetadataField field)
{
    return field == MetadataField::Confidence || field == MetadataField::Margin ||
           field == MetadataField::Prediction || field == MetadataField::Correct;
}
// The user's own fields (metadata.csv) follow the built-in ones: field
// kMetadataFieldCount + k is SubsetMetadata::user[k].
inline MetadataField userMetadataField(int k)
{
    return static_cast<MetadataField>(kMetadataFieldCount + k);
}

// Built-in fields only (SubsetMetadata's members also name user fields):
// "label", "parity", "closed_loop", "distance_to_own_centroid",
// "nearest_centroid", "ink", "confidence", "prediction", "correct",
// "contrast", "distance_to_nearest_centroid", "margin".
const char* metadataFieldName(MetadataField field);
// For the user: "Label", "Even / odd", ... (English, no trailing punctuation).
const char* metadataFieldTitle(MetadataField field);
bool isContinuous(MetadataField field);

// A field of the user's metadata.csv for one subset.
struct UserField {
    std::string name;
    bool numeric = true;
    std::vector<std::string> categories; // categorical: the values' texts
    // N values: numeric ones, or category indices; NaN where the user gave none.
    std::vector<float> values;
};

// One row per sample of one subset, in IDX order (N = sampleCount).
struct SubsetMetadata {
    analysis::Subset subset = analysis::Subset::Train;
    int classCount = 10;
    std::vector<data::ClassLabel> label;
    std::vector<std::uint8_t> parity;
    std::vector<std::uint8_t> closedLoop;
    std::vector<float> distanceToOwnCentroid;
    std::vector<data::ClassLabel> nearestCentroid;
    std::vector<float> ink;      // empty when the images were not given
    std::vector<float> contrast; // empty when the images were not given
    std::vector<float> distanceToNearestCentroid;
    std::vector<float> margin;
    std::vector<float> confidence;
    std::vector<data::ClassLabel> prediction;
    std::vector<std::uint8_t> correct;
    std::vector<float> loss; // cross-entropy in nats, copied for the grouping
    // False for a run without model scores: confidence, margin, prediction,
    // correct and loss are then empty, and has() says no to their fields.
    bool scored = true;
    // The classes' names (groupBy's names for the class fields); empty: the
    // numbers. Callers that know them (the run does) set them.
    std::vector<std::string> classNames;
    // The user's fields (addUserFields), after the built-in ones.
    std::vector<UserField> user;

    int sampleCount() const { return static_cast<int>(label.size()); }
    // Built-in and user fields: valid fields are 0 to fieldCount() − 1.
    int fieldCount() const { return kMetadataFieldCount + static_cast<int>(user.size()); }
    // The user field `field` is, or nullptr for a built-in one.
    const UserField* userField(MetadataField field) const;
    // metadataFieldName / metadataFieldTitle for built-in fields, the
    // column's name for user fields.
    std::string fieldName(MetadataField field) const;
    std::string fieldTitle(MetadataField field) const;
    // Numeric user fields are continuous, categorical ones are not.
    bool continuous(MetadataField field) const;
    // Ink needs the images; parity and closed loops are about digits, so
    // only datasets whose classes are the digits 0–9 have them.
    bool has(MetadataField field) const
    {
        if (static_cast<int>(field) < 0 || static_cast<int>(field) >= fieldCount())
            return false;
        if (field == MetadataField::Ink || field == MetadataField::Contrast)
            return !ink.empty();
        if (field == MetadataField::Parity || field == MetadataField::ClosedLoop)
            return classesAreDigits();
        return scored || !needsScores(field);
    }
    // Ten classes named 0 to 9 in order (or not named: the numbers).
    bool classesAreDigits() const;
    // The field of every sample as a number (categorical fields as their
    // value, NaN where a user field has none), e.g. to colour the map.
    // Throws std::invalid_argument for Ink when it was not computed, for the
    // score fields of unscored metadata and for fields it does not have.
    std::vector<float> values(MetadataField field) const;
};

// Adds the user's metadata.csv columns for metadata.subset. Columns whose
// length is not the subset's sample count are left out.
void addUserFields(SubsetMetadata& metadata, const data::UserMetadata& user);

// images: the subset's images, analysis.sampleCount() × pixelsPerImage uint8
// in IDX order, or nullptr (then ink stays empty). Pure function, any thread.
// progress is asked every few thousand samples (≈ 1 ms); Cancelled is thrown
// when it says stop.
SubsetMetadata computeMetadata(const analysis::SubsetAnalysis& analysis,
                               const std::uint8_t* images = nullptr, int pixelsPerImage = 28 * 28,
                               const WhyProgress& progress = {});

// How a field splits samples into groups: categorical fields by value
// (groups 0..C−1, or 0/1; a user field's categories), continuous ones into
// `bins` quantile bins (equal counts; ties may make bins uneven, empty bins
// are dropped). Samples without a value (user fields) form a last group
// named "(missing)".
struct Grouping {
    MetadataField field = MetadataField::Label;
    bool continuous = false;
    int missingGroup = -1;          // the "(missing)" group, or −1 when every sample has a value
    std::vector<std::string> names; // one per group: "3", "even", "[0.12, 0.35)"
    std::vector<double> edges;      // continuous: names.size() + 1 bin edges, else empty
    std::vector<int> groupOf;       // N: the group of every sample
    int groupCount() const { return static_cast<int>(names.size()); }
};
Grouping groupBy(const SubsetMetadata& metadata, MetadataField field, int bins = 10);

// Mean loss per group of `field`, optionally split by a second field (e.g.
// mean loss per class split into even and odd). Matrices are groups × splits
// (one split column when there is no second field); empty cells have count 0
// and mean loss 0. Unscored metadata gives the counts, with mean loss and
// error rate 0 everywhere.
struct GroupedLoss {
    Grouping groups;
    bool split = false;
    Grouping splits; // valid when split
    RowMatrixXd meanLoss;
    MatrixXi64 counts;
    RowMatrixXd errorRate; // share misclassified per cell
};
GroupedLoss meanLossBy(const SubsetMetadata& metadata, MetadataField field, int bins = 10);
GroupedLoss meanLossBy(const SubsetMetadata& metadata, MetadataField field,
                       MetadataField splitField, int bins = 10);

// The samples of a confusion-matrix cell (ground truth `label`, predicted
// `prediction`), ascending indices within the subset; none when unscored.
std::vector<int> confusionCellSamples(const analysis::SubsetAnalysis& analysis, int label,
                                      int prediction);

} // namespace mnistx::why
