// The command line: every option lands in its field, the defaults are the
// documented ones, "--opt=value" means "--opt value", the help describes
// every option the parser accepts, and every malformed command line (a
// non-number, an out-of-range value, an unknown option, a missing value) is
// refused with a one-line message naming the option.

#include "core/pipeline/command_line.h"

#include <QtTest>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using namespace mnistx;

class TestCommandLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void validOption_data();
    void validOption();
    void modes_data();
    void modes();
    void invalid_data();
    void invalid();
    void usageNamesEveryOption();
    void helpDescribesEveryAcceptedOption();
    void everyValueOptionHasASample();
    void equalsFormMeansTheSame_data();
    void equalsFormMeansTheSame();
};

namespace
{

std::vector<std::string> toArgs(const QStringList& list)
{
    std::vector<std::string> args;
    for (const QString& s : list)
        args.push_back(s.toStdString());
    return args;
}

// The parsed value of one field, as text, so one data table covers them all.
QString field(const pipeline::CommandLine& cl, const QString& name)
{
    const auto& p = cl.pipeline;
    const auto& t = p.train;
    if (name == "data")
        return QString::fromStdString(p.dataFolder);
    if (name == "out") // a new folder named by the time: compared by its pattern in defaults()
        return cl.outIsNew ? QString("<new run folder>") : QString::fromStdString(p.outDir);
    if (name == "run")
        return QString::fromStdString(cl.runDir);
    if (name == "model")
        return QString::fromStdString(p.modelFile);
    if (name == "embeddings")
        return QString::fromStdString(p.embeddingsFolder);
    if (name == "epochs")
        return QString::number(t.epochs);
    if (name == "seed")
        return QString::number(t.seed);
    if (name == "threads")
        return QString::number(t.threads);
    if (name == "batchSize")
        return QString::number(t.batchSize);
    if (name == "learningRate")
        return QString::number(t.learningRate);
    if (name == "architecture")
        return QString::fromStdString(t.architecture);
    if (name == "projection")
        return QString::fromStdString(p.projection);
    if (name == "lossBins")
        return QString::number(p.lossBins);
    if (name == "trainLimit")
        return QString::number(t.trainLimit);
    if (name == "validationLimit")
        return QString::number(t.validationLimit);
    if (name == "retrain")
        return p.retrain ? "true" : "false";
    if (name == "compare")
        return QString::fromStdString(
            cl.compareRuns.empty() ? std::string() : cl.compareRuns[0] + " | " + cl.compareRuns[1]);
    if (name == "query")
        return QString::fromStdString(cl.query);
    if (name == "dataGiven")
        return cl.dataGiven ? "true" : "false";
    return "?" + name;
}

const QStringList kFields{"data",         "out",        "run",      "model",      "embeddings",
                          "epochs",       "seed",       "threads",  "batchSize",  "learningRate",
                          "architecture", "projection", "lossBins", "trainLimit", "validationLimit",
                          "retrain",      "dataGiven",  "compare",  "query"};

// Empty when a and b agree in the mode and every field, else the first that differs.
QString difference(const pipeline::CommandLine& a, const pipeline::CommandLine& b)
{
    if (a.mode != b.mode)
        return "mode";
    for (const QString& name : kFields)
        if (field(a, name) != field(b, name))
            return name + ": " + field(a, name) + " vs " + field(b, name);
    return {};
}

// Whether the parser takes a value after `option`, asked of the parser itself:
// alone, a value option is refused for its missing value, a flag is accepted.
bool takesValue(const std::string& option)
{
    try {
        pipeline::parseCommandLine({option});
        return false;
    } catch (const std::invalid_argument& e) {
        if (std::string(e.what()) != option + ": a value is required")
            throw;
        return true;
    }
}

// A valid value of each value option other than its default.
const std::map<std::string, std::string> kSampleValues{{"--data", "/tmp/m"},
                                                       {"--run", "runs/a"},
                                                       {"--out", "o"},
                                                       {"--name", "baseline"},
                                                       {"--compare", "runs/a"},
                                                       {"--query", "loss > 2"},
                                                       {"--epochs", "7"},
                                                       {"--seed", "9007199254740993"},
                                                       {"--threads", "2"},
                                                       {"--batch-size", "64"},
                                                       {"--learning-rate", "5e-4"},
                                                       {"--architecture", "reference"},
                                                       {"--projection", "pca"},
                                                       {"--loss-bins", "5"},
                                                       {"--train-limit", "6000"},
                                                       {"--validation-limit", "100"},
                                                       {"--model", "models/user.pt"},
                                                       {"--embeddings", "exported/run7"}};

} // namespace

