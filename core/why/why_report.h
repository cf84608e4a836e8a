#pragma once
// The "why" outputs of the headless mode, written beside run.bin:
//   label_candidates.csv  ranked label-error candidates (see label_errors.h)
//   insights.json         automatic insights (see insights.h)

#include "core/data/dataset.h"
#include "core/store/run_data.h"
#include "core/why/insights.h"
#include "core/why/label_errors.h"

#include <memory>
#include <string>
#include <vector>

namespace mnistx::why
{

struct WhyReportSummary {
    int candidates = 0;
    int insights = 0;
    bool haveInk = false; // false when the images could not be read (no ink insights)
    double seconds = 0.0;
    // What was written, for the report (report.html) that shows them.
    std::shared_ptr<const std::vector<LabelCandidate>> candidateList;
    std::shared_ptr<const std::vector<Insight>> insightList;
};

// Builds the feature index, ranks label candidates, computes metadata and
// insights, and writes both files into dir. images: the run's MNIST (train
// and validation in IDX order, at least as many samples as the run), or
// nullptr to read them from run.dataFolder; when they cannot be read the ink
// metadata is left out and everything else written. Throws store::StoreError
// naming the file when one cannot be written. Call from any one thread.
WhyReportSummary writeWhyReport(const store::RunData& run, const std::string& dir,
                                const data::DatasetSplits* images = nullptr);

} // namespace mnistx::why
