#pragma once

class QComboBox;

namespace mnistx::ui
{

class ExplorerSession;

// Fills a class filter box with "any" (data −1) and the session's classes by
// name (data: the class index), keeping the chosen class when the new run
// has it, else "any". Emits no change signals. GUI thread.
void fillClassBox(QComboBox* box, const ExplorerSession& session);

} // namespace mnistx::ui
