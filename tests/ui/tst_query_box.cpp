#include "../common/clustered_run.h"
#include "core/query/sample_query.h"
#include "ui/explorer_session.h"
#include "ui/map/query_box.h"
#include "ui/map/session_query.h"
#include "ui/tables/misclassified_view.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QSignalSpy>
#include <QtTest>

using namespace mnistx;

// The map's filter box and what it asks of the session: a query evaluated
// over the session's run and metadata.csv, its errors placed in the text,
// completion, and the misclassified table following the query.
class TestQueryBox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sessionQueryMatchesTheCoreQuery();
    void errorsAreQStringPositions();
    void metadataFieldsComeFromTheDataset();
    void enterShiftEnterAndEscape();
    void tabCompletesTheWordUnderTheCursor();
    void errorMarkGoesWithTheNextEdit();
    void misclassifiedTableFollowsTheQuery();

private:
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::shared_ptr<store::RunData> m_run;
};

void TestQueryBox::init()
{
    test::ClusteredRunOptions options;
    m_run = test::makeClusteredRun(options);
    m_run->classNames = {"zero", "one", "two",   "three", "four",
                         "five", "six", "seven", "eight", "né"};
    auto images = test::makeSyntheticImages(*m_run);
    data::MetadataColumn site;
    site.name = "site";
    site.numeric = false;
    site.categories = {"east", "west"};
    site.train.assign(200, 0.0f);
    site.validation.assign(50, 1.0f);
    images->metadata.columns = {site};
    m_session = std::make_unique<ui::ExplorerSession>();
    m_session->setRun(m_run, images);
}

void TestQueryBox::sessionQueryMatchesTheCoreQuery()
{
    const QString text = QStringLiteral("loss > 1 and subset == validation");
    const ui::SessionQueryResult r = ui::evaluateSessionQuery(*m_session, text);
    QVERIFY2(r.ok(), qPrintable(r.error));
    const query::SampleQuery direct(text.toStdString(), *m_run);
    QCOMPARE(*r.matches, direct.matchFlags());
    int count = 0;
    for (int id = 0; id < m_session->sampleCount(); ++id) {
        const bool want = m_session->loss(id) > 1 && id >= m_session->trainCount();
        QCOMPARE(bool((*r.matches)[static_cast<std::size_t>(id)]), want);
        count += want;
    }
    QCOMPARE(r.matchCount, count);
    QVERIFY(count > 0);
    // Without a run: an error, no flags.
    ui::ExplorerSession empty;
    const auto none = ui::evaluateSessionQuery(empty, text);
    QVERIFY(!none.ok());
    QVERIFY(!none.matches);
}

void TestQueryBox::errorsAreQStringPositions()
{
    // "né" is 2 UTF-16 units but 3 UTF-8 bytes: the error after it must
    // still point at "lsos" in the QString.
    const QString text = QStringLiteral("label == \"né\" and lsos > 1");
    const auto r = ui::evaluateSessionQuery(*m_session, text);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.contains(QStringLiteral("did you mean loss")), qPrintable(r.error));
    QCOMPARE(text.mid(r.errorStart, r.errorLength), QStringLiteral("lsos"));
    // And a class name with a non-ASCII letter matches.
    const auto named = ui::evaluateSessionQuery(*m_session, QStringLiteral("label == \"né\""));
    QVERIFY2(named.ok(), qPrintable(named.error));
    QCOMPARE(named.matchCount, 20 + 5); // class 9: every tenth sample of each subset
}

void TestQueryBox::metadataFieldsComeFromTheDataset()
{
    const auto r = ui::evaluateSessionQuery(*m_session, QStringLiteral("site == \"west\""));
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.matchCount, 50);
    const QStringList words = ui::sessionQueryWords(*m_session);
    for (const char* w : {"loss", "dist_own", "p9", "site", "and", "validation"})
        QVERIFY2(words.contains(QLatin1String(w)), w);
    // A run without images (so no metadata.csv): the field is unknown.
    ui::ExplorerSession bare;
    bare.setRun(m_run, nullptr);
    const auto unknown = ui::evaluateSessionQuery(bare, QStringLiteral("site == \"west\""));
    QVERIFY(unknown.error.contains(QStringLiteral("unknown field site")));
}

