#pragma once
// The user's own per-sample metadata: a metadata.csv beside the data.
//
//   subset,index,<field>,<field>,…
//   train,0,studio,0.82
//   validation,17,outdoor,0.35
//
// subset is train or validation (test and val mean validation); index is
// the sample's 0-based position in that split (file order for IDX and NumPy,
// sorted class folders then file names for image folders). A column whose
// every non-empty cell is a number is numeric, any other is categorical (its
// distinct texts are its categories, sorted). Rows may be left out and
// cells left empty: those samples have no value for that field. RFC 4180
// quoting ("a, b" and "" inside quotes), CRLF line ends and a UTF-8 byte
// order mark are accepted.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mnistx::data
{

// A user metadata column, values for every sample of both splits.
// numeric: the value, NaN when missing. categorical: the category's index
// into `categories` as a float, NaN when missing.
struct MetadataColumn {
    std::string name;
    bool numeric = true;
    std::vector<std::string> categories; // categorical: sorted distinct texts
    std::vector<float> train;            // trainCount values
    std::vector<float> validation;       // validationCount values

    const std::vector<float>& values(bool validationSplit) const
    {
        return validationSplit ? validation : train;
    }
    // Whether it holds one value per sample of splits of these sizes (a
    // run's: the exports and queries use only the columns that do).
    bool covers(int trainCount, int validationCount) const
    {
        return static_cast<int>(train.size()) == trainCount &&
               static_cast<int>(validation.size()) == validationCount;
    }
};

struct UserMetadata {
    std::string path; // where it came from; empty: no metadata.csv
    std::vector<MetadataColumn> columns;
    bool empty() const { return columns.empty(); }
};

// Column names the app uses itself (samples.csv's and the built-in metadata
// fields') may not be used again.
inline constexpr int kMaxMetadataColumns = 64;
inline constexpr int kMaxMetadataCategories = 1000;
inline constexpr int kMaxMetadataNameBytes = 100;

// Parses metadata.csv's text for splits of trainCount and validationCount
// samples. Throws DataError naming `path`, the line and the column when the
// header lacks subset and index or repeats or reuses a name, a row has
// another number of cells than the header, a subset is unknown, an index is
// not a whole number in the split's range, a sample appears twice, a
// categorical column has more than kMaxMetadataCategories categories, or
// there are more than kMaxMetadataColumns fields.
UserMetadata parseUserMetadata(std::string_view text, const std::string& path, int trainCount,
                               int validationCount);
// Reads and parses the file (DataError when it cannot be read).
UserMetadata readUserMetadata(const std::string& path, int trainCount, int validationCount);

} // namespace mnistx::data
