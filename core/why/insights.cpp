#include "core/why/insights.h"

#include "core/store/file_io.h"
#include "core/util/json_cursor.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>

namespace mnistx::why
{

namespace
{

// Rows per block of the k-means assignment: a 4096 × 40 distance block is
// 640 KB, in L2 beside the centres.
constexpr Eigen::Index kAssignBlock = 4096;

std::string fmt(const char* format, double v)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, v);
    return buffer;
}

std::string percent(double share)
{
    return fmt("%.0f%%", 100.0 * share);
}
std::string loss3(double v)
{
    return fmt("%.3g", v);
}
std::string ratio(double v)
{
    return fmt("%.1f", v);
}

std::string capitalised(std::string s)
{
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z')
        s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

// "18 % wrong"; one decimal below 10 %, so that a few errors do not read as 0 %.
std::string wrongText(double rate)
{
    return fmt(rate > 0.0 && rate < 0.1 ? "%.1f %% wrong" : "%.0f %% wrong", 100.0 * rate);
}

// "312 samples", "1,000 samples".
std::string samplesText(int count)
{
    std::string digits = std::to_string(count);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<std::size_t>(at), ",");
    return digits + (count == 1 ? " sample" : " samples");
}

// The title's common tail: " · 312 samples · 18 % wrong" (U+00B7 as UTF-8).
std::string sizeAndErrors(int count, double errorRate)
{
    const std::string dot = " \xc2\xb7 "; // U+00B7 in UTF-8, whatever the compiler's charset
    return dot + samplesText(count) + dot + wrongText(errorRate);
}

// A class as the user says it: "4s".
std::string plural(int label)
{
    return std::to_string(label) + "s";
}

// Classes named in a cluster's title: in order of count, each holding at
// least this share of the cluster (a class below it is a stray, not what
// the cluster is), at most kMaxNamedClasses.
constexpr double kMinNamedShare = 0.15;
constexpr std::size_t kMaxNamedClasses = 3; // more is a mixed bag, not a description
// Named classes covering less than this share of the cluster: "mostly ...".
constexpr double kWholeClusterShare = 0.9;

// "4s and 9s near the 4/9 border", "mostly 3s", "7s, 1s and 2s".
std::string clusterDescription(const std::vector<int>& labelCounts, int count, int errorLabel,
                               int errorPrediction)
{
    std::vector<int> order(labelCounts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
        return labelCounts[static_cast<std::size_t>(x)] > labelCounts[static_cast<std::size_t>(y)];
    });
    std::vector<int> named;
    int covered = 0;
    for (int c : order) {
        const int n = labelCounts[static_cast<std::size_t>(c)];
        if (named.size() == kMaxNamedClasses || n == 0 ||
            (!named.empty() && n < kMinNamedShare * count))
            break;
        named.push_back(c);
        covered += n;
    }
    std::string text = covered < kWholeClusterShare * count ? "mostly " : "";
    for (std::size_t k = 0; k < named.size(); ++k) {
        if (k > 0)
            text += k + 1 == named.size() ? " and " : ", ";
        text += plural(named[k]);
    }
    if (errorLabel >= 0 && errorPrediction >= 0)
        text += " near the " + std::to_string(std::min(errorLabel, errorPrediction)) + "/" +
                std::to_string(std::max(errorLabel, errorPrediction)) + " border";
    return text;
}

struct GroupStats {
    int count = 0;
    int errors = 0;
    double lossSum = 0.0;
    double mean() const { return count ? lossSum / count : 0.0; }
};

GroupStats statsOf(const analysis::SubsetAnalysis& a, const std::vector<int>& samples)
{
    GroupStats s;
    for (int i : samples) {
        ++s.count;
        s.errors += a.correct(i) ? 0 : 1;
        s.lossSum += a.losses[static_cast<std::size_t>(i)];
    }
    return s;
}

