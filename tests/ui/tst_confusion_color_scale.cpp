#include "ui/why/confusion_color_scale.h"

#include <QtTest>

using namespace mnistx;
using ui::ConfusionColorScale;

class TestConfusionColorScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorsSpanTheOffDiagonalCells();
    void rowSharesDivideByTheRow();
    void noErrorsGivesAnEmptyScale();
    void positionIsLogarithmicAndInvertible();
    void textReadsOnEveryBackground();
};

void TestConfusionColorScale::errorsSpanTheOffDiagonalCells()
{
    MatrixXi64 confusion(3, 3);
    confusion << 90, 3, 0, //
        300, 500, 1,       //
        0, 0, 7;
    const auto scale = ConfusionColorScale::ofErrors(confusion, false);
    QCOMPARE(scale.smallest, 1.0); // the diagonal (500, 90, 7) never counts
    QCOMPARE(scale.largest, 300.0);
}

void TestConfusionColorScale::rowSharesDivideByTheRow()
{
    MatrixXi64 confusion(2, 2);
    confusion << 75, 25, //
        1, 99;
    const auto scale = ConfusionColorScale::ofErrors(confusion, true);
    QCOMPARE(scale.smallest, 0.01);
    QCOMPARE(scale.largest, 0.25);
}

void TestConfusionColorScale::noErrorsGivesAnEmptyScale()
{
    MatrixXi64 confusion = MatrixXi64::Zero(4, 4);
    confusion.diagonal().setConstant(10);
    const auto scale = ConfusionColorScale::ofErrors(confusion, false);
    QCOMPARE(scale.largest, 0.0);
    QCOMPARE(scale.position(5.0), 0.0);
    QCOMPARE(scale.valueAt(1.0), 0.0);
    QCOMPARE(ConfusionColorScale::ofErrors(MatrixXi64(), true).largest, 0.0);
}

void TestConfusionColorScale::positionIsLogarithmicAndInvertible()
{
    ConfusionColorScale scale;
    scale.smallest = 3;
    scale.largest = 300;
    QCOMPARE(scale.position(300), 1.0);
    QVERIFY(scale.position(3) > 0.1);  // the rarest error still shows
    QVERIFY(scale.position(30) > 0.4); // a tenth of the largest: past the middle
    QCOMPARE(scale.position(0), 0.0);
    for (double v : {3.0, 17.0, 120.0, 300.0})
        QVERIFY(qAbs(scale.valueAt(scale.position(v)) - v) < 1e-9 * v);
    // The ends of the colour ramps are distinct from white and from each other.
    QVERIFY(ConfusionColorScale::errorColor(0.0) != QColor(Qt::white));
    QVERIFY(ConfusionColorScale::errorColor(0.0) != ConfusionColorScale::errorColor(1.0));
    QCOMPARE(ConfusionColorScale::diagonalColor(0.2), ConfusionColorScale::diagonalColor(0.5));
}

void TestConfusionColorScale::textReadsOnEveryBackground()
{
    QCOMPARE(ConfusionColorScale::textColorOn(Qt::white), QColor(0x21, 0x21, 0x21));
    QCOMPARE(ConfusionColorScale::textColorOn(ConfusionColorScale::errorColor(1.0)),
             QColor(Qt::white));
    QCOMPARE(ConfusionColorScale::textColorOn(ConfusionColorScale::diagonalColor(1.0)),
             QColor(0x21, 0x21, 0x21));
}

QTEST_GUILESS_MAIN(TestConfusionColorScale)
#include "tst_confusion_color_scale.moc"
