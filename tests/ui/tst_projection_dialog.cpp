#include "core/projection/projector_factory.h"
#include "ui/dialogs/projection_dialog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QStackedWidget>
#include <QtTest>

using namespace mnistx;
using ui::ProjectionDialog;

namespace
{

using Parameters = std::map<std::string, double>;

// The spin box on the dialog's current page whose tooltip mentions `word`.
QDoubleSpinBox* field(const ProjectionDialog& dialog, const QString& word)
{
    const auto* pages = dialog.findChild<QStackedWidget*>();
    if (!pages)
        return nullptr;
    for (auto* box : pages->currentWidget()->findChildren<QDoubleSpinBox*>())
        if (box->toolTip().contains(word))
            return box;
    return nullptr;
}

void chooseMethod(ProjectionDialog& dialog, const QString& method)
{
    auto* box = dialog.findChild<QComboBox*>();
    QVERIFY(box);
    box->setCurrentIndex(box->findData(method));
}

} // namespace

class TestProjectionDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensOnTheRunsMethodWithTheProjectorsDefaults();
    void automaticEpochsAreLeftOut();
    void switchingMethodsReportsThatMethodsParameters();
    void everyChoiceBuildsAProjector();
};

void TestProjectionDialog::opensOnTheRunsMethodWithTheProjectorsDefaults()
{
    ProjectionDialog tsne(QStringLiteral("tsne"));
    QCOMPARE(tsne.method(), QStringLiteral("tsne"));
    QCOMPARE(tsne.parameters(), (Parameters{{"perplexity", 30.0}, {"iterations", 750.0}}));

    ProjectionDialog umap(QStringLiteral("umap"));
    QCOMPARE(umap.parameters(), (Parameters{{"n_neighbors", 15.0}, {"min_dist", 0.1}}));

    ProjectionDialog pca(QStringLiteral("pca"));
    QVERIFY(pca.parameters().empty());

    // A method the dialog does not offer (an older run's) starts on the first.
    ProjectionDialog unknown(QStringLiteral("isomap"));
    QCOMPARE(unknown.method(), QStringLiteral("umap"));
}

void TestProjectionDialog::automaticEpochsAreLeftOut()
{
    ProjectionDialog dialog(QStringLiteral("umap"));
    QDoubleSpinBox* epochs = field(dialog, QStringLiteral("epochs"));
    QVERIFY(epochs);
    QCOMPARE(epochs->text(), QStringLiteral("automatic"));
    QVERIFY(!dialog.parameters().count("epochs"));
    epochs->setValue(300);
    QCOMPARE(dialog.parameters().at("epochs"), 300.0);
    // Whole numbers stay whole.
    epochs->setValue(300.4);
    QCOMPARE(dialog.parameters().at("epochs"), 300.0);
    QDoubleSpinBox* minDist = field(dialog, QStringLiteral("min_dist"));
    QVERIFY(minDist);
    minDist->stepBy(1);
    QCOMPARE(dialog.parameters().at("min_dist"), 0.15);
}

void TestProjectionDialog::switchingMethodsReportsThatMethodsParameters()
{
    ProjectionDialog dialog(QStringLiteral("umap"));
    chooseMethod(dialog, QStringLiteral("tsne"));
    QDoubleSpinBox* perplexity = field(dialog, QStringLiteral("neighbours of every point"));
    QVERIFY(perplexity);
    perplexity->setValue(12.5);
    QCOMPARE(dialog.parameters(), (Parameters{{"perplexity", 12.5}, {"iterations", 750.0}}));
    chooseMethod(dialog, QStringLiteral("pca"));
    QVERIFY(dialog.parameters().empty());
    chooseMethod(dialog, QStringLiteral("umap"));
    QCOMPARE(dialog.parameters().count("perplexity"), size_t(0));
}

void TestProjectionDialog::everyChoiceBuildsAProjector()
{
    // What the dialog hands over is what makeProjector accepts: every key
    // known, every default within its checks.
    for (const char* method : {"umap", "tsne", "pca"}) {
        ProjectionDialog dialog{QString::fromLatin1(method)};
        try {
            QVERIFY(projection::makeProjector(method, dialog.parameters()));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QStringLiteral("%1: %2").arg(method, e.what())));
        }
    }
}

QTEST_MAIN(TestProjectionDialog)
#include "tst_projection_dialog.moc"
