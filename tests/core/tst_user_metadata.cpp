// The user's metadata.csv: what the parser makes of a good table, the
// message it gives for each kind of bad one, and how the metadata layer
// groups the user's fields (categories, quantile bins, samples without a
// value).

#include "core/data/data_files.h"
#include "core/data/user_metadata.h"
#include "core/why/sample_metadata.h"

#include <QtTest>
#include <cmath>
#include <string>
#include <vector>

using namespace mnistx;

class TestUserMetadata : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void goodTableIsRead();
    void quotingAndLineEnds();
    void badTablesAreNamed_data();
    void badTablesAreNamed();
    void userFieldsGroupLikeBuiltInOnes();
    void numericUserFieldsGetQuantileBins();
};

namespace
{

std::string messageOf(const std::string& text, int trainCount = 4, int validationCount = 3)
{
    try {
        data::parseUserMetadata(text, "/data/metadata.csv", trainCount, validationCount);
    } catch (const data::DataError& e) {
        return e.what();
    }
    return {};
}

// A subset's metadata with the loss and correctness the grouping averages.
why::SubsetMetadata subsetWith(const std::vector<float>& loss)
{
    why::SubsetMetadata m;
    m.subset = analysis::Subset::Validation;
    m.classCount = 2;
    m.label.assign(loss.size(), 0);
    m.loss = loss;
    m.correct.assign(loss.size(), 1);
    return m;
}

} // namespace

void TestUserMetadata::goodTableIsRead()
{
    const data::UserMetadata m = data::parseUserMetadata("subset,index,place,brightness\n"
                                                         "train,0,studio,0.5\n"
                                                         "train,2,outdoor,-3\n"
                                                         "validation,1,studio,1e2\n"
                                                         "test,2,,\n",
                                                         "metadata.csv", 4, 3);
    QCOMPARE(m.path, std::string("metadata.csv"));
    QCOMPARE(int(m.columns.size()), 2);
    const data::MetadataColumn& place = m.columns[0];
    QCOMPARE(place.name, std::string("place"));
    QVERIFY(!place.numeric);
    QCOMPARE(place.categories, (std::vector<std::string>{"outdoor", "studio"}));
    QCOMPARE(int(place.train.size()), 4);
    QCOMPARE(int(place.validation.size()), 3);
    QCOMPARE(place.train[0], 1.0f);           // studio
    QCOMPARE(place.train[2], 0.0f);           // outdoor
    QVERIFY(std::isnan(place.train[1]));      // no row
    QVERIFY(std::isnan(place.validation[2])); // an empty cell
    QCOMPARE(place.validation[1], 1.0f);
    const data::MetadataColumn& brightness = m.columns[1];
    QVERIFY(brightness.numeric);
    QVERIFY(brightness.categories.empty());
    QCOMPARE(brightness.train[0], 0.5f);
    QCOMPARE(brightness.train[2], -3.0f);
    QCOMPARE(brightness.validation[1], 100.0f);
    QVERIFY(std::isnan(brightness.validation[0]));
    QCOMPARE(&brightness.values(true), &brightness.validation);

    // One text among numbers makes the column categorical, numbers and all.
    const data::UserMetadata mixed = data::parseUserMetadata(
        "subset,index,size\ntrain,0,1\ntrain,1,large\ntrain,2,1.0\n", "metadata.csv", 3, 0);
    QVERIFY(!mixed.columns[0].numeric);
    QCOMPARE(mixed.columns[0].categories, (std::vector<std::string>{"1", "1.0", "large"}));
}

void TestUserMetadata::quotingAndLineEnds()
{
    // A byte order mark, CRLF, quoted cells with commas, quotes and a line
    // break, spaces around unquoted cells, blank lines, val for validation.
    const data::UserMetadata m =
        data::parseUserMetadata("\xEF\xBB\xBFsubset,index,\"where, exactly\",note\r\n"
                                "\r\n"
                                "train , 1 ,\"Paris, \"\"FR\"\"\",\"two\nlines\"\r\n"
                                "val,0, Lyon ,plain\r\n"
                                "\r\n",
                                "metadata.csv", 2, 1);
    QCOMPARE(m.columns[0].name, std::string("where, exactly"));
    QCOMPARE(m.columns[0].categories, (std::vector<std::string>{"Lyon", "Paris, \"FR\""}));
    QCOMPARE(m.columns[0].train[1], 1.0f);
    QCOMPARE(m.columns[0].validation[0], 0.0f);
    QCOMPARE(m.columns[1].categories, (std::vector<std::string>{"plain", "two\nlines"}));
}

