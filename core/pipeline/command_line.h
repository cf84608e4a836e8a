#pragma once

#include "core/pipeline/pipeline.h"

#include <string>
#include <vector>

namespace mnistx::pipeline
{

// What the user asked for on the command line.
struct CommandLine {
    enum class Mode { Gui, Headless, Compare, Query, Help, Version };
    Mode mode = Mode::Gui;
    PipelineConfig pipeline; // data folder, out dir, training settings, projection
    std::string runDir;      // --run: open this stored run in the GUI
    // --compare A B: the two stored runs to compare (Mode::Compare; the
    // results go to pipeline.outDir, which --out must give).
    std::vector<std::string> compareRuns;
    // --query EXPR with --run DIR (Mode::Query): the matching samples go to
    // the file pipeline.outDir names (--out FILE.csv).
    std::string query;
    bool queryGiven = false;
    bool dataGiven = false;
    // Neither --out nor --name was given: pipeline.outDir is a new folder of
    // its own under runsRoot (see newRunFolder), and the window opens the
    // newest run there instead of training. A command line built by hand
    // means its outDir.
    bool outIsNew = false;
    std::string runName; // --name: the run folder is runsRoot/runName
    std::string runsRoot = "runs";
};

// A new folder in root for a run of config, named for its dataset, model and
// the time (store::runFolderName: "mnist-cnn-20261207-014502"); never one
// that exists (store::freeRunFolder adds "-2", …).
std::string newRunFolder(const PipelineConfig& config, const std::string& root);

// Parses argv (without the program name). A value follows its option as the
// next argument or after '=' ("--epochs 5", "--epochs=5"); the last of a
// repeated option wins. Throws std::invalid_argument with a one-line message
// naming the offending option ("--epochs: 'abc' is not a whole number").
// Defaults: data folder "data/mnist", out dir a new folder under runs/.
CommandLine parseCommandLine(const std::vector<std::string>& args);

// The --help text: every option with its value, description and default.
// Printed from the declaration parseCommandLine parses by.
std::string usageText(const std::string& program);

// Every name parseCommandLine accepts ("--data", "-h", "--help", ...), read
// from that same declaration.
std::vector<std::string> optionNames();

} // namespace mnistx::pipeline