void TestCommandLine::defaults()
{
    const auto cl = pipeline::parseCommandLine({});
    QCOMPARE(cl.mode, pipeline::CommandLine::Mode::Gui);
    QCOMPARE(field(cl, "data"), QString("data/mnist"));
    // No --out: a new folder under runs/ named for the dataset, the model and
    // the time, so that nothing stored is overwritten.
    QVERIFY(cl.outIsNew);
    const QString out = QString::fromStdString(cl.pipeline.outDir);
    QVERIFY2(QRegularExpression(QStringLiteral("^runs/mnist-%1-\\d{8}-\\d{6}(-\\d+)?$")
                                    .arg(QString::fromStdString(cl.pipeline.train.architecture)))
                 .match(out)
                 .hasMatch(),
             qPrintable(out));
    const auto model = pipeline::parseCommandLine({"--model", "/models/ResNet 50.pt"});
    QVERIFY2(QString::fromStdString(model.pipeline.outDir).startsWith("runs/mnist-resnet-50-"),
             model.pipeline.outDir.c_str());
    const auto embeddings = pipeline::parseCommandLine({"--embeddings", "exported/run7/"});
    QVERIFY2(QString::fromStdString(embeddings.pipeline.outDir).startsWith("runs/run7-embeddings-"),
             embeddings.pipeline.outDir.c_str());
    QCOMPARE(field(cl, "run"), QString());
    QCOMPARE(cl.dataGiven, false);
    QCOMPARE(cl.pipeline.retrain, false);
    // The training and projection defaults are the engine's own.
    const pipeline::PipelineConfig engine;
    QCOMPARE(cl.pipeline.train.epochs, engine.train.epochs);
    QCOMPARE(cl.pipeline.train.seed, engine.train.seed);
    QCOMPARE(cl.pipeline.train.batchSize, engine.train.batchSize);
    QCOMPARE(cl.pipeline.train.learningRate, engine.train.learningRate);
    QCOMPARE(cl.pipeline.train.architecture, engine.train.architecture);
    QCOMPARE(cl.pipeline.projection, engine.projection);
    QCOMPARE(cl.pipeline.lossBins, engine.lossBins);
}

void TestCommandLine::validOption_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");

    QTest::newRow("--data") << QStringList{"--data", "/tmp/m"} << "data"
                            << "/tmp/m";
    QTest::newRow("--data sets dataGiven") << QStringList{"--data", "x"} << "dataGiven"
                                           << "true";
    QTest::newRow("--out") << QStringList{"--headless", "--out", "o"} << "out"
                           << "o";
    QTest::newRow("--run") << QStringList{"--run", "runs/a"} << "run"
                           << "runs/a";
    // In the GUI, --out is where the run is (opened or trained into: the
    // main window decides); --run alone names a run to open.
    QTest::newRow("--out alone is no --run") << QStringList{"--out", "runs/b"} << "run"
                                             << "";
    QTest::newRow("--out alone") << QStringList{"--out", "runs/b"} << "out"
                                 << "runs/b";
    QTest::newRow("--run and --out") << QStringList{"--run", "r1", "--out", "r2"} << "run"
                                     << "r1";
    QTest::newRow("--name") << QStringList{"--name", "baseline"} << "out"
                            << "runs/baseline";
    QTest::newRow("--compare") << QStringList{"--compare", "runs/a", "runs/b", "--out", "o"}
                               << "compare"
                               << "runs/a | runs/b";
    QTest::newRow("--query") << QStringList{"--run",   "r",
                                            "--query", "label == \"Ankle boot\"",
                                            "--out",   "rows.csv"}
                             << "query"
                             << "label == \"Ankle boot\"";
    QTest::newRow("--query keeps --out a file")
        << QStringList{"--run", "r", "--query", "loss > 2", "--out", "rows.csv"} << "out"
        << "rows.csv";
    QTest::newRow("--epochs") << QStringList{"--epochs", "7"} << "epochs"
                              << "7";
    QTest::newRow("--epochs max") << QStringList{"--epochs", "1000"} << "epochs"
                                  << "1000";
    QTest::newRow("--epochs auto") << QStringList{"--epochs", "0"} << "epochs"
                                   << "0";
    QTest::newRow("--seed 0") << QStringList{"--seed", "0"} << "seed"
                              << "0";
    QTest::newRow("--seed big") << QStringList{"--seed", "9007199254740993"} << "seed"
                                << "9007199254740993";
    QTest::newRow("--threads 0") << QStringList{"--threads", "0"} << "threads"
                                 << "0";
    QTest::newRow("--threads") << QStringList{"--threads", "2"} << "threads"
                               << "2";
    QTest::newRow("--batch-size") << QStringList{"--batch-size", "64"} << "batchSize"
                                  << "64";
    QTest::newRow("--learning-rate") << QStringList{"--learning-rate", "0.001"} << "learningRate"
                                     << "0.001";
    QTest::newRow("--learning-rate exponent")
        << QStringList{"--learning-rate", "5e-4"} << "learningRate"
        << "0.0005";
    QTest::newRow("--architecture reference")
        << QStringList{"--architecture", "reference"} << "architecture"
        << "reference";
    QTest::newRow("--projection pca") << QStringList{"--projection", "pca"} << "projection"
                                      << "pca";
    QTest::newRow("--projection tsne") << QStringList{"--projection", "tsne"} << "projection"
                                       << "tsne";
    QTest::newRow("--projection umap") << QStringList{"--projection", "umap"} << "projection"
                                       << "umap";
    QTest::newRow("--loss-bins") << QStringList{"--loss-bins", "5"} << "lossBins"
                                 << "5";
    QTest::newRow("--train-limit") << QStringList{"--train-limit", "6000"} << "trainLimit"
                                   << "6000";
    QTest::newRow("--validation-limit")
        << QStringList{"--validation-limit", "100"} << "validationLimit"
        << "100";
    QTest::newRow("--retrain") << QStringList{"--retrain"} << "retrain"
                               << "true";
    QTest::newRow("last one wins") << QStringList{"--epochs", "2", "--epochs", "5"} << "epochs"
                                   << "5";
    QTest::newRow("a path that looks like an option")
        << QStringList{"--data", "--weird-folder"} << "data"
        << "--weird-folder";
    QTest::newRow("everything at once")
        << QStringList{"--headless", "--data",       "d",   "--out",     "o", "--epochs",
                       "1",          "--seed",       "3",   "--threads", "2", "--batch-size",
                       "256",        "--projection", "pca", "--retrain"}
        << "batchSize"
        << "256";
}

