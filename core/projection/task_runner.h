#pragma once

#include <functional>

namespace mnistx::projection
{

// Runs body(task) once for every task in [0, tasks), possibly concurrently and
// in any order, and returns when all are done (or throws what a task threw).
// Every algorithm here splits its work into tasks that do not depend on the
// thread count and combines their results in task order, so any runner gives
// bit-identical results.
using TaskRunner = std::function<void(int tasks, const std::function<void(int)>& body)>;

// The serial runner: tasks one after another on the calling thread.
void runTasksSerially(int tasks, const std::function<void(int)>& body);

} // namespace mnistx::projection
