#include "core/data/dataset_folder.h"
#include "core/pipeline/pipeline.h"
#include "core/projection/projector_factory.h"
#include "core/store/run_library.h"
#include "core/store/run_store.h"
#include "ui/charts/training_dashboard.h"
#include "ui/common/folder_path.h"
#include "ui/dialogs/projection_dialog.h"
#include "ui/dialogs/train_dialog.h"
#include "ui/explorer_session.h"
#include "ui/inspector/error_inspector.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/recent_runs_menu.h"
#include "ui/runs/runs_panel.h"
#include "ui/runs/saved_selections_panel.h"
#include "ui/tables/misclassified_view.h"
#include "ui/why/why_panels.h"
#include "ui/workers/run_controller.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>

namespace mnistx::ui
{

namespace
{

QString stageTitle(const QString& stage)
{
    static const std::pair<const char*, const char*> titles[] = {
        {"load", QT_TRANSLATE_NOOP("MainWindow", "Loading images")},
        {"sanity", QT_TRANSLATE_NOOP("MainWindow", "Sanity check")},
        {"train", QT_TRANSLATE_NOOP("MainWindow", "Training")},
        {"analyse", QT_TRANSLATE_NOOP("MainWindow", "Analysing both subsets")},
        {"project", QT_TRANSLATE_NOOP("MainWindow", "Projecting the features")},
        {"quality", QT_TRANSLATE_NOOP("MainWindow", "Scoring the map")},
        {"store", QT_TRANSLATE_NOOP("MainWindow", "Saving the run")},
        {"open", QT_TRANSLATE_NOOP("MainWindow", "Opening the run")},
    };
    for (const auto& [key, title] : titles)
        if (stage == QLatin1String(key))
            return QCoreApplication::translate("MainWindow", title);
    return stage;
}

} // namespace

void MainWindow::start()
{
    const QString runDir = QString::fromStdString(m_commandLine.runDir);
    const QString outDir = QString::fromStdString(m_commandLine.pipeline.outDir);
    if (!runDir.isEmpty()) {
        openRun(runDir);
        return;
    }
    // --model and --embeddings ask for that model or those features, whatever
    // --out holds. Without --out, the newest run of the library opens; a new
    // one trains into a folder of its own.
    const pipeline::PipelineConfig& asked = m_commandLine.pipeline;
    if (!asked.retrain && asked.modelFile.empty() && asked.embeddingsFolder.empty()) {
        const QString stored =
            m_commandLine.outIsNew
                ? QString::fromStdString(store::latestRun(m_commandLine.runsRoot))
                : outDir;
        if (!stored.isEmpty() && store::hasRun(stored.toStdString())) {
            openRun(stored);
            return;
        }
    }
    train(asked);
}

void MainWindow::openRun(const QString& dir)
{
    if (m_controller->busy())
        return;
    // A folder without run.bin is not a damaged run: say what is there
    // before any work starts.
    if (!QFileInfo::exists(QDir(dir).filePath(QStringLiteral("run.bin")))) {
        offerAlternatives(dir, QString());
        return;
    }
    m_job = Job::Open;
    m_jobTarget = dir;
    m_jobClock.start();
    const QString data = m_commandLine.dataGiven
                             ? QString::fromStdString(m_commandLine.pipeline.dataFolder)
                             : QString();
    m_stageLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(dir)));
    m_controller->openRun(dir, data);
}

QString MainWindow::usableDataFolder() const
{
    const QString folder = QString::fromStdString(m_config.dataFolder);
    QStringList candidates{folder};
    // The default "data/mnist" is relative to the checkout; the app may be
    // started from elsewhere (build/app/mnist-explorer lives two levels down).
    if (QDir::isRelativePath(folder))
        candidates << QDir(QCoreApplication::applicationDirPath())
                          .filePath(QStringLiteral("../../") + folder);
    for (const QString& c : candidates)
        if (isDataFolder(c))
            return QDir(c).absolutePath();
    return {};
}

bool MainWindow::isDataFolder(const QString& dir)
{
    return data::holdsDataset(dir.toStdString());
}

