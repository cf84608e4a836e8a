#include "core/pipeline/run_data_match.h"

#include "core/data/dataset_fingerprint.h"

namespace mnistx::pipeline
{

std::string runDataMismatch(const store::RunData& run, const std::string& runDir,
                            const data::DatasetSplits& data, const std::string& fingerprint)
{
    const data::ImageShape runShape{run.centroids.channels, run.centroids.rows, run.centroids.cols};
    const int runClasses = run.train.classCount;
    const bool sameSizes = run.trainCount == data.train.count &&
                           run.validationCount == data.validation.count &&
                           runShape == data.train.shape() && runClasses == data.classCount();
    const bool same =
        run.datasetFingerprint.empty() ? sameSizes : run.datasetFingerprint == fingerprint;
    if (same)
        return {};
    const std::string runData =
        data::datasetSummary(run.trainCount + run.validationCount, runShape, runClasses);
    const std::string newData = data::datasetSummary(data.train.count + data.validation.count,
                                                     data.train.shape(), data.classCount());
    return "the run in " + runDir + " was made on " +
           (run.dataFolder.empty() ? std::string("other data") : run.dataFolder) + " (" + runData +
           "), not on " + data.folder + " (" +
           (sameSizes ? newData + ": the same sizes, other images, labels or class names"
                      : newData) +
           ")";
}

} // namespace mnistx::pipeline