void TestUserMetadata::badTablesAreNamed_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no header") << "train,0,1\n"
                               << "must start with the columns subset,index";
    QTest::newRow("empty file") << ""
                                << "must start with the columns subset,index";
    QTest::newRow("no fields") << "subset,index\ntrain,0\n"
                               << "no field columns";
    QTest::newRow("field named like ours") << "subset,index,loss\n"
                                           << "column 3 is named \"loss\"";
    QTest::newRow("per-class column") << "subset,index,p3\n"
                                      << "named \"p3\"";
    QTest::newRow("repeated name") << "subset,index,a,a\n"
                                   << "column 4 repeats the name \"a\"";
    QTest::newRow("unnamed column") << "subset,index,,b\n"
                                    << "column 3 has no name";
    QTest::newRow("short row") << "subset,index,a,b\ntrain,0,1\n"
                               << "line 2 has 3 cells";
    QTest::newRow("long row") << "subset,index,a\ntrain,0,1,2\n"
                              << "line 2 has 4 cells";
    QTest::newRow("unknown subset") << "subset,index,a\ntraining,0,1\n"
                                    << "subset \"training\" is neither train nor validation";
    QTest::newRow("index past the split") << "subset,index,a\nvalidation,3,1\n"
                                          << "index \"3\" is not a sample of the validation "
                                             "split (0 to 2)";
    QTest::newRow("negative index") << "subset,index,a\ntrain,-1,1\n"
                                    << "index \"-1\"";
    QTest::newRow("fractional index") << "subset,index,a\ntrain,1.5,1\n"
                                      << "index \"1.5\"";
    QTest::newRow("twice the same sample") << "subset,index,a\ntrain,1,x\ntest,1,y\ntrain,1,z\n"
                                           << "line 4: train sample 1 has a row already";
    QTest::newRow("unclosed quote") << "subset,index,a\ntrain,0,\"open\n"
                                    << "line 2: a quote is never closed";
    QTest::newRow("text after a quote") << "subset,index,a\ntrain,0,\"x\"y\n"
                                        << "text after a closing quote";
    std::string wide = "subset,index";
    for (int f = 0; f <= data::kMaxMetadataColumns; ++f)
        wide += ",f" + std::to_string(f);
    QTest::newRow("too many columns")
        << QString::fromStdString(wide + "\n") << "65 field columns; at most 64";
    std::string ids = "subset,index,id\n";
    for (int i = 0; i <= data::kMaxMetadataCategories; ++i)
        ids += "train," + std::to_string(i) + ",id" + std::to_string(i) + "\n";
    QTest::newRow("an id column") << QString::fromStdString(ids)
                                  << "column \"id\" has 1001 different texts";
}

void TestUserMetadata::badTablesAreNamed()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const std::string message = messageOf(text.toStdString(), 2000, 3);
    QVERIFY2(message.rfind("/data/metadata.csv: ", 0) == 0, message.c_str());
    QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
}

void TestUserMetadata::userFieldsGroupLikeBuiltInOnes()
{
    // Six samples: place "a" (loss 1, 3), "b" (loss 10), no value (loss 5, 7, 9).
    why::SubsetMetadata m = subsetWith({1, 10, 3, 5, 7, 9});
    data::UserMetadata user;
    data::MetadataColumn place;
    place.name = "Place";
    place.numeric = false;
    place.categories = {"a", "b"};
    const float none = std::nanf("");
    place.validation = {0, 1, 0, none, none, none};
    place.train = {0};
    user.columns.push_back(place);
    data::MetadataColumn tooShort = place;
    tooShort.name = "short";
    tooShort.validation.pop_back();
    user.columns.push_back(tooShort);
    why::addUserFields(m, user);

    // The column of another length is not this subset's.
    QCOMPARE(int(m.user.size()), 1);
    QCOMPARE(m.fieldCount(), why::kMetadataFieldCount + 1);
    const why::MetadataField field = why::userMetadataField(0);
    QVERIFY(m.has(field));
    QVERIFY(!m.has(why::userMetadataField(1)));
    QCOMPARE(m.fieldTitle(field), std::string("Place"));
    QCOMPARE(m.fieldName(field), std::string("Place"));
    QCOMPARE(m.fieldTitle(why::MetadataField::Ink), std::string("Ink"));
    QVERIFY(!m.continuous(field));
    QVERIFY(m.continuous(why::MetadataField::Confidence));

    const why::GroupedLoss g = why::meanLossBy(m, field);
    QCOMPARE(g.groups.names, (std::vector<std::string>{"a", "b", "(missing)"}));
    QCOMPARE(g.groups.missingGroup, 2);
    QVERIFY(!g.groups.continuous);
    QCOMPARE(g.counts(0, 0), 2);
    QCOMPARE(g.meanLoss(0, 0), 2.0);
    QCOMPARE(g.meanLoss(1, 0), 10.0);
    QCOMPARE(g.meanLoss(2, 0), 7.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m.values(why::userMetadataField(1)));
}

void TestUserMetadata::numericUserFieldsGetQuantileBins()
{
    // Eight samples with values 1..8 (two missing): two bins of three.
    why::SubsetMetadata m = subsetWith({1, 1, 1, 4, 4, 4, 9, 9});
    data::UserMetadata user;
    data::MetadataColumn weight;
    weight.name = "weight";
    const float none = std::nanf("");
    weight.validation = {1, 2, 3, 4, 5, 6, none, none};
    user.columns.push_back(weight);
    why::addUserFields(m, user);
    const why::MetadataField field = why::userMetadataField(0);
    QVERIFY(m.continuous(field));

    const why::GroupedLoss g = why::meanLossBy(m, field, 2);
    QVERIFY(g.groups.continuous);
    QCOMPARE(g.groups.groupCount(), 3);
    QCOMPARE(g.groups.missingGroup, 2);
    QCOMPARE(g.groups.names.back(), std::string("(missing)"));
    QCOMPARE(int(g.groups.edges.size()), 3); // the two bins' edges
    QCOMPARE(g.counts(0, 0), 3);
    QCOMPARE(g.counts(1, 0), 3);
    QCOMPARE(g.counts(2, 0), 2);
    QCOMPARE(g.meanLoss(0, 0), 1.0);
    QCOMPARE(g.meanLoss(1, 0), 4.0);
    QCOMPARE(g.meanLoss(2, 0), 9.0);
}

QTEST_GUILESS_MAIN(TestUserMetadata)
#include "tst_user_metadata.moc"
