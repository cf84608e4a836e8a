#pragma once

#include "core/training/eta_estimator.h"
#include "core/training/train_types.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <QVector>
#include <QWidget>
#include <vector>

class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;
class QBoxLayout;

namespace mnistx::ui
{

class ChartView;
class ElidedLabel;

// Live training curves and progress: a loss chart and an accuracy chart (x in
// epochs, fractional), a progress bar, ETA, throughput, a Cancel button, a
// status line naming the stage and a line with the untrained model's sanity
// check. Also shows a stored run's curves.
//
// The ETA is estimated here from the reports' timings (training::EtaEstimator:
// smoothed, none before a few batches), not taken from BatchReport::etaSeconds.
// Once training is over (later stages, done, cancelled, failed, a stored run)
// throughput reads as the run's final average and no ETA is shown.
//
// Reports arrive far more often than anyone can read them (thousands of
// batches per run), so addBatch/addEpoch only store; a 40 ms single-shot
// timer replots every series in bulk, each downsampled to at most
// kMaxPlottedPoints points, so a replot costs the GUI thread a few ms at most.
// GUI thread only.
class TrainingDashboard : public QWidget
{
    Q_OBJECT
public:
    // Upper bound on the points of any plotted series: beyond the chart's
    // width in pixels more points only cost time.
    static constexpr int kMaxPlottedPoints = 2000;
    // Coalescing delay between a report and the replot (PlotJuggler's 40 ms).
    static constexpr int kReplotDelayMs = 40;

    // The curves, for tests and export (read-only views of what is plotted).
    enum class Curve {
        BatchLoss, // train loss of every batch
        EpochTrainLoss,
        EpochValidationLoss,
        BatchAccuracy,           // train running accuracy within the epoch, %
        EpochTrainAccuracy,      // %
        EpochValidationAccuracy, // %
    };

    explicit TrainingDashboard(QWidget* parent = nullptr);
    ~TrainingDashboard() override;

    // What is plotted now (after the last replot), x in epochs.
    QList<QPointF> plottedPoints(Curve curve) const;
    // How many batch/epoch reports are stored (not all are plotted).
    int batchCount() const { return static_cast<int>(m_batches.size()); }
    int epochCount() const { return static_cast<int>(m_epochs.size()); }
    int replotCount() const { return m_replotCount; }
    // Wall time of the last replot in milliseconds.
    double lastReplotMs() const { return m_lastReplotMs; }

    // Widgets, read-only (tests, screenshots and the owner's layout).
    const QProgressBar* progressBar() const { return m_progress; }
    QString etaText() const;
    QString throughputText() const;
    QString statusText() const;
    // The sanity check's line (hidden and empty when there is none).
    const QLabel* sanityLabel() const;
    QPushButton* cancelButton() const { return m_cancel; }
    ChartView* lossChart() const { return m_lossChart; }
    ChartView* accuracyChart() const { return m_accuracyChart; }

    // Draws the dashboard's two charts side by side into target (export).
    void renderCharts(QPainter* painter, const QRectF& target);

    // Slots for the worker's signals (connect with function pointers). Not
    // declared as Q_SLOTS on purpose: moc would instantiate the training
    // types' metatypes here, before ui/workers/pipeline_worker.h declares
    // them (Q_DECLARE_METATYPE after instantiation does not compile when
    // both headers meet in one moc file).

    // Starts a new training run: clears the curves, the ETA, the throughput
    // and the sanity line, and enables Cancel.
    // batchesPerEpoch may be 0 when unknown: the reports carry it too.
    void reset(int epochs, int batchesPerEpoch);
    void addBatch(const mnistx::training::BatchReport& report);
    // The worker's batched signal (PipelineWorker::batches).
    void addBatches(const QVector<mnistx::training::BatchReport>& reports);
    void addEpoch(const mnistx::training::EpochReport& report);
    // The untrained model's check before training (PipelineWorker::sanityChecked):
    // one line, elided in a narrow dock with the whole text in its tooltip.
    void setSanityCheck(const mnistx::training::SanityCheck& check);
    // Another stage (analysis, projection): status "analysing 61%", the bar
    // shows fraction; fraction < 0 shows a busy bar and no percentage.
    void setStage(const QString& stage, double fraction);
    // Shows a stored run's curves (no live training).
    void setHistory(const mnistx::training::TrainingHistory& history);
    // The pipeline ended (done, cancelled or failed): message in the status
    // line, Cancel disabled.
    void setFinished(QString message);

Q_SIGNALS:
    void cancelRequested();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void scheduleReplot();
    void replot();
    void updateProgressWidgets();
    void setChartsXRange();
    // Throughput once training is over: the run's mean, said to be final.
    void showFinalThroughput();
    QString lastEpochSummary() const;

    ChartView* m_lossChart = nullptr;
    ChartView* m_accuracyChart = nullptr;
    QBoxLayout* m_chartsLayout = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    ElidedLabel* m_sanity = nullptr;
    QLabel* m_eta = nullptr;
    QLabel* m_throughput = nullptr;
    QPushButton* m_cancel = nullptr;
    QTimer* m_replotTimer = nullptr;

    int m_lossBatch = -1, m_lossEpochTrain = -1, m_lossEpochValidation = -1;
    int m_accBatch = -1, m_accEpochTrain = -1, m_accEpochValidation = -1;

    int m_totalEpochs = 0;
    int m_batchesPerEpoch = 0;
    std::vector<training::BatchReport> m_batches;
    std::vector<training::EpochReport> m_epochs;
    training::EtaEstimator m_etaEstimator;
    bool m_live = false;      // a training run is feeding reports
    bool m_stageMode = false; // setStage took over the progress widgets
    bool m_cancelRequested = false;
    int m_replotCount = 0;
    double m_lastReplotMs = 0.0;
};

// "0:14", "12:05", "1:02:09"; "–" for a negative or non-finite duration.
QString formatDuration(double seconds);

} // namespace mnistx::ui
