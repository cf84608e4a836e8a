#pragma once

#include "core/training/train_types.h"

#include <vector>

namespace mnistx::training
{

// Time left in a training run, estimated from the batch reports' timings so
// that the figure a user reads counts down steadily instead of jumping.
//
// What made the raw estimate (samples left / samples per second so far) jump:
// the first batches pay for allocations and thread start-up, a batch now and
// then waits for another process on a shared machine, and each epoch ends with
// a validation pass that no batch report accounts for. So: the first
// kWarmupBatches are not timed; the time per batch starts as the median of the
// next kMinTimedBatches and goes on as a running mean over the last
// ~kWindowBatches batches in which one slow batch counts as at most
// kOutlierFactor times the mean; the gap at an epoch boundary is timed apart
// as the validation pass (guessed until the first one ends) and added once
// per epoch still to end.
//
// Units: seconds of wall time (BatchReport::elapsedSeconds). Not thread-safe;
// feed it from one thread, in report order.
class EtaEstimator
{
public:
    // Batches at the start of a run whose time is not representative.
    static constexpr int kWarmupBatches = 3;
    // Timed batches before an estimate is given; their median starts the
    // mean. Also bounds what one slow batch does afterwards (see below).
    static constexpr int kMinTimedBatches = 20;
    // Length of the running mean, in batches: averages per-batch noise
    // (±30 % on a busy machine) down to a few per cent and follows a lasting
    // slowdown within ~15 s even at 470 samples/s (3.7 batches/s).
    static constexpr int kWindowBatches = 50;
    // A batch counts as at most this many times the mean (and at least its
    // inverse): one stalled batch moves the estimate by at most
    // (kOutlierFactor − 1) / kMinTimedBatches = 5 %, while a lasting
    // slowdown still gets through within a window or two.
    static constexpr double kOutlierFactor = 2.0;
    // A validation pass as a share of an epoch's batches until one is timed:
    // MNIST's 10,000 validation samples only go forward, at about a third of
    // the cost of training on one of the 60,000 (≈ 0.055). Counting it from
    // the start keeps the first epoch's end from raising the ETA.
    static constexpr double kValidationShareOfEpoch = 0.055;

    // Forgets everything: the next report starts a new run.
    void reset();
    // One batch report of the run, in order; totalEpochs is the run's epoch
    // count (the last epoch is totalEpochs − 1). A report that goes back in
    // time or in batches starts a new run.
    void add(const BatchReport& report, int totalEpochs);
    // Seconds until the last epoch ends, its validation pass included (after
    // the last batch only that pass is left); negative while too few batches
    // have been timed.
    double secondsLeft() const { return m_secondsLeft; }

private:
    void update(const BatchReport& report, int totalEpochs);

    bool m_started = false;
    long long m_firstDone = 0; // batches done at the run's first report
    long long m_done = 0;      // batches done at the last report (whole run, 1-based)
    double m_elapsed = 0.0;    // its elapsedSeconds
    int m_epoch = 0;
    long long m_timed = 0; // batches timed so far
    // The first kMinTimedBatches durations: their median starts the mean.
    std::vector<double> m_firstDurations;
    double m_secondsPerBatch = 0.0;
    int m_validationsTimed = 0;
    double m_validationSeconds = 0.0; // mean gap at an epoch boundary minus one batch
    double m_secondsLeft = -1.0;
};

} // namespace mnistx::training
