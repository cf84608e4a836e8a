#pragma once
// Queries over a run's samples: the one expression language of the map's
// filter box, the tables and the command line (--query).
//
//   loss > 2 and label == 4
//   subset == validation and prediction != label
//   dist_own > 9 or not correct
//   label == "Ankle boot" and site == "east"
//
// The syntax is query_syntax.h's. Fields (samples.csv's columns and a few
// more), for a run of C classes:
//   subset                   train or validation (also val, test; as a name or text)
//   index                    the sample's index within its subset
//   label, prediction, nearest  classes (nearest: of the nearest centroid):
//                            compared with a class name ("Ankle boot"), a
//                            class number, or one another
//   correct                  prediction == label: a condition on its own
//   loss                     cross-entropy in nats
//   confidence, margin       the highest probability; it minus the second
//   p0 … p{C−1}              the probabilities
//   dist0 … dist{C−1}        distance to each class centroid (the run's
//                            centroid space: pixel or feature space)
//   dist_own, dist_pred, dist_nearest  to the label's, the prediction's,
//                            the nearest centroid
//   x, y                     position on the map
//   label_name, prediction_name, source  texts (== and != only)
//   the user's metadata.csv fields by name (`in backticks` when the name is
//   not a plain word): numbers, or categories compared with == / != to their
//   text. The fields above win over a user field of the same name.
// Numbers combine with + − * / and compare as the data's 32-bit floats
// (`exposure == 0.3` matches metadata.csv's 0.3); conditions combine with
// and, or, not.
// A sample without a value (an empty metadata cell, a NaN) matches no
// comparison of it, != included. true and false are conditions too.
//
// Ids are the session's: training samples 0 … N_train−1, then validation
// samples offset by N_train.

#include "core/data/user_metadata.h"
#include "core/query/query_syntax.h"
#include "core/store/run_data.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mnistx::query
{

// A field a query can name, for completion and help.
struct QueryField {
    std::string name;        // as typed ("loss", "`exposure time`" in backticks when needed)
    std::string description; // "cross-entropy in nats"
};

// The fields a query over this run (and metadata) can name, in the order
// above, the per-class ones included, the user's last; without the fields
// of the model's scores for a run that has none (naming one is an error).
std::vector<QueryField> queryFields(const store::RunData& run,
                                    const data::UserMetadata* metadata = nullptr);

class SampleQuery
{
public:
    // Parses and checks the expression against the run: throws QueryError
    // pointing at the token for a syntax error, an unknown field ("did you
    // mean …"), a class name or category the run does not have, a type
    // mismatch (label > "x", loss == "a", subset < 1) or a value that is not
    // a condition (loss alone). The query reads run and metadata when it is
    // evaluated: both must outlive it and stay unchanged. The user's columns
    // count when they have one value per sample of the run.
    SampleQuery(const std::string& expression, const store::RunData& run,
                const data::UserMetadata* metadata = nullptr);
    ~SampleQuery();
    SampleQuery(SampleQuery&&) noexcept;
    SampleQuery& operator=(SampleQuery&&) noexcept;

    const std::string& expression() const;
    // Whether sample id matches (false for an id out of range).
    bool matches(int id) const;
    // 1 per matching sample, 0 else: N_train + N_validation flags.
    std::vector<std::uint8_t> matchFlags() const;
    // The matching ids in ascending order.
    std::vector<int> matchingIds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mnistx::query
