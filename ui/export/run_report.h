#pragma once

#include "core/data/dataset.h"
#include "core/store/run_data.h"
#include "core/why/insights.h"
#include "core/why/label_errors.h"

#include <QString>
#include <memory>
#include <vector>

namespace mnistx::ui
{

// What a report shows beside the run itself: the images (thumbnails; null
// when unavailable), the why-results (null: not computed, the report says
// so) and how to name the run.
struct RunReportInputs {
    std::shared_ptr<const store::RunData> run;
    std::shared_ptr<const data::DatasetSplits> images;
    std::shared_ptr<const std::vector<why::LabelCandidate>> candidates;
    std::shared_ptr<const std::vector<why::Insight>> insights;
    QString name; // the run's folder name, for the title
};

// Rows of the report's tables.
inline constexpr int kReportWorstErrors = 24;
inline constexpr int kReportLabelCandidates = 20;
inline constexpr int kReportInsights = 10;

// report.html: one self-contained page a browser opens without a network
// (styles inline, every picture a data: URI) that holds, each in a
// <section id="…">: "settings" (settings, accuracy, where the run came
// from), "maps" (the training and validation maps), "loss-vs-distance",
// "confusion" (the validation confusion matrix with counts), "worst-errors"
// (the misclassified samples of highest loss: thumbnail, prediction, loss,
// distance to their own and the predicted class's centroid, the nearer one
// marked), "label-candidates" and "insights". Well-formed XML as well as
// HTML (every element closed), so an XML parser can check it.
// Draws the pictures with the window's own code: needs a QApplication (the
// offscreen platform will do); GUI thread. 70,000 samples: about a second.
QString runReportHtml(const RunReportInputs& inputs);

// Writes runReportHtml to path, atomically. Throws std::runtime_error
// naming the file when it cannot be written.
void writeRunReport(const RunReportInputs& inputs, const QString& path);

} // namespace mnistx::ui
