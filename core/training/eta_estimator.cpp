#include "core/training/eta_estimator.h"

#include <algorithm>

namespace mnistx::training
{

void EtaEstimator::reset()
{
    *this = EtaEstimator();
}

void EtaEstimator::add(const BatchReport& report, int totalEpochs)
{
    const int perEpoch = std::max(report.batchesPerEpoch, 1);
    const long long done = static_cast<long long>(report.epoch) * perEpoch + report.batch + 1;
    if (!m_started || done <= m_done || report.elapsedSeconds < m_elapsed) {
        reset();
        m_started = true;
        m_firstDone = done;
        m_done = done;
        m_elapsed = report.elapsedSeconds;
        m_epoch = report.epoch;
        return;
    }
    const long long batches = done - m_done;
    const double seconds = report.elapsedSeconds - m_elapsed;
    const bool newEpoch = report.epoch != m_epoch;
    m_done = done;
    m_elapsed = report.elapsedSeconds;
    m_epoch = report.epoch;

    if (newEpoch) {
        // The interval holds the validation pass of the epoch that ended:
        // what its batches do not account for at the mean is that pass.
        if (m_timed >= kMinTimedBatches) {
            const double pass = std::max(0.0, seconds - batches * m_secondsPerBatch);
            ++m_validationsTimed;
            m_validationSeconds += (pass - m_validationSeconds) / m_validationsTimed;
        }
    } else if (done > m_firstDone + kWarmupBatches) {
        const double perBatch = seconds / static_cast<double>(batches);
        for (long long i = 0; i < batches; ++i) {
            if (m_timed < kMinTimedBatches) {
                // Until there is a mean to compare against, collect: the mean
                // starts at the median, which one stalled batch cannot move.
                m_firstDurations.push_back(perBatch);
                if (++m_timed == kMinTimedBatches) {
                    auto middle = m_firstDurations.begin() + kMinTimedBatches / 2;
                    std::nth_element(m_firstDurations.begin(), middle, m_firstDurations.end());
                    m_secondsPerBatch = *middle;
                }
                continue;
            }
            const double clipped = std::clamp(perBatch, m_secondsPerBatch / kOutlierFactor,
                                              m_secondsPerBatch * kOutlierFactor);
            ++m_timed;
            const long long weight = std::min<long long>(m_timed, kWindowBatches);
            m_secondsPerBatch += (clipped - m_secondsPerBatch) / static_cast<double>(weight);
        }
    }
    update(report, totalEpochs);
}

void EtaEstimator::update(const BatchReport& report, int totalEpochs)
{
    if (m_timed < kMinTimedBatches) {
        m_secondsLeft = -1.0;
        return;
    }
    const int perEpoch = std::max(report.batchesPerEpoch, 1);
    const int epochs = std::max(totalEpochs, report.epoch + 1);
    const long long batchesLeft = static_cast<long long>(epochs) * perEpoch - m_done;
    // Every epoch from the current one on still ends with a validation pass.
    const int passesLeft = epochs - report.epoch;
    const double pass = m_validationsTimed > 0
                            ? m_validationSeconds
                            : kValidationShareOfEpoch * perEpoch * m_secondsPerBatch;
    m_secondsLeft = std::max<long long>(batchesLeft, 0) * m_secondsPerBatch + passesLeft * pass;
}

} // namespace mnistx::training