Insight makeInsight(InsightKind kind, const analysis::SubsetAnalysis& a, std::vector<int> samples,
                    const GroupStats& s)
{
    Insight in;
    in.kind = kind;
    in.subset = a.subset;
    in.samples = std::move(samples);
    in.meanLoss = s.mean();
    in.subsetMeanLoss = a.meanLoss;
    in.errorRate = s.count ? double(s.errors) / s.count : 0.0;
    const double total = a.meanLoss * a.sampleCount();
    in.excessLossShare = total > 0 ? s.count * (s.mean() - a.meanLoss) / total : 0.0;
    return in;
}

double subsetMeanLoss(const analysis::SubsetAnalysis& a)
{
    if (a.sampleCount() == 0)
        return 0.0;
    double sum = 0.0;
    for (float l : a.losses)
        sum += l;
    return sum / a.sampleCount();
}

void clusterInsights(const analysis::SubsetAnalysis& a, const InsightConfig& config, double mean,
                     std::vector<Insight>& out, const WhyProgress& progress)
{
    if (a.features.rows() != a.sampleCount() || a.sampleCount() < 2 * config.minGroupSize)
        return;
    const std::vector<int> cluster =
        kMeansClusters(a.features, config.clusters, config.kmeansIterations, config.seed, progress);
    const int k = cluster.empty() ? 0 : *std::max_element(cluster.begin(), cluster.end()) + 1;
    std::vector<std::vector<int>> members(static_cast<std::size_t>(k));
    for (int i = 0; i < a.sampleCount(); ++i)
        members[static_cast<std::size_t>(cluster[static_cast<std::size_t>(i)])].push_back(i);
    for (int c = 0; c < k; ++c) {
        auto& samples = members[static_cast<std::size_t>(c)];
        const GroupStats s = statsOf(a, samples);
        if (s.count < config.minGroupSize || s.mean() < config.minLossRatio * mean)
            continue;
        // Describe the cluster by its dominant label and its commonest error.
        std::vector<int> labels(static_cast<std::size_t>(a.classCount), 0);
        std::vector<int> pairs(static_cast<std::size_t>(a.classCount * a.classCount), 0);
        for (int i : samples) {
            const int label = a.labels[static_cast<std::size_t>(i)];
            ++labels[static_cast<std::size_t>(label)];
            if (!a.correct(i))
                ++pairs[static_cast<std::size_t>(label * a.classCount +
                                                 a.predictions[static_cast<std::size_t>(i)])];
        }
        const int top = int(std::max_element(labels.begin(), labels.end()) - labels.begin());
        const int pair = int(std::max_element(pairs.begin(), pairs.end()) - pairs.begin());
        Insight in = makeInsight(InsightKind::FeatureCluster, a, std::move(samples), s);
        in.first = c;
        // A border takes more than one error to name: one is an anecdote.
        const bool anyError = pairs[static_cast<std::size_t>(pair)] >= 2;
        in.title =
            capitalised(clusterDescription(labels, s.count, anyError ? pair / a.classCount : -1,
                                           anyError ? pair % a.classCount : -1)) +
            sizeAndErrors(s.count, in.errorRate);
        std::string sentence = capitalised(analysis::subsetName(a.subset)) +
                               " feature-space cluster " + std::to_string(c) + " (" +
                               std::to_string(s.count) + " samples, " +
                               percent(double(labels[static_cast<std::size_t>(top)]) / s.count) +
                               " labelled " + std::to_string(top);
        if (pairs[static_cast<std::size_t>(pair)] > 0)
            sentence += "; commonest error: " + std::to_string(pair / a.classCount) +
                        " predicted as " + std::to_string(pair % a.classCount) + ", " +
                        std::to_string(pairs[static_cast<std::size_t>(pair)]) + "×";
        sentence += ") has mean loss " + loss3(s.mean()) + ", " + ratio(s.mean() / mean) +
                    "× the subset's " + loss3(mean) + ", with " + percent(in.errorRate) +
                    " misclassified.";
        in.sentence = sentence;
        out.push_back(std::move(in));
    }
}

