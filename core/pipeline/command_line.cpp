#include "core/pipeline/command_line.h"

#include "core/model/cnn.h"
#include "core/projection/projector_factory.h"
#include "core/store/run_library.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace mnistx::pipeline
{

namespace
{

long long parseInteger(const std::string& option, const std::string& text, long long min,
                       long long max)
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

// Numbers in the messages and the help as the C locale writes them, whatever
// LC_NUMERIC the process runs under.
std::string formatReal(double v)
{
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << v;
    return out.str();
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
    if (text.empty() || end != last ||
        (error != std::errc() && error != std::errc::result_out_of_range) || !(v == v))
        throw std::invalid_argument(option + ": '" + text + "' is not a number");
    // 1e-400 or 1e400 is a number, just not one in range.
    if (error == std::errc::result_out_of_range || v < min || v > max)
        throw std::invalid_argument(option + ": " + text + " is out of range (" + formatReal(min) +
                                    ".." + formatReal(max) + ")");
    return v;
}

std::string join(const std::vector<std::string>& names, const std::string& separator)
{
    std::string joined;
    for (const auto& n : names)
        joined += (joined.empty() ? "" : separator) + n;
    return joined;
}

std::string parseChoice(const std::string& option, const std::string& text,
                        const std::vector<std::string>& known)
{
    if (std::find(known.begin(), known.end(), text) == known.end())
        throw std::invalid_argument(option + ": unknown '" + text +
                                    "' (known: " + join(known, ", ") + ")");
    return text;
}

// The flags that choose the mode; parseCommandLine decides between them.
struct ModeFlags {
    bool help = false;
    bool version = false;
    bool headless = false;
    bool outGiven = false; // --out
};

// Turns an option's value into its field; throws a message naming the option.
using StoreValue = std::function<void(const std::string& option, const std::string& text)>;

// A value option. `store` sees each given value in command-line order (so the
// last one wins, and every one is checked).
CLI::Option* addValue(CLI::App& app, const std::string& name, const std::string& valueName,
                      const std::string& description, StoreValue store)
{
    return app.add_option(name)
        ->description(description)
        ->type_name(valueName)
        ->each([name, store = std::move(store)](const std::string& text) { store(name, text); });
}

template <typename Field>
void addWholeNumber(CLI::App& app, const std::string& name, const std::string& valueName,
                    const std::string& description, Field& field, long long min, long long max)
{
    addValue(app, name, valueName, description,
             [&field, min, max](const std::string& option, const std::string& text) {
                 field = static_cast<Field>(parseInteger(option, text, min, max));
             })
        ->default_str(std::to_string(field));
}

// The one declaration of the command line: CLI11 parses by it and the help is
// printed from it, so an option cannot be accepted without being described.
// Each option's default is shown from `cl`, which holds the defaults here.
void declareOptions(CLI::App& app, CommandLine& cl, ModeFlags& mode)
{
    app.description("Trains a CNN on an image dataset (MNIST by default) and explores its errors.");
    app.set_help_flag(); // ours below: --help is a mode, not an exception
    app.allow_extras();  // parseCommandLine words the message for an unknown option
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    auto& p = cl.pipeline;
    auto& t = p.train;

    addValue(app, "--data", "DIR",
             "dataset folder: IDX files (raw or .gz), NumPy files (train_images.npy, …) or image "
             "folders (train/<class>/*.png)",
             [&cl](const std::string&, const std::string& text) {
                 cl.pipeline.dataFolder = text;
                 cl.dataGiven = true;
             })
        ->default_str(p.dataFolder);
    addValue(app, "--run", "DIR", "open a stored run (e.g. the --out folder of a headless run)",
             [&cl](const std::string&, const std::string& text) { cl.runDir = text; });
    app.add_flag("--headless", mode.headless, "no window: train, analyse, project and write --out");
    app.add_option("--compare", cl.compareRuns,
                   "compare two stored runs of one dataset: write compare.csv, compare.json and "
                   "compare_map.png into --out, no window")
        ->type_name("RUN_A RUN_B")
        ->expected(2)
        ->allow_extra_args(false);
    addValue(app, "--query", "EXPR",
             "with --run: write the run's samples that match EXPR (loss > 2 and label == 4) to "
             "--out FILE.csv in samples.csv's columns, no window",
             [&cl](const std::string&, const std::string& text) {
                 cl.query = text;
                 cl.queryGiven = true;
             });
    addValue(app, "--out", "DIR",
             "where the run is stored (the window opens the run stored there, if any); with "
             "--compare the folder, with --query the file of the results",
             [&cl, &mode](const std::string&, const std::string& text) {
                 cl.pipeline.outDir = text;
                 mode.outGiven = true;
             })
        ->default_str(cl.runsRoot + "/<dataset>-<model>-<time>; the window opens the newest run "
                                    "there");
    addValue(app, "--name", "NAME",
             "store the run in " + cl.runsRoot + "/NAME instead of a folder named by the time",
             [&cl](const std::string& option, const std::string& text) {
                 if (text.empty() || text == "." || text == ".." ||
                     text.find_first_of("/\\") != std::string::npos)
                     throw std::invalid_argument(option + ": '" + text +
                                                 "' cannot name a folder (no slashes)");
                 cl.runName = text;
             });
    addWholeNumber(app, "--epochs", "N",
                   "training epochs; 0 = auto: about " + std::to_string(training::kAutoSteps) +
                       " steps, from the dataset's size (MNIST: 3)",
                   t.epochs, training::kAutoEpochs, training::kMaxEpochs);
    addWholeNumber(app, "--seed", "S", "random seed of weights and shuffle", t.seed, 0,
                   std::numeric_limits<long long>::max());
    addWholeNumber(app, "--threads", "T", "CPU threads, 0 = all cores", t.threads, 0, 256);
    addWholeNumber(app, "--batch-size", "B", "mini-batch size", t.batchSize, 1, 65536);
    addValue(app, "--learning-rate", "LR", "peak Adam learning rate",
             [&t](const std::string& option, const std::string& text) {
                 t.learningRate = parseReal(option, text, 1e-7, 10.0);
             })
        ->default_str(formatReal(t.learningRate));
    addValue(app, "--architecture", "A", join(model::architectureNames(), " | "),
             [&t](const std::string& option, const std::string& text) {
                 t.architecture = parseChoice(option, text, model::architectureNames());
             })
        ->default_str(t.architecture);
    addValue(app, "--projection", "P",
             join(projection::projectorNames(), " | ") + ": the 2D map of the features",
             [&p](const std::string& option, const std::string& text) {
                 p.projection = parseChoice(option, text, projection::projectorNames());
             })
        ->default_str(p.projection);
    addWholeNumber(app, "--loss-bins", "N", "bins of the loss-vs-distance curve", p.lossBins, 1,
                   1000);
    app.add_flag("--retrain", p.retrain, "train again even if --out holds a model");
    addValue(app, "--model", "FILE",
             "evaluate this TorchScript model (torch.jit.save) on the data instead of training "
             "one",
             [&p](const std::string&, const std::string& text) { p.modelFile = text; });
    addValue(app, "--embeddings", "DIR",
             "explore features computed elsewhere: features.npy, labels.npy and logits.npy or "
             "probabilities.npy (optional: subset.npy, images.npy, classes.txt, metadata.csv)",
             [&p](const std::string&, const std::string& text) { p.embeddingsFolder = text; });
    addWholeNumber(app, "--train-limit", "N", "train on the first N training images only, 0 = all",
                   t.trainLimit, 0, 100000000);
    addWholeNumber(app, "--validation-limit", "N",
                   "validate on the first N validation images only, 0 = all", t.validationLimit, 0,
                   100000000);
    app.add_flag("-h,--help", mode.help, "print this help and exit");
    app.add_flag("--version", mode.version, "print the versions of this program and its libraries");
}

// The defaults of the command line where they differ from the engine's.
CommandLine defaultCommandLine()
{
    CommandLine cl;
    cl.pipeline.dataFolder = "data/mnist";
    return cl;
}

} // namespace

std::string usageText(const std::string& program)
{
    CommandLine cl = defaultCommandLine();
    ModeFlags mode;
    CLI::App app;
    declareOptions(app, cl, mode);
    // Each option with the name of its value ("--data DIR"), then, in a
    // column two spaces past the longest, its description and default.
    std::vector<std::pair<std::string, std::string>> rows;
    std::size_t width = 0;
    for (const CLI::Option* option : app.get_options()) {
        std::string names = option->get_name(false, true); // "-h,--help"
        if (option->get_items_expected_max() != 0)
            names += " " + option->get_type_name();
        std::string description = option->get_description();
        if (!option->get_default_str().empty())
            description += " [" + option->get_default_str() + "]";
        width = std::max(width, names.size());
        rows.emplace_back(std::move(names), std::move(description));
    }
    std::string text = "Usage: " + program + " [options]\n" + app.get_description() + "\n\n";
    for (const auto& [names, description] : rows)
        text += "  " + names + std::string(width + 2 - names.size(), ' ') + description + "\n";
    return text;
}

std::string newRunFolder(const PipelineConfig& config, const std::string& root)
{
    const auto stem = [](const std::string& path) {
        std::filesystem::path p(path);
        if (!p.has_filename())
            p = p.parent_path();
        return p.stem().string();
    };
    const bool embeddings = !config.embeddingsFolder.empty();
    const std::string dataset = stem(embeddings ? config.embeddingsFolder : config.dataFolder);
    const std::string model = embeddings                  ? std::string("embeddings")
                              : !config.modelFile.empty() ? stem(config.modelFile)
                                                          : config.train.architecture;
    return store::freeRunFolder(root, store::runFolderName(dataset, model, std::time(nullptr)));
}

std::vector<std::string> optionNames()
{
    CommandLine cl = defaultCommandLine();
    ModeFlags mode;
    CLI::App app;
    declareOptions(app, cl, mode);
    std::vector<std::string> names;
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& s : option->get_snames())
            names.push_back("-" + s);
        for (const std::string& l : option->get_lnames())
            names.push_back("--" + l);
    }
    return names;
}

