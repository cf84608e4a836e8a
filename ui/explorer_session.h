#pragma once

#include "core/data/dataset.h"
#include "core/store/run_data.h"

#include <QColor>
#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>
#include <vector>

namespace mnistx::ui
{

// The loaded run, its images, the current sample and the selection: the one
// state every view shows. Lives on the GUI thread; views read it directly and
// listen to its signals. Workers never touch it: they hand new values to
// setRun/setMapLayout through queued signals.
//
// Samples have one id across both subsets: training samples are ids
// [0, trainCount), validation samples [trainCount, sampleCount).
class ExplorerSession : public QObject
{
    Q_OBJECT
public:
    explicit ExplorerSession(QObject* parent = nullptr);

    // Both must describe the same samples (same counts); data may be null
    // when the images are unavailable (views then show no thumbnails).
    void setRun(std::shared_ptr<const store::RunData> run,
                std::shared_ptr<const data::DatasetSplits> data);
    // The same run with a new map (a re-projection): run must hold the same
    // samples (counts and labels) as the shown one. Keeps the current
    // sample and the selection, swaps the positions and emits
    // layoutChanged; returns false (and changes nothing) when run describes
    // other samples.
    bool setProjection(std::shared_ptr<const store::RunData> run);
    void clear();
    bool hasRun() const { return static_cast<bool>(m_run); }
    bool hasImages() const { return static_cast<bool>(m_data); }
    const store::RunData& run() const { return *m_run; }
    std::shared_ptr<const store::RunData> runPtr() const { return m_run; }
    std::shared_ptr<const data::DatasetSplits> dataPtr() const { return m_data; }

    int sampleCount() const { return m_trainCount + m_validationCount; }
    int trainCount() const { return m_trainCount; }
    int validationCount() const { return m_validationCount; }
    int classCount() const;
    // The name of class c (the run's class names, else its number); a
    // sample's source path relative to the data folder (empty when the
    // dataset has none).
    QString className(int c) const;
    QString source(int id) const;

    analysis::Subset subsetOf(int id) const
    {
        return id < m_trainCount ? analysis::Subset::Train : analysis::Subset::Validation;
    }
    int indexInSubset(int id) const { return id < m_trainCount ? id : id - m_trainCount; }
    int idOf(analysis::Subset subset, int index) const
    {
        return subset == analysis::Subset::Train ? index : m_trainCount + index;
    }
    const analysis::SubsetAnalysis& analysisOf(int id) const
    {
        return id < m_trainCount ? m_run->train : m_run->validation;
    }

    int label(int id) const { return analysisOf(id).labels[indexInSubset(id)]; }
    // Whether the run has model scores (predictions, losses, probabilities):
    // embeddings may come without them. prediction, loss and correct are
    // only for a scored run; views without them say noScoresReason().
    bool scored() const { return m_run && m_run->train.scored; }
    static QString noScoresReason();
    int prediction(int id) const { return analysisOf(id).predictions[indexInSubset(id)]; }
    float loss(int id) const { return analysisOf(id).losses[indexInSubset(id)]; }
    bool correct(int id) const { return label(id) == prediction(id); }
    // "train #123" / "validation #45"
    QString describe(int id) const;

    // Map positions of all samples (train rows, then validation): the stored
    // projection, or the intermediate layout of a projection being computed.
    const RowMatrixXf& mapPositions() const { return *m_positions; }
    std::shared_ptr<const RowMatrixXf> mapPositionsPtr() const { return m_positions; }
    void setMapLayout(std::shared_ptr<const RowMatrixXf> positions);

    // 28×28 grayscale image of a sample, ink white on black as in MNIST; a
    // null image when the images are unavailable.
    QImage image(int id) const;
    // A class centroid (pixel space [0,1]) as a grayscale image.
    QImage centroidImage(int classIndex) const;

    int current() const { return m_current; }
    void setCurrent(int id); // -1: none

    const QVector<int>& selection() const { return m_selection; }
    const QString& selectionDescription() const { return m_selectionDescription; }
    void setSelection(QVector<int> ids, const QString& description);

    // The run's stored projection as one N×2 matrix (train rows, then
    // validation); zeros when it has none yet. Any thread.
    static std::shared_ptr<const RowMatrixXf> storedPositions(const store::RunData& run);

    // Misclassified samples of both subsets by descending loss (cached; none
    // without scores).
    const std::vector<int>& misclassifiedByLoss() const;

Q_SIGNALS:
    void runChanged();
    void layoutChanged();
    void currentChanged(int id);
    void selectionChanged();

private:
    std::shared_ptr<const store::RunData> m_run;
    std::shared_ptr<const data::DatasetSplits> m_data;
    QStringList m_classNames; // the run's, converted once
    std::shared_ptr<const RowMatrixXf> m_positions;
    int m_trainCount = 0;
    int m_validationCount = 0;
    int m_current = -1;
    QVector<int> m_selection;
    QString m_selectionDescription;
    mutable std::vector<int> m_misclassified;
    mutable bool m_misclassifiedValid = false;
};

// Ten clearly distinct class colours (Tableau 10, colour-blind aware order).
QColor classColor(int classIndex);

} // namespace mnistx::ui