void TestCommandLine::validOption()
{
    QFETCH(QStringList, args);
    QFETCH(QString, name);
    QFETCH(QString, expected);
    const auto cl = pipeline::parseCommandLine(toArgs(args));
    QCOMPARE(field(cl, name), expected);
}

void TestCommandLine::modes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("mode");
    using Mode = pipeline::CommandLine::Mode;
    QTest::newRow("nothing") << QStringList{} << int(Mode::Gui);
    QTest::newRow("--headless") << QStringList{"--headless"} << int(Mode::Headless);
    QTest::newRow("--help") << QStringList{"--help"} << int(Mode::Help);
    QTest::newRow("-h") << QStringList{"-h"} << int(Mode::Help);
    QTest::newRow("--version") << QStringList{"--version"} << int(Mode::Version);
    QTest::newRow("--run") << QStringList{"--run", "r"} << int(Mode::Gui);
    QTest::newRow("--compare") << QStringList{"--compare", "a", "b", "--out", "o"}
                               << int(Mode::Compare);
    QTest::newRow("--query") << QStringList{"--run", "r", "--query", "loss > 2", "--out", "o.csv"}
                             << int(Mode::Query);
}

void TestCommandLine::modes()
{
    QFETCH(QStringList, args);
    QFETCH(int, mode);
    QCOMPARE(int(pipeline::parseCommandLine(toArgs(args)).mode), mode);
}