void MainWindow::offerAlternatives(const QString& dir, const QString& problem)
{
    const QString shown = QDir::toNativeSeparators(dir);
    const QFileInfo info(dir);
    const bool dataHere = isDataFolder(dir);
    QString title, text;
    if (!problem.isEmpty()) {
        title = tr("Cannot open the run");
        text = tr("The run in “%1” cannot be opened:\n\n%2").arg(shown, problem);
    } else if (!info.exists()) {
        title = tr("No such folder");
        text = tr("“%1” does not exist.").arg(shown);
    } else if (!info.isDir()) {
        title = tr("Not a run folder");
        text = tr("“%1” is a file. A run is a folder holding run.bin.").arg(shown);
    } else {
        title = tr("No run in this folder");
        const QStringList entries =
            QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name);
        QString contents;
        if (dataHere)
            contents = tr("It holds a dataset: it is a data folder, which can be trained on.");
        else if (entries.isEmpty())
            contents = tr("It is empty.");
        else {
            const QString names = QStringList(entries.mid(0, 5)).join(QStringLiteral(", ")) +
                                  (entries.size() > 5 ? QStringLiteral(", …") : QString());
            contents = entries.size() == 1
                           ? tr("It holds one item: %1.").arg(names)
                           : tr("It holds %1 items: %2.").arg(entries.size()).arg(names);
        }
        text = tr("“%1” holds no run: run.bin, which the app and its headless mode write into "
                  "a run folder, is missing.\n\n%2")
                   .arg(shown, contents);
    }

    // What can work from here: train on this folder when it is a data
    // folder; else train into it from a data folder that exists.
    const QString data = dataHere ? QDir(dir).absolutePath() : usableDataFolder();
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("runAlternatives"));
    QPushButton* trainButton = nullptr;
    if (dataHere) {
        trainButton = box.addButton(tr("&Train on This Data"), QMessageBox::AcceptRole);
        trainButton->setToolTip(
            tr("Train a model on %1 and store the run in %2")
                .arg(shown, QDir::toNativeSeparators(QString::fromStdString(m_config.outDir))));
    } else if (!data.isEmpty() && (!info.exists() || info.isDir())) {
        trainButton = box.addButton(problem.isEmpty() ? tr("&Train Here") : tr("&Recompute Here"),
                                    QMessageBox::AcceptRole);
        trainButton->setToolTip(tr("Train a model on %1 and store the run in %2%3")
                                    .arg(QDir::toNativeSeparators(data), shown,
                                         problem.isEmpty()
                                             ? QString()
                                             : tr("; the damaged files are replaced "
                                                  "only when the new run is complete")));
    }
    QPushButton* chooseData = box.addButton(tr("Choose &Data Folder…"), QMessageBox::ActionRole);
    chooseData->setToolTip(
        tr("Pick a dataset folder to train on: IDX files, NumPy files or image folders"));
    QPushButton* chooseRunButton = box.addButton(tr("&Open Another Run…"), QMessageBox::ActionRole);
    if (trainButton) {
        box.setDefaultButton(trainButton);
        box.setInformativeText(trainButton->toolTip() + QLatin1Char('.'));
    }
    box.exec();
    QAbstractButton* clicked = box.clickedButton();
    if (clicked && clicked == trainButton) {
        pipeline::PipelineConfig c = m_config;
        c.dataFolder = data.toStdString();
        c.retrain = true;
        if (!dataHere)
            c.outDir = dir.toStdString();
        train(c);
    } else if (clicked == chooseData) {
        chooseDataFolder(info.exists() && !info.isDir() ? QString() : dir);
    } else if (clicked == chooseRunButton) {
        chooseRun();
    }
}

void MainWindow::train(const pipeline::PipelineConfig& config)
{
    if (m_controller->busy())
        return;
    const QString folder = QString::fromStdString(config.dataFolder);
    if (config.embeddingsFolder.empty() && !QFileInfo(folder).isDir()) {
        QMessageBox box(
            QMessageBox::Warning, tr("No data"),
            tr("The data folder “%1” does not exist.\n\nscripts/setup fetches MNIST into "
               "data/mnist; or choose a dataset folder: IDX files, NumPy files "
               "(train_images.npy, …) or image folders (train/<class>/*.png).")
                .arg(QDir::toNativeSeparators(folder)),
            QMessageBox::Cancel, this);
        QPushButton* choose = box.addButton(tr("Choose Folder…"), QMessageBox::AcceptRole);
        box.exec();
        if (box.clickedButton() == choose)
            chooseDataFolder();
        return;
    }
    m_config = config;
    m_job = Job::Train;
    m_jobTarget = QString::fromStdString(config.outDir);
    m_jobClock.start();
    m_dashboard->reset(config.train.epochs, 0);
    if (!config.embeddingsFolder.empty())
        m_dashboard->setFinished(
            tr("Exploring embeddings from %1: computed elsewhere, no model "
               "runs here")
                .arg(QDir::toNativeSeparators(QString::fromStdString(config.embeddingsFolder))));
    else if (!config.modelFile.empty())
        m_dashboard->setFinished(
            tr("Evaluating %1: an imported model is not trained here")
                .arg(QFileInfo(QString::fromStdString(config.modelFile)).fileName()));
    m_dashboardDock->show();
    m_dashboardDock->raise();
    // The map and the side panels are empty until the analysis: give the
    // curves the room.
    resizeDocks({m_dashboardDock}, {height() / 2}, Qt::Vertical);
    if (!m_session->hasRun() && !m_compactLayout)
        resizeDocks({m_misclassifiedDock, m_inspectorDock}, {200, 200}, Qt::Horizontal);
    m_controller->startPipeline(config);
}

