// MainWindow: Run ▸ Compare With… — the open run against another stored run
// of the same dataset (core/compare), shown on the map and in the selection.

#include "core/compare/run_comparison.h"
#include "core/store/run_data.h"
#include "core/store/run_store.h"
#include "ui/explorer_session.h"
#include "ui/gallery/selection_gallery.h"
#include "ui/inspector/error_inspector.h"
#include "ui/main_window.h"
#include "ui/map/comparison_coloring.h"
#include "ui/map/population_map.h"
#include "ui/why/confusion_change_view.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QStatusBar>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>

namespace mnistx::ui
{

namespace
{

// The changed samples selected at the most, largest loss change first.
constexpr int kMaxComparedSelection = 200;

} // namespace

void MainWindow::applyComparisonColoring()
{
    if (!m_comparison)
        return;
    ComparisonColoring copy = m_comparison->coloring;
    m_map->setCustomColoring(m_comparison->name, std::move(copy.colours), copy.legend,
                             std::move(copy.entries));
}

void MainWindow::applyLossChangeColoring()
{
    if (!m_comparison)
        return;
    ComparisonColoring copy = m_comparison->lossColoring;
    m_map->setCustomColoring(tr("loss change from %1").arg(m_comparison->runName),
                             std::move(copy.colours), copy.legend, std::move(copy.entries));
}

void MainWindow::forgetComparison()
{
    m_comparison.reset();
    m_inspector->setComparison(nullptr, QString());
    m_confusionChange->setComparison(nullptr, QString());
    dropColorEntry(kLossChangeColoring);
    dropColorEntry(kComparisonColoring);
}

int MainWindow::placeColorEntry(int data, const QString& text, const QString& tip)
{
    const QSignalBlocker block(m_colorBox);
    int index = m_colorBox->findData(data);
    if (index < 0) {
        // After the class colourings and the entries of this kind (their
        // data below kComparisonColoring's and up): they keep their order.
        index = m_colorBox->findData(static_cast<int>(PopulationMap::ColorBy::Subset)) + 1;
        while (index < m_colorBox->count() &&
               m_colorBox->itemData(index).toInt() <= kComparisonColoring)
            ++index;
        m_colorBox->insertItem(index, QString(), data);
    }
    m_colorBox->setItemText(index, text);
    m_colorBox->setItemData(index, tip, Qt::ToolTipRole);
    return index;
}

void MainWindow::dropColorEntry(int data)
{
    const int index = m_colorBox->findData(data);
    if (index < 0)
        return;
    const bool shown = m_colorBox->currentIndex() == index;
    {
        const QSignalBlocker block(m_colorBox);
        m_colorBox->removeItem(index);
        if (shown)
            m_colorBox->setCurrentIndex(0);
    }
    if (shown) // the map follows the box: ground truth
        applyColoring();
}

void MainWindow::chooseComparison()
{
    if (!m_session->hasRun())
        return;
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Compare With Run (a folder with run.bin)"), QString::fromStdString(runsFolder()));
    if (!dir.isEmpty())
        compareWith(dir);
}

bool MainWindow::compareWith(const QString& dir)
{
    if (!m_session->hasRun() || m_pendingComparison)
        return false;
    // The chosen run is A, the reference; the open run is B: the map shows
    // what the open run fixed and broke.
    auto pending = std::make_unique<PendingComparison>();
    pending->dir = dir;
    pending->shown = m_session->runPtr();
    pending->result =
        std::async(std::launch::async, [dir = dir.toStdString(), shown = pending->shown] {
            auto reference = std::make_shared<const store::RunData>(store::loadRun(dir));
            return std::make_pair(compare::compareRuns(*reference, *shown),
                                  std::shared_ptr<const store::RunData>(reference));
        });
    m_pendingComparison = std::move(pending);
    statusBar()->showMessage(
        tr("Comparing with %1…").arg(QFileInfo(QDir::cleanPath(dir)).fileName()));
    m_comparisonPoll.start();
    updateActions();
    return true;
}

void MainWindow::finishComparison()
{
    if (!m_pendingComparison ||
        m_pendingComparison->result.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        return;
    m_comparisonPoll.stop();
    const std::unique_ptr<PendingComparison> pending = std::move(m_pendingComparison);
    updateActions();
    QString problem;
    compare::RunComparison comparison;
    std::shared_ptr<const store::RunData> reference;
    try {
        std::tie(comparison, reference) = pending->result.get();
    } catch (const std::exception& e) {
        problem = QString::fromUtf8(e.what());
    }
    // A new map of the same run (a re-projection) keeps the comparison; a
    // run with other predictions does not.
    const auto samePredictions = [&] {
        if (!m_session->hasRun())
            return false;
        const store::RunData& now = m_session->run();
        return now.train.predictions == pending->shown->train.predictions &&
               now.validation.predictions == pending->shown->validation.predictions;
    };
    if (problem.isEmpty() && !samePredictions())
        problem = tr("Another run was opened while the comparison ran; compare again.");
    statusBar()->clearMessage();
    if (!problem.isEmpty()) {
        QMessageBox::warning(this, tr("Compare With Run"), problem);
        Q_EMIT comparisonDone(problem);
        return;
    }
    const QString& dir = pending->dir;
    const QString name = QFileInfo(QDir::cleanPath(dir)).fileName();
    const QString openName =
        m_runDir.isEmpty() ? tr("this run") : QFileInfo(QDir::cleanPath(m_runDir)).fileName();
    m_comparison = std::make_unique<ShownComparison>(
        ShownComparison{tr("change from %1").arg(name), comparisonColoring(comparison, openName),
                        lossChangeColoring(comparison), name});
    // The inspector shows the other run's figures beside the open run's.
    m_inspector->setComparison(reference, name);
    m_confusionChange->setComparison(reference, name);
    // The colour box says what the map shows: an entry of its own, after the
    // class colourings, to come back to after another colouring.
    {
        const QSignalBlocker block(m_colorBox);
        const int index =
            placeColorEntry(kComparisonColoring, tr("Change from %1").arg(name),
                            tr("What the open run fixed and broke against %1").arg(name));
        placeColorEntry(
            kLossChangeColoring, tr("Loss change from %1").arg(name),
            tr("How much the open run's loss rose (red) or fell (blue) against %1").arg(name));
        m_colorBox->setCurrentIndex(index);
    }
    applyComparisonColoring();

    // The samples that changed, the largest change of loss first: the first
    // kMaxComparedSelection of them become the selection (the gallery lists
    // them; more rings would hide the map's colours).
    std::vector<int> changed;
    for (int id = 0; id < static_cast<int>(comparison.samples.size()); ++id) {
        const compare::Change c = comparison.samples[static_cast<std::size_t>(id)].change;
        if (c == compare::Change::Fixed || c == compare::Change::Broken)
            changed.push_back(id);
    }
    const auto lossChange = [&](int id) {
        const compare::SampleChange& s = comparison.samples[static_cast<std::size_t>(id)];
        return std::abs(s.lossB - s.lossA);
    };
    std::stable_sort(changed.begin(), changed.end(),
                     [&](int x, int y) { return lossChange(x) > lossChange(y); });
    const int shown = std::min<int>(static_cast<int>(changed.size()), kMaxComparedSelection);
    const QString counts = tr("%1 fixed, %2 broken against %3 (validation accuracy %4 → %5)")
                               .arg(QLocale().toString(comparison.overall.fixed))
                               .arg(QLocale().toString(comparison.overall.broken))
                               .arg(name)
                               .arg(comparison.validationAccuracyA, 0, 'f', 4)
                               .arg(comparison.validationAccuracyB, 0, 'f', 4);
    // The gallery lists them in that order.
    if (shown > 0)
        m_gallery->setSortKey(SelectionSortProxy::SortKey::AsSelected);
    if (shown > 0)
        m_session->setSelection(
            QVector<int>(changed.begin(), changed.begin() + shown),
            shown == static_cast<int>(changed.size())
                ? counts
                : tr("%1; the %2 with the largest change of loss").arg(counts).arg(shown));
    statusBar()->showMessage(tr("Compared with %1: %2 fixed, %3 broken")
                                 .arg(name)
                                 .arg(comparison.overall.fixed)
                                 .arg(comparison.overall.broken),
                             kStatusMessageMs);
    Q_EMIT comparisonDone(QString());
}

} // namespace mnistx::ui
