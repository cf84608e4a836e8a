#pragma once

#include "core/analysis/analysis_types.h"

#include <QPointF>
#include <QString>
#include <QVector>
#include <QWidget>

class QAction;
class QPainter;

namespace mnistx::ui
{

class ChartView;
class ExplorerSession;

// Mean loss per bin of "distance from the sample's own class centroid" (pixel
// space), training and validation as two curves with ± standard-error
// whiskers over light bars of the samples per bin (right axis). The bins are
// the engine's (run.train.lossVsDistance, run.validation.lossVsDistance: same
// edges), plotted as they are. Hovering shows a bin's range, mean loss ± s.e.
// and counts; clicking a bin selects its samples on the map
// (session.setSelection): of the curve whose marker was clicked, or of both
// subsets when the click was not on a marker.
// GUI thread only.
class LossDistanceChart : public QWidget
{
    Q_OBJECT
public:
    enum class BinSubset { Train, Validation, Both };

    explicit LossDistanceChart(ExplorerSession* session, QWidget* parent = nullptr);
    ~LossDistanceChart() override;

    // The bins as plotted (a copy of the run's, taken on runChanged);
    // empty bins (count 0) have no marker. Read-only.
    const analysis::LossDistanceBins& plottedBins(analysis::Subset subset) const;
    int binCount() const;
    // The bin a distance falls in, with the engine's rule: equal-width bins,
    // the last one closed; -1 outside [minDistance, maxDistance].
    int binAt(double distance) const;
    // Session ids (ascending) of the samples whose own-centroid distance
    // falls in the bin, of one subset or both.
    QVector<int> samplesInBin(int bin, BinSubset subset) const;
    // "distance 7.2–7.8 from own centroid (train)"
    QString binDescription(int bin, BinSubset subset) const;
    // Rich-text tooltip of a bin: range, mean loss ± s.e. and count per subset.
    QString binTooltip(int bin) const;

    // What a click on the chart does: the bin under x, the subset whose
    // marker is nearest (within a few pixels; else both) → setSelection.
    // Returns false (and selects nothing) outside the bins.
    bool clickAt(const QPointF& widgetPosition);
    // The click's code path for a known bin.
    void selectBin(int bin, BinSubset subset);
    // The bin this chart selected last (highlighted), -1 when the session's
    // selection came from elsewhere.
    int selectedBin() const { return m_selectedBin; }

    // Widget position of a bin's marker (for tests and tours); null point for
    // an empty bin.
    QPointF markerPosition(int bin, analysis::Subset subset) const;

    // Mean loss on a logarithmic axis (the default: it spans orders of
    // magnitude between a class's centre and its outskirts) or a linear one.
    // Also a checkable action in the context menu (logarithmicAction()).
    void setLogarithmicLoss(bool logarithmic);
    bool logarithmicLoss() const;
    QAction* logarithmicAction() const { return m_logAction; }

    ChartView* chartView() const { return m_chart; }
    // Handles of the chart's series (ChartView::points): the mean-loss curve
    // (x = bin centre, y = mean loss, NaN for an empty bin; whiskers =
    // standard errors) and the count bars of a subset.
    int lossSeries(analysis::Subset subset) const
    {
        return subset == analysis::Subset::Train ? m_trainLoss : m_validationLoss;
    }
    int countSeries(analysis::Subset subset) const
    {
        return subset == analysis::Subset::Train ? m_trainCounts : m_validationCounts;
    }
    // Draws the chart into target at target's size (export, headless).
    void render(QPainter* painter, const QRectF& target);

    QSize sizeHint() const override { return {640, 420}; }

private:
    void onRunChanged();
    void onSelectionChanged();
    void onHovered(QPointF value, QPointF position, QPoint globalPosition);
    void updateHighlight();
    int binOf(double distance) const;
    void updateAxes();
    QString lossAxisTitle() const;
    // "distance to own class centroid (pixel space)", or feature space for
    // embeddings without images.
    QString distanceAxisTitle() const;

    ExplorerSession* m_session;
    ChartView* m_chart = nullptr;
    int m_trainCounts = -1, m_validationCounts = -1, m_highlight = -1;
    int m_trainLoss = -1, m_validationLoss = -1;
    analysis::LossDistanceBins m_train;
    analysis::LossDistanceBins m_validation;
    double m_countAxisMax = 1.0;
    double m_lossMax = 0.0;
    double m_lossMin = 0.0;
    long long m_countMax = 0;
    QAction* m_logAction = nullptr;
    int m_selectedBin = -1;
    QString m_selectedDescription;
};

} // namespace mnistx::ui