void MainWindow::onAnalysed(const RunPtr& run, const DataPtr& data, const MapFactsPtr& mapFacts)
{
    // A PCA preview while the real projection optimises: the map animates.
    m_map->setPreparedFacts(mapFacts);
    m_session->setRun(run, data);
    m_map->resetView();
    updateRunLabel();
}

void MainWindow::onFinished(const RunPtr& run, const DataPtr& data, const QString& dir,
                            const MapFactsPtr& mapFacts)
{
    const Job job = m_job;
    m_job = Job::None;
    // A new map of the shown run keeps what the user was doing: the current
    // sample, the selection, the open tabs and, once they moved it, their
    // view.
    const bool newMapOnly = job == Job::Reproject && m_session->setProjection(run);
    if (!newMapOnly) {
        m_map->setPreparedFacts(mapFacts);
        m_session->setRun(run, data);
        m_map->resetView();
    } else {
        reapplyQuery(); // x and y moved with the map
    }
    setRunFolder(dir); // after setRun: the marks belong to the new run
    m_progress->hide();
    m_stageLabel->clear();
    m_dashboard->setHistory(run->history);
    if (job == Job::Train || job == Job::Open)
        (m_compactLayout ? m_misclassifiedDock : m_lossDock)->raise();
    // The default layout, now that the table's columns are known; after a
    // training, the curves' extra room goes back to the map.
    if (job == Job::Train || (!m_layoutFromSettings && !m_tableWidthFitted)) {
        applyDefaultDockSizes();
        m_tableWidthFitted = true;
    }
    const double seconds = m_jobClock.isValid() ? m_jobClock.elapsed() / 1000.0 : 0.0;
    QString text;
    if (job == Job::Open)
        text = tr("Opened %1 in %2 s").arg(QFileInfo(dir).fileName()).arg(seconds, 0, 'f', 2);
    else if (job == Job::Reproject)
        text = tr("Map recomputed with %1 in %2 s")
                   .arg(QString::fromStdString(projection::projectorTitle(run->projection.method)))
                   .arg(seconds, 0, 'f', 1);
    else if (!run->importedModel.empty())
        text = tr("Model evaluated and analysed in %1 s%2")
                   .arg(seconds, 0, 'f', 1)
                   .arg(dir.isEmpty() ? QString()
                                      : tr("; stored in %1").arg(QDir::toNativeSeparators(dir)));
    else
        text = tr("Trained and analysed in %1 s%2")
                   .arg(seconds, 0, 'f', 1)
                   .arg(dir.isEmpty() ? QString()
                                      : tr("; stored in %1").arg(QDir::toNativeSeparators(dir)));
    statusBar()->showMessage(text, kStatusMessageMs);
    setWindowTitle(dir.isEmpty() ? tr("MNIST Explorer")
                                 : tr("%1 — MNIST Explorer").arg(QDir::toNativeSeparators(dir)));
    updateRunLabel();
    updateActions();
    Q_EMIT runShown();
}

void MainWindow::onFailed(const QString& message)
{
    const Job job = m_job;
    m_job = Job::None;
    m_progress->hide();
    m_stageLabel->clear();
    m_dashboard->setFinished(tr("Failed: %1").arg(message));
    updateActions();
    if (job == Job::Open) {
        offerAlternatives(m_jobTarget, message);
        return;
    }
    QMessageBox::warning(this, tr("MNIST Explorer"), message);
}

