#include "core/pipeline/command_line.h"

#include "core/projection/projector_factory.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>

namespace mnistx::pipeline {

namespace {

long long parseInteger(const std::string& option, const std::string& text, long long min, long long max)
{
    if (text.empty())
        throw std::invalid_argument(option + ": a whole number is required");
    // strtoll skips leading white space; ' 3' is refused like '3 '.
    if (std::isspace(static_cast<unsigned char>(text.front())))
        throw std::invalid_argument(option + ": '" + text + "' is not a whole number");
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (*end != '\0' || end == text.c_str())
        throw std::invalid_argument(option + ": '" + text + "' is not a whole number");
    if (errno == ERANGE || v < min || v > max)
        throw std::invalid_argument(option + ": " + text + " is out of range (" +
                                    std::to_string(min) + ".." + std::to_string(max) + ")");
    return v;
}

double parseReal(const std::string& option, const std::string& text, double min, double max)
{
    // from_chars, not strtod: the same answer whatever LC_NUMERIC the
    // process runs under (Qt installs the user's, where "0.001" may not parse).
    double v = 0.0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (text.size() > 1 && text[0] == '+' && text[1] != '-')
        ++first; // "+0.5", as strtod and the whole-number options accept it
    const auto [end, error] = std::from_chars(first, last, v);
    if (text.empty() || end != last || (error != std::errc() && error != std::errc::result_out_of_range) ||
        !(v == v))
        throw std::invalid_argument(option + ": '" + text + "' is not a number");
    // 1e-400 or 1e400 is a number, just not one in range.
    if (error == std::errc::result_out_of_range || v < min || v > max) {
        std::ostringstream range;
        range.imbue(std::locale::classic());
        range << min << ".." << max;
        throw std::invalid_argument(option + ": " + text + " is out of range (" + range.str() + ")");
    }
    return v;
}

} // namespace

std::string usageText(const std::string& program)
{
    return "Usage: " + program + " [options]\n"
           "Trains a CNN on MNIST and explores its errors.\n\n"
           "  --data DIR           folder with the MNIST IDX files (raw or .gz) [data/mnist]\n"
           "  --run DIR            open a stored run (e.g. the --out folder of a headless run)\n"
           "  --headless           no window: train, analyse, project and write --out\n"
           "  --out DIR            where the headless run is stored [runs/default]\n"
           "  --epochs N           training epochs [3]\n"
           "  --seed S             random seed of weights and shuffle [1]\n"
           "  --threads T          CPU threads, 0 = all cores [0]\n"
           "  --batch-size B       mini-batch size [128]\n"
           "  --learning-rate LR   peak Adam learning rate [0.003]\n"
           "  --architecture A     compact | reference [compact]\n"
           "  --projection P       umap | tsne | pca: the 2D map of the features [umap]\n"
           "  --loss-bins N        bins of the loss-vs-distance curve [20]\n"
           "  --retrain            train again even if --out holds a model\n"
           "  --train-limit N      train on the first N training images only (quick looks)\n"
           "  --help, --version\n";
}

CommandLine parseCommandLine(const std::vector<std::string>& args)
{
    CommandLine cl;
    cl.pipeline.dataFolder = "data/mnist";
    cl.pipeline.outDir = "runs/default";
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size())
                throw std::invalid_argument(a + ": a value is required");
            return args[++i];
        };
        auto& t = cl.pipeline.train;
        if (a == "--help" || a == "-h")
            cl.mode = CommandLine::Mode::Help;
        else if (a == "--version")
            cl.mode = CommandLine::Mode::Version;
        else if (a == "--headless")
            cl.mode = CommandLine::Mode::Headless;
        else if (a == "--data") {
            cl.pipeline.dataFolder = value();
            cl.dataGiven = true;
        } else if (a == "--out") {
            cl.pipeline.outDir = value();
        } else if (a == "--run")
            cl.runDir = value();
        else if (a == "--epochs")
            t.epochs = static_cast<int>(parseInteger(a, value(), 1, 1000));
        else if (a == "--seed")
            t.seed = static_cast<std::uint64_t>(
                parseInteger(a, value(), 0, std::numeric_limits<long long>::max()));
        else if (a == "--threads")
            t.threads = static_cast<int>(parseInteger(a, value(), 0, 256));
        else if (a == "--batch-size")
            t.batchSize = static_cast<int>(parseInteger(a, value(), 1, 65536));
        else if (a == "--learning-rate")
            t.learningRate = parseReal(a, value(), 1e-7, 10.0);
        else if (a == "--architecture") {
            t.architecture = value();
            if (t.architecture != "compact" && t.architecture != "reference")
                throw std::invalid_argument("--architecture: unknown '" + t.architecture +
                                            "' (known: compact, reference)");
        } else if (a == "--projection") {
            cl.pipeline.projection = value();
            const auto& names = projection::projectorNames();
            if (std::find(names.begin(), names.end(), cl.pipeline.projection) == names.end()) {
                std::string known;
                for (const auto& n : names)
                    known += (known.empty() ? "" : ", ") + n;
                throw std::invalid_argument("--projection: unknown '" + cl.pipeline.projection +
                                            "' (known: " + known + ")");
            }
        } else if (a == "--loss-bins")
            cl.pipeline.lossBins = static_cast<int>(parseInteger(a, value(), 1, 1000));
        else if (a == "--train-limit")
            t.trainLimit = static_cast<int>(parseInteger(a, value(), 0, 100000000));
        else if (a == "--validation-limit")
            t.validationLimit = static_cast<int>(parseInteger(a, value(), 0, 100000000));
        else if (a == "--retrain")
            cl.pipeline.retrain = true;
        else
            throw std::invalid_argument("unknown option '" + a + "' (see --help)");
    }
    // In the GUI, --out DIR opens the run stored there or, when there is
    // none, trains into it (MainWindow::start decides).
    return cl;
}

} // namespace mnistx::pipeline