void TestQueryBox::enterShiftEnterAndEscape()
{
    ui::QueryBox box;
    box.show();
    QVERIFY(QTest::qWaitForWindowExposed(&box));
    QSignalSpy entered(&box, &ui::QueryBox::queryEntered);
    QTest::keyClicks(&box, QStringLiteral("loss > 2 "));
    QTest::keyClick(&box, Qt::Key_Return);
    QCOMPARE(entered.count(), 1);
    QCOMPARE(entered.last().at(0).toString(), QStringLiteral("loss > 2")); // trimmed
    QCOMPARE(entered.last().at(1).toBool(), false);
    QCOMPARE(box.appliedText(), QStringLiteral("loss > 2"));
    QTest::keyClick(&box, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(entered.count(), 2);
    QCOMPARE(entered.last().at(1).toBool(), true);
    // Escape empties the box, which lifts the query.
    QTest::keyClick(&box, Qt::Key_Escape);
    QVERIFY(box.text().isEmpty());
    QCOMPARE(entered.count(), 3);
    QCOMPARE(entered.last().at(0).toString(), QString());
    // The query in force set from outside (Clear Filters) emits nothing.
    box.setAppliedText(QStringLiteral("correct"));
    QCOMPARE(box.text(), QStringLiteral("correct"));
    box.setAppliedText(QString());
    QCOMPARE(entered.count(), 3);
}

void TestQueryBox::tabCompletesTheWordUnderTheCursor()
{
    ui::QueryBox box;
    box.setWords(ui::sessionQueryWords(*m_session));
    box.show();
    box.activateWindow();
    box.setFocus();
    QVERIFY(QTest::qWaitForWindowExposed(&box));
    QSignalSpy entered(&box, &ui::QueryBox::queryEntered);
    QTest::keyClicks(&box, QStringLiteral("dist_o"));
    QAbstractItemView* popup = box.findChild<QCompleter*>()->popup();
    QTRY_VERIFY(popup->isVisible());
    QTest::keyClick(&box, Qt::Key_Tab);
    QCOMPARE(box.text(), QStringLiteral("dist_own"));
    QVERIFY(!popup->isVisible());
    QVERIFY(box.hasFocus()); // Tab completed, it did not move the focus
    // In the middle of the text, Enter takes the word and applies nothing.
    QTest::keyClicks(&box, QStringLiteral(" > 9 or los"));
    QTRY_VERIFY(popup->isVisible());
    QTest::keyClick(&box, Qt::Key_Return);
    QCOMPARE(box.text(), QStringLiteral("dist_own > 9 or loss"));
    QCOMPARE(entered.count(), 0);
    // A number starts no completion.
    QTest::keyClicks(&box, QStringLiteral(" > 1"));
    QVERIFY(!popup->isVisible());
}

void TestQueryBox::errorMarkGoesWithTheNextEdit()
{
    ui::QueryBox box;
    box.setText(QStringLiteral("lsos > 1"));
    box.showError(QStringLiteral("unknown field lsos"), 0, 4);
    QVERIFY(box.hasError());
    QCOMPARE(box.selectedText(), QStringLiteral("lsos"));
    QVERIFY(box.toolTip().contains(QStringLiteral("unknown field lsos")));
    QTest::keyClick(&box, Qt::Key_Home);
    QTest::keyClick(&box, Qt::Key_Delete);
    QVERIFY(!box.hasError());
    QVERIFY(!box.toolTip().contains(QStringLiteral("unknown field")));
}

void TestQueryBox::misclassifiedTableFollowsTheQuery()
{
    ui::MisclassifiedView view(m_session.get());
    const int all = view.shownCount();
    QVERIFY(all > 4);
    const auto r = ui::evaluateSessionQuery(*m_session, QStringLiteral("subset == validation"));
    view.setQueryFilter(QStringLiteral("subset == validation"), r.matches);
    int expected = 0;
    for (int id : m_session->misclassifiedByLoss())
        expected += id >= m_session->trainCount();
    QCOMPARE(view.shownCount(), expected);
    QVERIFY(expected > 0 && expected < all);
    for (int id : view.shownIds())
        QVERIFY(id >= m_session->trainCount());
    QVERIFY(view.countText().endsWith(QStringLiteral(" · query")));
    view.setQueryFilter(QString(), nullptr);
    QCOMPARE(view.shownCount(), all);
    QVERIFY(!view.countText().contains(QStringLiteral("query")));
}

QTEST_MAIN(TestQueryBox)
#include "tst_query_box.moc"