void MainWindow::onDataMismatch(const QString& runDir, const QString& dataFolder,
                                const QString& message)
{
    m_job = Job::None;
    m_progress->hide();
    m_stageLabel->clear();
    updateActions();
    // Never over the run: a new run of the new data goes into a folder beside it.
    const QString newRunDir = QDir(runDir).absolutePath() + QLatin1Char('-') +
                              QFileInfo(QDir(dataFolder).absolutePath()).fileName();
    QMessageBox box(QMessageBox::Warning, tr("Run and data do not match"),
                    tr("This run was made on other data than the folder given.\n\n%1.")
                        .arg(message.left(1).toUpper() + message.mid(1)),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("dataMismatch"));
    QPushButton* own = box.addButton(tr("&Open with Its Own Data"), QMessageBox::AcceptRole);
    own->setToolTip(tr("Open the run with the data it was made on"));
    QPushButton* train = box.addButton(tr("&Train on the New Data…"), QMessageBox::ActionRole);
    train->setToolTip(tr("Train a new run on %1 into %2; the run in %3 stays as it is")
                          .arg(QDir::toNativeSeparators(dataFolder),
                               QDir::toNativeSeparators(newRunDir),
                               QDir::toNativeSeparators(runDir)));
    box.setDefaultButton(own);
    box.setInformativeText(train->toolTip() + QLatin1Char('.'));
    box.exec();
    if (box.clickedButton() == own) {
        m_job = Job::Open;
        m_jobTarget = runDir;
        m_jobClock.start();
        m_stageLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(runDir)));
        m_controller->openRun(runDir, QString());
    } else if (box.clickedButton() == train) {
        offerTraining(dataFolder, newRunDir);
    }
}

void MainWindow::onCancelled()
{
    const Job job = m_job;
    m_job = Job::None;
    m_progress->hide();
    m_stageLabel->clear();
    m_dashboard->setFinished(tr("Cancelled; nothing was stored"));
    statusBar()->showMessage(job == Job::Reproject
                                 ? tr("Map recomputation cancelled; the previous map stays")
                                 : tr("Cancelled; nothing stored was changed"),
                             kStatusMessageMs);
    // A cancelled projection leaves an intermediate layout on the map:
    // restore the run's own (keeping the current sample and the selection).
    if (m_session->hasRun())
        m_session->setProjection(m_session->runPtr());
    updateActions();
}

void MainWindow::onStage(const QString& stage, double fraction)
{
    m_stageLabel->setText(stageTitle(stage) + QStringLiteral("…"));
    m_progress->setValue(static_cast<int>(fraction * 1000));
    m_progress->show();
    if (stage != QLatin1String("train"))
        m_dashboard->setStage(stageTitle(stage), fraction);
}

void MainWindow::chooseDataFolder(const QString& outDir)
{
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Dataset Folder (IDX, NumPy or image folders)"),
                                          QString::fromStdString(m_config.dataFolder));
    if (!dir.isEmpty())
        offerTraining(dir, outDir);
}

void MainWindow::chooseModel()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("TorchScript Model"), QString::fromStdString(m_config.modelFile),
        tr("TorchScript models (*.pt *.pth *.ts *.zip);;All files (*)"));
    if (file.isEmpty())
        return;
    pipeline::PipelineConfig c = m_config;
    c.modelFile = file.toStdString();
    c.retrain = true;
    // A run folder of its own beside the current one: nothing stored is
    // overwritten.
    c.outDir = pipeline::newRunFolder(c, runsFolder());
    train(c);
}

void MainWindow::chooseEmbeddings()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Embeddings Folder (features.npy, labels.npy, logits.npy …)"),
        QString::fromStdString(m_config.embeddingsFolder));
    if (dir.isEmpty())
        return;
    pipeline::PipelineConfig c = m_config;
    c.modelFile.clear();
    c.embeddingsFolder = dir.toStdString();
    c.retrain = true;
    c.outDir = pipeline::newRunFolder(c, runsFolder());
    train(c);
}

void MainWindow::offerTraining(const QString& dataFolder, const QString& outDir)
{
    pipeline::PipelineConfig c = m_config;
    c.dataFolder = dataFolder.toStdString();
    c.modelFile.clear(); // our model, trained here
    c.embeddingsFolder.clear();
    c.outDir = outDir.isEmpty() ? pipeline::newRunFolder(c, runsFolder()) : outDir.toStdString();
    c.retrain = true;
    TrainDialog dialog(c, this);
    if (dialog.exec() == QDialog::Accepted)
        train(dialog.config());
}