void confusionInsights(const analysis::SubsetAnalysis& a, const InsightConfig& config,
                       std::vector<Insight>& out)
{
    const int C = a.classCount;
    std::vector<std::vector<int>> cells(static_cast<std::size_t>(C * C));
    int errors = 0;
    for (int i = 0; i < a.sampleCount(); ++i) {
        if (a.correct(i))
            continue;
        ++errors;
        cells[static_cast<std::size_t>(a.labels[i] * C + a.predictions[i])].push_back(i);
    }
    if (errors == 0)
        return;
    std::vector<int> order(static_cast<std::size_t>(C * C));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
        return cells[static_cast<std::size_t>(x)].size() >
               cells[static_cast<std::size_t>(y)].size();
    });
    int covered = 0;
    for (int r = 0; r < config.maxConfusionPairs && r < C * C; ++r) {
        auto& samples = cells[static_cast<std::size_t>(order[static_cast<std::size_t>(r)])];
        const int count = static_cast<int>(samples.size());
        if (count < config.minPairErrors || double(covered) / errors >= config.confusionCover)
            break;
        covered += count;
        const int label = order[static_cast<std::size_t>(r)] / C;
        const int prediction = order[static_cast<std::size_t>(r)] % C;
        const GroupStats s = statsOf(a, samples);
        Insight in = makeInsight(InsightKind::ConfusionPair, a, std::move(samples), s);
        in.first = label;
        in.second = prediction;
        in.title = plural(label) + " predicted as " + std::to_string(prediction) +
                   sizeAndErrors(s.count, in.errorRate);
        in.sentence = capitalised(analysis::subsetName(a.subset)) + " samples labelled " +
                      std::to_string(label) + " but predicted " + std::to_string(prediction) +
                      " are " + std::to_string(count) + " of the subset's " +
                      std::to_string(errors) + " errors (" + percent(double(count) / errors) +
                      (r == 0 ? std::string()
                              : "; with the " + std::to_string(r) + " above, " +
                                    percent(double(covered) / errors)) +
                      "), mean loss " + loss3(s.mean()) + ".";
        out.push_back(std::move(in));
    }
}

void metadataInsights(const analysis::SubsetAnalysis& a, const SubsetMetadata& m,
                      const InsightConfig& config, double mean, std::vector<Insight>& out,
                      const WhyProgress& progress)
{
    // Confidence and correctness restate the loss, so they are no insight.
    // The user's own fields (metadata.csv) come after the built-in ones.
    std::vector<MetadataField> fields = {
        MetadataField::Label,           MetadataField::Parity,
        MetadataField::ClosedLoop,      MetadataField::DistanceToOwnCentroid,
        MetadataField::NearestCentroid, MetadataField::Ink,
        MetadataField::Prediction};
    for (int k = 0; k < static_cast<int>(m.user.size()); ++k)
        fields.push_back(userMetadataField(k));
    const int fieldCount = static_cast<int>(fields.size());
    for (int f = 0; f < fieldCount; ++f) {
        const MetadataField field = fields[static_cast<std::size_t>(f)];
        checkProgress(progress, double(f) / fieldCount); // a field is one sort of the subset
        if (!m.has(field))
            continue;
        const Grouping g = groupBy(m, field, config.bins);
        std::vector<std::vector<int>> members(static_cast<std::size_t>(g.groupCount()));
        for (int i = 0; i < m.sampleCount(); ++i) {
            const int group = g.groupOf[static_cast<std::size_t>(i)];
            if (group >= 0 && group < g.groupCount())
                members[static_cast<std::size_t>(group)].push_back(i);
        }
        for (int group = 0; group < g.groupCount(); ++group) {
            auto& samples = members[static_cast<std::size_t>(group)];
            const GroupStats s = statsOf(a, samples);
            if (s.count < config.minGroupSize || s.mean() < config.minLossRatio * mean)
                continue;
            Insight in = makeInsight(InsightKind::MetadataGroup, a, std::move(samples), s);
            in.first = static_cast<int>(field);
            in.second = group;
            // Built-in titles read in lower case mid-sentence; the user's
            // column names stay as written.
            // ("place = studio", "brightness in [0.2, 0.4)").
            std::string what = m.fieldTitle(field);
            std::string is = " ";
            if (!m.userField(field))
                for (char& ch : what)
                    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            else if (group != g.missingGroup)
                is = g.continuous ? " in " : " = ";
            const std::string& value = g.names[static_cast<std::size_t>(group)];
            in.title = (m.userField(field) ? what : capitalised(what)) + is + value +
                       sizeAndErrors(s.count, in.errorRate);
            in.sentence = capitalised(analysis::subsetName(a.subset)) + " samples with " + what +
                          is + value + " (" + std::to_string(s.count) +
                          " samples) have mean loss " + loss3(s.mean()) + ", " +
                          ratio(s.mean() / mean) + "× the subset's " + loss3(mean) + ", with " +
                          percent(in.errorRate) + " misclassified.";
            out.push_back(std::move(in));
        }
    }
}

} // namespace

