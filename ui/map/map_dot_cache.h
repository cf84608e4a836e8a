#pragma once

#include "ui/map/map_renderer.h"
#include "ui/map/map_view.h"

#include <QImage>
#include <QPointer>
#include <QSize>
#include <functional>
#include <memory>
#include <thread>

class QObject;
class QPainter;

namespace mnistx::ui
{

// The population map's dots rendered once into an image the widget blits,
// re-rendered only when data, colouring, filters or the view change. While
// a full render is fast it follows every view change; slower maps show the
// last render moved and scaled to the view during a gesture, and the
// widget re-renders once the gesture rests.
//
// Large maps (kBackgroundFromDots dots and rings or more: a render of a
// million dots takes 60–200 ms) render on a thread of their own instead of
// in the paint event, so the window never waits for them: the paint shows
// the last render (moved and scaled to the view) and `rendered` is called on
// the GUI thread when the new one is ready (the widget then repaints). One
// render runs at a time; a request while it runs waits, and only the latest
// waiting one is rendered. GUI thread only (the render thread touches copies
// of the dots and its own image).
class MapDotCache
{
public:
    // context: the widget (queued calls of `rendered` go through its event
    // queue); rendered: called when a background render has landed.
    MapDotCache(QObject* context = nullptr, std::function<void()> rendered = {});
    // Waits for a running render (≤ its duration: a few hundred ms).
    ~MapDotCache();
    MapDotCache(const MapDotCache&) = delete;
    MapDotCache& operator=(const MapDotCache&) = delete;

    // The dots changed: the next paint renders them again.
    void invalidate() { m_dirty = true; }
    // Milliseconds the last full render took.
    double lastRenderMilliseconds() const { return m_lastRenderMs; }
    // Off: every render happens in paint() (benchmarks of the render itself).
    void setBackgroundRendering(bool on) { m_background = on; }
    // Whether a render is running or waiting on the render thread.
    bool rendering() const { return static_cast<bool>(m_job) || static_cast<bool>(m_waiting); }

    // Paints the layers (see MapExportPainter::drawLayers) as view shows
    // them over a white widget of size logical px at dpr device px per
    // logical px. Returns true when it painted a preview of the last render
    // (the caller then invalidates and repaints once the gesture rests).
    bool paint(QPainter& painter, const QSize& size, qreal dpr, const MapView& view,
               const MapDots& dots, const MapDots& selection, const MapDots& highlight);

    static constexpr std::size_t kBackgroundFromDots = 150000;

private:
    struct Job;
    // The layers into image (reallocated only for another size) over white;
    // returns the milliseconds it took. Any thread, with its own renderer
    // and image.
    static double draw(MapRenderer& renderer, QImage& image, const QSize& deviceSize, qreal dpr,
                       const MapView& view, const MapDots& dots, const MapDots& selection,
                       const MapDots& highlight);
    void render(const QSize& deviceSize, qreal dpr, const MapView& view, const MapDots& dots,
                const MapDots& selection, const MapDots& highlight);
    void startJob(std::unique_ptr<Job> job);
    void jobFinished();
    // The last render moved and scaled to view (white where it has nothing).
    void paintMoved(QPainter& p, const QSize& size, const MapView& view) const;

    QImage m_image;
    MapView m_view; // the view m_image was rendered for
    bool m_dirty = true;
    double m_lastRenderMs = 0.0;
    MapRenderer m_renderer; // the paint's, or the running job's while one runs
    bool m_background = true;
    QPointer<QObject> m_context;
    std::function<void()> m_rendered;
    std::unique_ptr<Job> m_job;     // running on m_thread
    std::unique_ptr<Job> m_waiting; // the latest request while m_job runs
    std::unique_ptr<Job> m_spare;   // the last job done, kept for its allocations
    std::thread m_thread;
};

} // namespace mnistx::ui