namespace
{

// The one local folder a drag carries, empty otherwise.
QString droppedFolder(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1)
        return {};
    const QUrl url = mime->urls().front();
    const QString path = url.isLocalFile() ? url.toLocalFile() : QString();
    return QFileInfo(path).isDir() ? path : QString();
}

} // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedFolder(event->mimeData()).isEmpty() && !m_controller->busy())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString dir = droppedFolder(event->mimeData());
    if (dir.isEmpty() || m_controller->busy())
        return;
    event->acceptProposedAction();
    // After the drop has finished: a dialog's event loop inside dropEvent
    // would hold the drag source waiting.
    QTimer::singleShot(0, this, [this, dir] {
        if (!store::hasRun(dir.toStdString()) && data::holdsDataset(dir.toStdString()))
            offerTraining(dir);
        else
            openRun(dir); // a run, or the box that says what the folder holds
    });
}

void MainWindow::chooseRun()
{
    const QString start = m_runDir.isEmpty() ? QStringLiteral("runs") : m_runDir;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a stored run"), start);
    if (!dir.isEmpty())
        openRun(dir);
}

void MainWindow::openRecentRun(const QString& dir)
{
    if (m_controller->busy())
        return;
    if (store::hasRun(dir.toStdString())) {
        openRun(dir); // a damaged run is reported there, with the offer to recompute
        return;
    }
    QMessageBox box(QMessageBox::Warning, tr("MNIST Explorer"),
                    tr("%1 no longer holds a stored run: run.bin is not there (the folder was "
                       "moved, renamed or deleted).")
                        .arg(QDir::toNativeSeparators(dir)),
                    QMessageBox::NoButton, this);
    box.setInformativeText(tr("Remove it from the recent runs?"));
    QPushButton* remove = box.addButton(tr("&Remove from List"), QMessageBox::AcceptRole);
    box.addButton(tr("&Keep"), QMessageBox::RejectRole);
    box.setDefaultButton(remove);
    box.exec();
    if (box.clickedButton() == remove)
        forgetRecentRun(dir);
}

void MainWindow::setRunFolder(const QString& dir)
{
    m_runDir = dir;
    rememberRecentRun(dir);
    m_why->setRunDir(dir);
    m_saved->setRunFolder(dir);
    m_runs->setFolder(dir.isEmpty() ? m_runs->folder() : QFileInfo(dir).absolutePath(), dir);
}

void MainWindow::onRunRenamed(const QString& from, const QString& to)
{
    forgetRecentRun(from);
    if (m_runDir.isEmpty() || absoluteFolder(m_runDir) != absoluteFolder(from))
        return;
    // The open run moved: its marks, the title and the recent list follow.
    setRunFolder(to);
    setWindowTitle(tr("%1 — MNIST Explorer").arg(QDir::toNativeSeparators(to)));
}

void MainWindow::saveRunAs()
{
    if (!m_session->hasRun())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Store the run in"), m_runDir);
    if (dir.isEmpty())
        return;
    m_job = Job::Save;
    m_jobTarget = dir;
    m_stageLabel->setText(tr("Saving to %1…").arg(QDir::toNativeSeparators(dir)));
    m_controller->saveRun(m_session->runPtr(), dir);
}

void MainWindow::showTrainDialog()
{
    offerTraining(QString::fromStdString(m_config.dataFolder));
}

std::string MainWindow::runsFolder() const
{
    return QFileInfo(QString::fromStdString(m_config.outDir)).path().toStdString();
}

void MainWindow::showProjectionDialog()
{
    if (!m_session->hasRun() || m_controller->busy())
        return;
    ProjectionDialog dialog(QString::fromStdString(m_session->run().projection.method), this);
    if (dialog.exec() == QDialog::Accepted)
        reproject(dialog.method(), dialog.parameters());
}

void MainWindow::reproject(const QString& method, const std::map<std::string, double>& parameters)
{
    if (!m_session->hasRun() || m_controller->busy())
        return;
    m_job = Job::Reproject;
    m_jobClock.start();
    // The new layout shares nothing with the old one: watch it form whole
    // (the map follows it while fitted; zooming in takes over).
    m_map->resetView();
    m_controller->reproject(m_session->runPtr(), method, parameters, m_runDir,
                            m_session->dataPtr());
}

} // namespace mnistx::ui