const char* insightKindName(InsightKind kind)
{
    switch (kind) {
    case InsightKind::FeatureCluster:
        return "feature_cluster";
    case InsightKind::ConfusionPair:
        return "confusion_pair";
    case InsightKind::MetadataGroup:
        return "metadata_group";
    }
    return "?";
}

std::vector<int> kMeansClusters(const RowMatrixXf& x, int clusters, int iterations,
                                std::uint64_t seed, const WhyProgress& progress)
{
    const Eigen::Index n = x.rows();
    const Eigen::Index d = x.cols();
    if (n == 0)
        return {};
    const int k = static_cast<int>(std::min<Eigen::Index>(std::max(1, clusters), n));
    std::mt19937_64 rng(seed);

    // k-means++ seeding: each next centre drawn with probability ∝ squared
    // distance to the nearest centre so far.
    RowMatrixXf centres(k, d);
    std::vector<double> nearest(static_cast<std::size_t>(n), std::numeric_limits<double>::max());
    Eigen::Index pick = static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(n));
    // Seeding is one pass over the samples per centre, each Lloyd iteration
    // about two: progress is shared out accordingly.
    const int rounds = std::max(1, iterations);
    const double seedingShare = double(k) / (k + 2.0 * rounds);
    for (int c = 0; c < k; ++c) {
        checkProgress(progress, seedingShare * c / k);
        centres.row(c) = x.row(pick);
        double total = 0.0;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double dist = (x.row(i) - centres.row(c)).squaredNorm();
            nearest[static_cast<std::size_t>(i)] =
                std::min(nearest[static_cast<std::size_t>(i)], dist);
            total += nearest[static_cast<std::size_t>(i)];
        }
        if (total <= 0.0)
            pick = static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(n));
        else {
            double target = std::uniform_real_distribution<double>(0.0, total)(rng);
            pick = n - 1;
            for (Eigen::Index i = 0; i < n; ++i) {
                target -= nearest[static_cast<std::size_t>(i)];
                if (target <= 0.0) {
                    pick = i;
                    break;
                }
            }
        }
    }

    std::vector<int> assignment(static_cast<std::size_t>(n), -1);
    for (int iteration = 0; iteration < rounds; ++iteration) {
        // Assign: |x|² + |c|² − 2 x·c by blocked matrix products.
        const Eigen::RowVectorXf centreNorms = centres.rowwise().squaredNorm().transpose();
        bool changed = false;
        for (Eigen::Index b = 0; b < n; b += kAssignBlock) {
            checkProgress(progress, seedingShare + (1.0 - seedingShare) *
                                                       (iteration + double(b) / n) / rounds);
            const Eigen::Index rows = std::min(kAssignBlock, n - b);
            RowMatrixXf dist = -2.0f * (x.middleRows(b, rows) * centres.transpose());
            dist.rowwise() += centreNorms;
            for (Eigen::Index r = 0; r < rows; ++r) {
                Eigen::Index best = 0;
                dist.row(r).minCoeff(&best);
                int& slot = assignment[static_cast<std::size_t>(b + r)];
                if (slot != static_cast<int>(best)) {
                    slot = static_cast<int>(best);
                    changed = true;
                }
            }
        }
        if (!changed)
            break;
        // Update: means; an emptied cluster keeps its old centre.
        RowMatrixXf sums = RowMatrixXf::Zero(k, d);
        std::vector<int> counts(static_cast<std::size_t>(k), 0);
        for (Eigen::Index i = 0; i < n; ++i) {
            const int c = assignment[static_cast<std::size_t>(i)];
            sums.row(c) += x.row(i);
            ++counts[static_cast<std::size_t>(c)];
        }
        for (int c = 0; c < k; ++c)
            if (counts[static_cast<std::size_t>(c)] > 0)
                centres.row(c) = sums.row(c) / float(counts[static_cast<std::size_t>(c)]);
    }
    return assignment;
}

