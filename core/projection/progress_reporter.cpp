#include "core/projection/progress_reporter.h"

#include <algorithm>
#include <utility>

namespace mnistx::projection::detail
{

ProgressReporter::ProgressReporter(const ProgressCallback& callback) : m_callback(callback)
{
    m_quiet.restart();
}

void ProgressReporter::setShare(double from, double to)
{
    m_from = from;
    m_to = to;
}

void ProgressReporter::setStage(std::string stage, int totalIterations)
{
    m_stage = std::move(stage);
    m_total = totalIterations;
    m_iteration = 0;
}

bool ProgressReporter::call(const RowMatrixXf* layout)
{
    if (!m_callback)
        return true;
    m_quiet.restart();
    ProjectionProgress p;
    p.stage = m_stage;
    p.iteration = m_iteration;
    p.totalIterations = m_total;
    p.layout = layout;
    p.fraction =
        m_from +
        (m_to - m_from) * (m_total > 0 ? std::clamp(double(m_iteration) / m_total, 0.0, 1.0) : 0.0);
    return m_callback(p);
}

void ProgressReporter::report(const RowMatrixXf* layout)
{
    if (!call(layout))
        throw Cancelled();
}

bool ProgressReporter::heartbeat()
{
    if (!m_callback || !m_quiet.due())
        return true;
    return call(nullptr);
}

void ProgressReporter::beat()
{
    if (!heartbeat())
        throw Cancelled();
}

std::function<bool()> ProgressReporter::poll()
{
    if (!m_callback)
        return {};
    return [this] { return heartbeat(); };
}

} // namespace mnistx::projection::detail