void TestCommandLine::invalid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message"); // what the one-line message must contain

    // Non-numeric and malformed numbers.
    QTest::newRow("--compare without --out")
        << QStringList{"--compare", "a", "b"} << "--compare: needs --out DIR";
    QTest::newRow("--query without --run")
        << QStringList{"--query", "loss > 2", "--out", "o.csv"} << "--query: needs --run DIR";
    QTest::newRow("--query without --out")
        << QStringList{"--run", "r", "--query", "loss > 2"} << "--query: needs --out FILE.csv";
    QTest::newRow("--query empty") << QStringList{"--run", "r", "--query", "", "--out", "o.csv"}
                                   << "--query: the expression is empty";
    QTest::newRow("--compare one run") << QStringList{"--compare", "a", "--out", "o"}
                                       << "--compare: takes two runs, RUN_A RUN_B (got 1)";
    QTest::newRow("--compare three runs")
        << QStringList{"--compare", "a", "b", "c", "--out", "o"} << "unexpected argument 'c'";
    QTest::newRow("--name with --out") << QStringList{"--name", "a", "--out", "b"}
                                       << "--name: --out already says where the run goes";
    QTest::newRow("--name a path")
        << QStringList{"--name", "a/b"} << "--name: 'a/b' cannot name a folder";
    QTest::newRow("--name ..") << QStringList{"--name", ".."}
                               << "--name: '..' cannot name a folder";
    QTest::newRow("epochs abc") << QStringList{"--epochs", "abc"}
                                << "--epochs: 'abc' is not a whole number";
    QTest::newRow("epochs 3x") << QStringList{"--epochs", "3x"}
                               << "--epochs: '3x' is not a whole number";
    QTest::newRow("epochs 2.5") << QStringList{"--epochs", "2.5"}
                                << "--epochs: '2.5' is not a whole number";
    QTest::newRow("epochs empty") << QStringList{"--epochs", ""} << "--epochs";
    QTest::newRow("seed word") << QStringList{"--seed", "one"}
                               << "--seed: 'one' is not a whole number";
    QTest::newRow("threads word") << QStringList{"--threads", "all"} << "--threads";
    QTest::newRow("batch-size hex") << QStringList{"--batch-size", "0x80"} << "--batch-size";
    QTest::newRow("learning-rate word")
        << QStringList{"--learning-rate", "fast"} << "--learning-rate: 'fast' is not a number";
    QTest::newRow("learning-rate nan")
        << QStringList{"--learning-rate", "nan"} << "--learning-rate";
    QTest::newRow("learning-rate empty") << QStringList{"--learning-rate", ""} << "--learning-rate";
    QTest::newRow("loss-bins word") << QStringList{"--loss-bins", "many"} << "--loss-bins";
    QTest::newRow("train-limit word") << QStringList{"--train-limit", "half"} << "--train-limit";

    // Out of range.
    QTest::newRow("epochs -1") << QStringList{"--epochs", "-1"} << "--epochs: -1 is out of range";
    QTest::newRow("epochs negative") << QStringList{"--epochs", "-2"} << "--epochs";
    QTest::newRow("epochs overflow")
        << QStringList{"--epochs", "99999999999999999999999"} << "--epochs";
    QTest::newRow("seed negative") << QStringList{"--seed", "-1"} << "--seed";
    QTest::newRow("threads 300") << QStringList{"--threads", "300"} << "--threads";
    QTest::newRow("batch-size 0") << QStringList{"--batch-size", "0"} << "--batch-size";
    QTest::newRow("learning-rate 0") << QStringList{"--learning-rate", "0"} << "--learning-rate";
    QTest::newRow("learning-rate inf")
        << QStringList{"--learning-rate", "inf"} << "--learning-rate";
    QTest::newRow("loss-bins 0") << QStringList{"--loss-bins", "0"} << "--loss-bins";
    QTest::newRow("train-limit negative") << QStringList{"--train-limit", "-5"} << "--train-limit";

    // Unknown options and values.
    QTest::newRow("unknown option") << QStringList{"--epoch", "3"} << "unknown option '--epoch'";
    QTest::newRow("unknown short option") << QStringList{"-x"} << "unknown option '-x'";
    QTest::newRow("stray word") << QStringList{"data/mnist"} << "unexpected argument 'data/mnist'";
    QTest::newRow("unknown after valid") << QStringList{"--headless", "--fast"} << "'--fast'";
    QTest::newRow("architecture") << QStringList{"--architecture", "resnet"}
                                  << "--architecture: unknown 'resnet'";
    QTest::newRow("projection") << QStringList{"--projection", "mds"}
                                << "--projection: unknown 'mds'";
    QTest::newRow("option made up with =")
        << QStringList{"--epoch=3"} << "unknown option '--epoch'";
    QTest::newRow("stray word after =")
        << QStringList{"--epochs=3", "x"} << "unexpected argument 'x'";

    QTest::newRow("flag with a value")
        << QStringList{"--retrain=no"} << "--retrain: takes no value";
    QTest::newRow("mode flag with a value")
        << QStringList{"--headless=1"} << "--headless: takes no value";

    // The same refusals when the value follows '='.
    QTest::newRow("epochs=abc") << QStringList{"--epochs=abc"}
                                << "--epochs: 'abc' is not a whole number";
    QTest::newRow("epochs=-1") << QStringList{"--epochs=-1"} << "--epochs: -1 is out of range";
    QTest::newRow("epochs= (empty)")
        << QStringList{"--epochs=", "--headless"} << "--epochs: a whole number is required";
    QTest::newRow("learning-rate=fast")
        << QStringList{"--learning-rate=fast"} << "--learning-rate: 'fast' is not a number";
    QTest::newRow("architecture=resnet")
        << QStringList{"--architecture=resnet"} << "--architecture: unknown 'resnet'";

    // Missing values.
    for (const char* option : {"--data", "--out", "--run", "--epochs", "--seed", "--threads",
                               "--batch-size", "--learning-rate", "--architecture", "--projection",
                               "--loss-bins", "--train-limit", "--validation-limit"})
        QTest::newRow(qPrintable(QString("missing value of %1").arg(option)))
            << QStringList{"--headless", option} << QString("%1: a value is required").arg(option);
}