std::vector<Insight> findInsights(const analysis::SubsetAnalysis& a, const SubsetMetadata& m,
                                  const InsightConfig& config, const WhyProgress& progress)
{
    if (m.sampleCount() != a.sampleCount())
        throw std::invalid_argument("insights: the metadata has " +
                                    std::to_string(m.sampleCount()) + " samples, the subset " +
                                    std::to_string(a.sampleCount()));
    std::vector<Insight> out;
    if (!a.scored) // the insights rank groups by their loss
        return out;
    const double mean = subsetMeanLoss(a);
    if (a.sampleCount() == 0 || mean <= 0.0)
        return out;
    // The k-means is most of the time, then one grouping per metadata field.
    constexpr double kClusterShare = 0.8;
    clusterInsights(a, config, mean, out, partOf(progress, 0.0, kClusterShare));
    confusionInsights(a, config, out);
    metadataInsights(a, m, config, mean, out, partOf(progress, kClusterShare, 1.0 - kClusterShare));
    for (Insight& in : out)
        in.subsetMeanLoss = mean;
    std::stable_sort(out.begin(), out.end(), [](const Insight& x, const Insight& y) {
        return x.excessLossShare > y.excessLossShare;
    });
    if (config.maxPerSubset > 0 && static_cast<int>(out.size()) > config.maxPerSubset)
        out.resize(static_cast<std::size_t>(config.maxPerSubset));
    return out;
}

std::vector<Insight> findRunInsights(const store::RunData& run, const SubsetMetadata& train,
                                     const SubsetMetadata& validation, const InsightConfig& config,
                                     const WhyProgress& progress)
{
    const int total = run.validation.sampleCount() + run.train.sampleCount();
    const double validationShare = total > 0 ? double(run.validation.sampleCount()) / total : 0.0;
    std::vector<Insight> out =
        findInsights(run.validation, validation, config, partOf(progress, 0.0, validationShare));
    std::vector<Insight> more = findInsights(
        run.train, train, config, partOf(progress, validationShare, 1.0 - validationShare));
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
    return out;
}

std::string insightsJson(const std::vector<Insight>& insights)
{
    json::Value doc = json::Value::object();
    doc["format"] = "mnistx-insights";
    doc["version"] = 1;
    json::Value list = json::Value::array();
    for (const Insight& in : insights) {
        json::Value v = json::Value::object();
        v["kind"] = insightKindName(in.kind);
        v["subset"] = analysis::subsetName(in.subset);
        v["title"] = in.title;
        v["sentence"] = in.sentence;
        v["count"] = in.samples.size();
        v["mean_loss"] = in.meanLoss;
        v["subset_mean_loss"] = in.subsetMeanLoss;
        v["error_rate"] = in.errorRate;
        v["excess_loss_share"] = in.excessLossShare;
        json::Value samples = json::Value::array();
        for (int i : in.samples)
            samples.push_back(i);
        v["samples"] = std::move(samples);
        list.push_back(std::move(v));
    }
    doc["insights"] = std::move(list);
    return json::serialize(doc) + "\n";
}

void writeInsightsJson(const std::vector<Insight>& insights, const std::string& path)
{
    store::writeTextAtomically(path, insightsJson(insights));
}

} // namespace mnistx::why
