#pragma once

#include "core/pipeline/pipeline.h"

#include <string>
#include <vector>

namespace mnistx::pipeline {

// What the user asked for on the command line.
struct CommandLine {
    enum class Mode { Gui, Headless, Help, Version };
    Mode mode = Mode::Gui;
    PipelineConfig pipeline; // data folder, out dir, training settings, projection
    std::string runDir;      // --run: open this stored run in the GUI
    bool dataGiven = false;
};

// Parses argv (without the program name). Throws std::invalid_argument with a
// one-line message naming the offending option ("--epochs: 'abc' is not a
// whole number"). Defaults: data folder "data/mnist", out dir "runs/default".
CommandLine parseCommandLine(const std::vector<std::string>& args);

std::string usageText(const std::string& program);

} // namespace mnistx::pipeline
