#pragma once

#include "core/why/heat_maps.h"

#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThread>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;
class HeatMapComputer;

// Computes why::HeatMaps of session samples off the GUI thread.
//
// Owns a worker thread with its own model::Classifier, made from the session
// run's modelBytes whenever the run changes (Classifier is not thread-safe:
// only the worker thread touches this copy). request(id) sends the sample's
// pixels and label; requests coalesce: while one is being computed, only the
// newest further request waits (older waiting ones are dropped), so clicking
// through samples never builds a queue. Results come back through a queued
// signal tagged with the sample id and are re-emitted here as ready(); a
// result of an earlier run is dropped. ~2 ms of work per sample.
// GUI thread only (the object; its worker is internal).
class HeatMapWorker : public QObject
{
    Q_OBJECT
public:
    explicit HeatMapWorker(ExplorerSession* session, QObject* parent = nullptr);
    // Waits for the sample in progress (a few ms), then stops the thread.
    ~HeatMapWorker() override;

    // Whether the session's run has a model to explain (runs without
    // modelBytes, e.g. synthetic ones, have none) and its images are loaded.
    bool canCompute() const;
    // Why not, in the user's words (empty when canCompute()).
    QString unavailableReason() const;

    // Asks for the maps of a session sample; ready(id, …) or failed(id, …)
    // follows unless a newer request replaces this one first.
    void request(int sampleId);
    // The sample being computed or waiting, -1 when idle.
    int pendingId() const;
    bool isBusy() const { return m_inFlight; }

    // Request → delivery of the last result, and the worker's share of it
    // (computeHeatMaps alone), in milliseconds.
    double lastLatencyMilliseconds() const { return m_lastLatencyMs; }
    double lastComputeMilliseconds() const { return m_lastComputeMs; }

Q_SIGNALS:
    void ready(int sampleId, const mnistx::why::HeatMaps& maps);
    void failed(int sampleId, const QString& message);

private:
    struct Request {
        int sampleId = -1;
        int label = 0;
        data::ImageShape shape;
        std::vector<std::uint8_t> pixels;
        QElapsedTimer requested;
    };

    void onRunChanged();
    void dispatch();
    void onComputed(quint64 generation, int sampleId, const mnistx::why::HeatMaps& maps,
                    double computeMs);
    void onFailed(quint64 generation, int sampleId, const QString& message);

    ExplorerSession* m_session;
    QThread m_thread;
    HeatMapComputer* m_computer = nullptr; // lives on m_thread, deleted when it finishes
    quint64 m_generation = 0;              // of the run the worker's model belongs to
    bool m_hasModel = false;
    bool m_inFlight = false;
    int m_inFlightId = -1;
    QElapsedTimer m_inFlightTimer;
    std::optional<Request> m_waiting;
    double m_lastLatencyMs = 0.0;
    double m_lastComputeMs = 0.0;
};

} // namespace mnistx::ui

Q_DECLARE_METATYPE(mnistx::why::HeatMaps)
