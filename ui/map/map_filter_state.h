#pragma once

#include "ui/common/subset_filter.h"
#include "ui/map/map_legend.h"

#include <QCoreApplication>
#include <QObject>
#include <QRgb>
#include <QString>
#include <QStringList>
#include <QVector>
#include <cstdint>
#include <memory>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// What the population map shows and in which colour, without the widget:
// the colouring (ground truth, prediction, correct / wrong, subset or a
// custom one) with its legend entries and their counts, the filters (subset,
// misclassified only, a ground-truth/prediction pair, a query, hidden legend
// entries), which samples they leave, and the order dots are drawn in
// (errors above correct dots, larger losses above smaller: what is looked
// for lies on top).
//
// Samples are ids 0..sampleCount()-1 as in the session. Setters return
// whether anything changed, so the widget repaints and signals only then.
// Plain value, no signals; GUI thread like the map that owns it.
class MapFilterState
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(MapFilterState)
public:
    enum class ColorBy { GroundTruth, Prediction, Correctness, Subset, Custom };
    Q_ENUM(ColorBy)

    // The per-sample facts colours and filters read; every vector is
    // sampleCount() long (losses in nats, NaN allowed: drawn first).
    // Without model scores (scored false) the predictions repeat the labels,
    // so that nothing counts as wrong, and `losses` holds each sample's
    // distance to its own class centroid, which orders the dots instead.
    struct Samples {
        std::vector<int> labels;
        std::vector<int> predictions;
        std::vector<bool> inTraining; // true: training set, false: validation
        std::vector<float> losses;
        int classCount = 0;
        QStringList classNames; // empty: the numbers
        bool scored = true;
    };

    // Takes a run's samples (empty: no run). Drops a custom colouring (it
    // described the old run: returns true when the colouring thus went back
    // to ground truth) and shows every legend entry; filters stay, but for
    // samples without scores colouring by prediction or correctness goes
    // back to ground truth (also returning true) and "misclassified only"
    // goes off. Mismatched vector lengths count as no run. drawOrder:
    // drawOrderOf(samples) when the caller has it already, else empty.
    bool setSamples(Samples samples, std::vector<int> drawOrder = {});
    // The draw order, back to front: correct samples before wrong ones,
    // each group by ascending loss (NaN and infinite as the largest), equal
    // keys by ascending id. Linear time (a radix sort).
    static std::vector<int> drawOrderOf(const std::vector<int>& labels,
                                        const std::vector<int>& predictions,
                                        const std::vector<float>& losses);
    int sampleCount() const { return static_cast<int>(m_samples.labels.size()); }

    // --- Colouring --------------------------------------------------------
    // Switching colouring shows all of the new colouring's legend entries.
    // Custom needs setCustomColoring first; prediction and correctness need
    // scored samples (false otherwise).
    bool setColorBy(ColorBy colorBy);
    ColorBy colorBy() const { return m_colorBy; }
    // "ground-truth class", ..., or the custom colouring's name.
    QString colorByName() const;
    static QString colorByName(ColorBy colorBy);
    // The classes the class colourings (ground truth, prediction) tell apart:
    // empty, every class; else these, in this order, each in its own colour
    // (the first 20 stay distinguishable whatever their numbers), and the
    // rest in grey under one "other classes" entry. For datasets with more
    // classes than a palette keeps apart. Out-of-range and repeated classes
    // are dropped; a new run (setSamples) colours every class again.
    bool setColoredClasses(std::vector<int> classes);
    const std::vector<int>& coloredClasses() const { return m_coloredClasses; }
    // One opaque colour per sample, the legend entries, and optionally each
    // sample's legend entry (-1: none; then legend clicks hide samples and
    // entries are counted, else the entries keep the caller's counts).
    // Switches to ColorBy::Custom; false (and nothing changes) when a
    // vector has the wrong length or there is no run.
    bool setCustomColoring(const QString& name, std::vector<QRgb> perSample,
                           QVector<MapLegendEntry> legend, std::vector<int> entryOfSample = {});
    // The colour of a sample's dot (0xAARRGGBB, opaque); id in range.
    QRgb colorOf(int id) const { return m_colors[static_cast<size_t>(id)]; }

    // --- Legend entries ---------------------------------------------------
    QString legendTitle() const { return m_legendTitle; }
    // With counts of the samples the other filters leave (hidden entries
    // still count what they would bring back).
    const QVector<MapLegendEntry>& legendEntries() const { return m_legendEntries; }
    const std::vector<bool>& hiddenEntries() const { return m_hiddenEntries; }
    bool isEntryHidden(int entry) const;
    bool setEntryHidden(int entry, bool hidden);
    // Shows only this entry; when it is already the isolated one, shows all.
    // False when entry is out of range.
    bool isolateEntry(int entry);
    void showAllEntries();

    // --- Filters ------------------------------------------------------------
    bool setSubsetFilter(SubsetFilter filter);
    SubsetFilter subsetFilter() const { return m_subsetFilter; }
    bool setMisclassifiedOnly(bool on); // false without scores
    bool scored() const { return m_samples.scored; }
    // Sample id is misclassified (never without scores); id must be valid.
    bool isWrong(int id) const
    {
        return m_samples.labels[static_cast<size_t>(id)] !=
               m_samples.predictions[static_cast<size_t>(id)];
    }
    bool misclassifiedOnly() const { return m_misclassifiedOnly; }
    // Only samples with this ground truth and prediction; -1 (or less): any.
    bool setPairFilter(int groundTruth, int prediction);
    int pairFilterGroundTruth() const { return m_pairGroundTruth; }
    int pairFilterPrediction() const { return m_pairPrediction; }
    // Only the samples a query matched (core/query/sample_query.h): its
    // text and one flag per sample (1: matches), shared with the tables
    // that follow the map. Empty text: no query. False (nothing changes)
    // when the flags have another length than the run has samples. A new
    // run (setSamples) drops the query: it was checked against the old one.
    bool setQueryFilter(const QString& text,
                        std::shared_ptr<const std::vector<std::uint8_t>> matches);
    const QString& queryText() const { return m_queryText; }
    std::shared_ptr<const std::vector<std::uint8_t>> queryMatches() const { return m_queryMatches; }
    // Any filter or hidden legend entry in force; clearFilters lifts them all.
    bool hasFilters() const;
    bool clearFilters();
    // Lifts the filters and shows the hidden legend entries that hide any
    // of ids (ids out of range are ignored); returns what was cleared in the
    // user's words ("misclassified only"), empty when nothing was.
    QStringList revealSamples(const QVector<int>& ids);

    // --- What is shown ------------------------------------------------------
    bool isSampleShown(int id) const
    {
        return id >= 0 && id < static_cast<int>(m_shown.size()) && m_shown[static_cast<size_t>(id)];
    }
    // Per sample, 1: shown (for loops that already checked the range).
    const std::vector<std::uint8_t>& shownFlags() const { return m_shown; }
    int shownCount() const { return static_cast<int>(m_shownOrder.size()); }
    // Every id in drawing order: correct before wrong, each by ascending
    // loss (NaN last), ties by id.
    const std::vector<int>& drawOrder() const { return m_drawOrder; }
    // drawOrder() restricted to the shown samples.
    const std::vector<int>& shownOrder() const { return m_shownOrder; }

    // "GT 1 → predicted 7" ("any" for -1).
    QString pairFilterText() const;
    // The name of class c (its number when the run has no names).
    QString className(int c) const;
    // "1,234 of 70,000 samples shown · validation set · misclassified only
    // · …": what the filters leave; "" without a run.
    QString summary() const;
    // "1 sample", "70,000 samples".
    static QString samplesText(int n);

private:
    void applyColoring();
    void updateShown();

    Samples m_samples;
    std::vector<int> m_drawOrder;

    ColorBy m_colorBy = ColorBy::GroundTruth;
    std::vector<int> m_coloredClasses; // empty: all
    std::vector<QRgb> m_colors;        // per sample
    std::vector<int> m_entryOf;        // per sample legend entry, -1: none
    QString m_legendTitle;
    QVector<MapLegendEntry> m_legendEntries;
    std::vector<bool> m_hiddenEntries; // per legend entry
    int m_isolatedEntry = -1;
    QString m_customName;
    std::vector<QRgb> m_customColors;
    QVector<MapLegendEntry> m_customLegend;
    std::vector<int> m_customEntryOf;

    SubsetFilter m_subsetFilter = SubsetFilter::Both;
    bool m_misclassifiedOnly = false;
    int m_pairGroundTruth = -1;
    int m_pairPrediction = -1;
    QString m_queryText;
    std::shared_ptr<const std::vector<std::uint8_t>> m_queryMatches; // per sample; null: none
    std::vector<std::uint8_t> m_shown;                               // per sample
    std::vector<int> m_shownOrder;                                   // m_drawOrder ∩ shown
};

} // namespace mnistx::ui