CommandLine parseCommandLine(const std::vector<std::string>& args)
{
    CommandLine cl = defaultCommandLine();
    ModeFlags mode;
    CLI::App app;
    declareOptions(app, cl, mode);

    // CLI11 takes the arguments last first. Two cases it would read otherwise:
    // "--out=" is an empty value, as "--out ''" is (CLI11 would take the next
    // argument), and a flag takes no value (CLI11 would read "--retrain=no").
    std::vector<std::string> reversed;
    for (auto it = args.rbegin(); it != args.rend(); ++it) {
        const auto equals = it->compare(0, 2, "--") == 0 ? it->find('=') : std::string::npos;
        const CLI::Option* option =
            equals == std::string::npos ? nullptr : app.get_option_no_throw(it->substr(0, equals));
        if (option && option->get_items_expected_max() == 0)
            throw std::invalid_argument(it->substr(0, equals) + ": takes no value");
        if (option && equals + 1 == it->size()) {
            reversed.emplace_back();
            reversed.push_back(it->substr(0, equals));
        } else {
            reversed.push_back(*it);
        }
    }
    try {
        app.parse(reversed);
    } catch (const CLI::ArgumentMismatch& e) {
        // A value option last with no value: CLI11 puts the option's name
        // before the colon ("--epochs: 1 required N missing").
        const std::string what = e.what();
        const auto colon = what.find(':');
        if (colon == std::string::npos || what.compare(0, 2, "--") != 0)
            throw std::invalid_argument(what);
        throw std::invalid_argument(what.substr(0, colon) + ": a value is required");
    } catch (const CLI::ParseError& e) {
        throw std::invalid_argument(e.what());
    }
    const std::vector<std::string> unknown = app.remaining();
    if (!unknown.empty()) {
        std::string name = unknown.front();
        if (name.empty() || name.front() != '-')
            throw std::invalid_argument("unexpected argument '" + name + "' (see --help)");
        if (name.compare(0, 2, "--") == 0)
            name = name.substr(0, name.find('=')); // "--epoch=3" → "--epoch"
        throw std::invalid_argument("unknown option '" + name + "' (see --help)");
    }

    if (mode.help)
        cl.mode = CommandLine::Mode::Help;
    else if (mode.version)
        cl.mode = CommandLine::Mode::Version;
    else if (!cl.compareRuns.empty())
        cl.mode = CommandLine::Mode::Compare;
    else if (cl.queryGiven)
        cl.mode = CommandLine::Mode::Query;
    else if (mode.headless)
        cl.mode = CommandLine::Mode::Headless;
    // CLI11 lets a repeated --compare gather more values, or fewer through
    // "--compare=a": exactly two, or a message.
    if (!cl.compareRuns.empty() && cl.compareRuns.size() != 2)
        throw std::invalid_argument("--compare: takes two runs, RUN_A RUN_B (got " +
                                    std::to_string(cl.compareRuns.size()) + ")");
    if (cl.mode == CommandLine::Mode::Compare && !mode.outGiven)
        throw std::invalid_argument("--compare: needs --out DIR, the folder for compare.csv, "
                                    "compare.json and compare_map.png");
    if (cl.mode == CommandLine::Mode::Query) {
        if (cl.runDir.empty())
            throw std::invalid_argument("--query: needs --run DIR, the stored run to query");
        if (!mode.outGiven)
            throw std::invalid_argument("--query: needs --out FILE.csv, the file for the matching "
                                        "samples");
        if (cl.query.empty())
            throw std::invalid_argument("--query: the expression is empty (e.g. --query "
                                        "'loss > 2 and label == 4')");
        return cl;
    }
    if (mode.outGiven && !cl.runName.empty())
        throw std::invalid_argument("--name: --out already says where the run goes (use one)");
    // In the GUI, --out DIR opens the run stored there or, when there is
    // none, trains into it (MainWindow::start decides). Without it, a new run
    // gets a folder of its own: nothing stored is overwritten.
    if (!cl.runName.empty()) { // a named run is reopened (and its model reused) like --out
        cl.pipeline.outDir = (std::filesystem::path(cl.runsRoot) / cl.runName).string();
    } else if (!mode.outGiven) {
        cl.pipeline.outDir = newRunFolder(cl.pipeline, cl.runsRoot);
        cl.outIsNew = true;
    }
    return cl;
}

} // namespace mnistx::pipeline