void TestCommandLine::invalid()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    try {
        pipeline::parseCommandLine(toArgs(args));
        QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(!what.contains('\n'), "the message is one line");
    }
}

void TestCommandLine::usageNamesEveryOption()
{
    const QString usage = QString::fromStdString(pipeline::usageText("mnist-explorer"));
    QVERIFY(usage.startsWith("Usage: mnist-explorer"));
    for (const char* option :
         {"--data", "--run", "--headless", "--out", "--epochs", "--seed", "--threads",
          "--batch-size", "--learning-rate", "--architecture", "--projection", "--loss-bins",
          "--retrain", "--train-limit", "--validation-limit", "--help", "--version"})
        QVERIFY2(usage.contains(option), option);
}

void TestCommandLine::helpDescribesEveryAcceptedOption()
{
    const QString usage = QString::fromStdString(pipeline::usageText("mnist-explorer"));
    const std::vector<std::string> names = pipeline::optionNames();
    QVERIFY(names.size() >= 17);
    for (const std::string& name : names) {
        const QString option = QString::fromStdString(name);
        // Accepted: alone it is taken as a flag or refused for want of a value,
        // never as an unknown option.
        try {
            pipeline::parseCommandLine({name});
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString::fromUtf8(e.what()), option + ": a value is required");
        }
        // Described: a line of the help names it as a word and goes on to a
        // description after the column gap.
        const QRegularExpression named("(^|[ ,])" + QRegularExpression::escape(option) +
                                       "($|[ ,])");
        QString line;
        for (const QString& l : usage.split('\n'))
            if (named.match(l).hasMatch())
                line = l;
        QVERIFY2(!line.isEmpty(), qPrintable(option + " is not in the help"));
        const QStringList columns = line.trimmed().split(QRegularExpression("\\s{2,}"));
        QVERIFY2(columns.size() == 2 && columns[1].size() >= 10,
                 qPrintable(option + " has no description: " + line));
    }
}

void TestCommandLine::everyValueOptionHasASample()
{
    for (const std::string& name : pipeline::optionNames())
        if (takesValue(name))
            QVERIFY2(kSampleValues.count(name), name.c_str());
}

void TestCommandLine::equalsFormMeansTheSame_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("value");
    for (const auto& [option, value] : kSampleValues)
        QTest::newRow(option.c_str())
            << QString::fromStdString(option) << QString::fromStdString(value);
    // '=' splits once; the rest, another '=' or a leading "--", is the value.
    QTest::newRow("a value with =") << "--data"
                                    << "a=b";
    QTest::newRow("a value like an option") << "--data"
                                            << "--weird-folder";
    QTest::newRow("a negative number") << "--epochs"
                                       << "-2";
}

void TestCommandLine::equalsFormMeansTheSame()
{
    QFETCH(QString, option);
    QFETCH(QString, value);
    const std::string o = option.toStdString();
    const std::string v = value.toStdString();
    auto parse =
        [](const std::vector<std::string>& args) -> std::variant<pipeline::CommandLine, QString> {
        try {
            return pipeline::parseCommandLine(args);
        } catch (const std::invalid_argument& e) {
            return QString::fromUtf8(e.what());
        }
    };
    const auto spaced = parse({"--headless", o, v, "--retrain"});
    const auto joined = parse({"--headless", o + "=" + v, "--retrain"});
    QCOMPARE(spaced.index(), joined.index());
    if (const auto* message = std::get_if<QString>(&spaced)) {
        QCOMPARE(std::get<QString>(joined), *message);
        QVERIFY(message->startsWith(option + ": "));
        return;
    }
    const auto& a = std::get<pipeline::CommandLine>(spaced);
    const auto& b = std::get<pipeline::CommandLine>(joined);
    QCOMPARE(difference(a, b), QString());
    QVERIFY2(!difference(a, pipeline::parseCommandLine({"--headless", "--retrain"})).isEmpty(),
             "the sample value is the default: the comparison would prove nothing");
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_command_line.moc"
