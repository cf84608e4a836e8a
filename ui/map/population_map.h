#pragma once

#include "core/util/matrix.h"
#include "ui/map/map_dot_cache.h"
#include "ui/map/map_filter_state.h"
#include "ui/map/map_frame.h"
#include "ui/map/map_legend.h"
#include "ui/map/map_picker.h"
#include "ui/map/map_renderer.h"
#include "ui/map/map_run_facts.h"
#include "ui/map/map_view.h"
#include "ui/map/map_view_animation.h"

#include <QImage>
#include <QPolygonF>
#include <QRgb>
#include <QTimer>
#include <QVector>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// The population map: every sample of the session's run as a dot at its 2D
// projection (session.mapPositions(), map space), coloured by ground-truth
// class (or prediction, correct/wrong, subset, a custom colouring), sized by
// loss, with a legend that hides and isolates classes.
//
// The widget keeps the events and the wiring; the rest is in plain classes:
// MapFilterState (colourings, filters, what is shown, the draw order:
// misclassified, then higher-loss dots on top), MapPicker (picking and area
// selection through a SpatialGrid over map space), MapDotCache (dots
// rasterised by MapRenderer into an image re-rendered only when data,
// colouring, filters or the view change), MapOverlayPainter (current-sample
// marker, title, rubber band/lasso), MapExportPainter (PNG, SVG, PDF),
// MapFrame and MapFit (where title, plot and legend go; the fitted view),
// MapViewAnimation and MapTooltip.
//
// Interaction: wheel zooms about the cursor; left-drag (or middle-drag) pans;
// Home/R resets the view; hover shows a tooltip with the digit; click makes a
// sample current (session.setCurrent); Shift+drag selects a rectangle,
// Ctrl+drag (or Alt+drag) a lasso (session.setSelection); legend click
// hides/shows an entry, double-click isolates it (again: shows all).
//
// Coordinates: "widget" positions are logical pixels in this widget; map
// space is the projection's. GUI thread only.
class PopulationMap : public QWidget
{
    Q_OBJECT
public:
    using ColorBy = MapFilterState::ColorBy;

    explicit PopulationMap(ExplorerSession* session, QWidget* parent = nullptr);
    ~PopulationMap() override;

    // What the worker derived from the run about to be set on the session
    // (MapRunFacts::of): the next run change adopts it (takes its contents)
    // when it describes that run, instead of computing it on the GUI thread.
    void setPreparedFacts(MapFactsPtr facts);

    // --- Colouring --------------------------------------------------------
    // Switching colouring shows all of the new colouring's legend entries.
    void setColorBy(ColorBy colorBy);
    ColorBy colorBy() const { return m_state.colorBy(); }
    // The classes the class colourings tell apart (MapFilterState::
    // setColoredClasses; empty: all).
    void setColoredClasses(std::vector<int> classes);
    const std::vector<int>& coloredClasses() const { return m_state.coloredClasses(); }
    // "ground-truth class", "prediction", "correct / wrong", "subset", or the
    // custom colouring's name.
    QString colorByName() const { return m_state.colorByName(); }
    static QString colorByName(ColorBy colorBy) { return MapFilterState::colorByName(colorBy); }
    // A colouring from outside (e.g. metadata on a colour scale): one opaque
    // colour per sample (sampleCount() long, ids as in the session), legend
    // entries to show, and optionally each sample's legend entry (-1: none) so
    // legend clicks can hide samples. Switches to ColorBy::Custom. Ignored
    // (returns false) when perSample has the wrong length.
    bool setCustomColoring(const QString& name, std::vector<QRgb> perSample,
                           QVector<MapLegendEntry> legend, std::vector<int> entryOfSample = {});

    // --- Legend entries (classes in the class colourings) -----------------
    QVector<MapLegendEntry> legendEntries() const { return m_legend.entries(); }
    bool isEntryHidden(int entry) const { return m_state.isEntryHidden(entry); }
    void setEntryHidden(int entry, bool hidden);
    // Shows only this entry; when it is already the only one shown, shows all.
    void isolateEntry(int entry);
    void showAllEntries();
    // Where entry's row of the legend is, in widget coordinates (for tests
    // and tours); empty when out of range.
    QRectF legendEntryRect(int entry) const { return m_legend.entryRect(entry); }

    // --- Filters (what is drawn and pickable) -----------------------------
    void setSubsetFilter(SubsetFilter filter);
    SubsetFilter subsetFilter() const { return m_state.subsetFilter(); }
    void setMisclassifiedOnly(bool on);
    bool misclassifiedOnly() const { return m_state.misclassifiedOnly(); }
    // Only samples with this ground truth and prediction; -1 means any
    // (setPairFilter(1, 7): "GT 1 predicted 7").
    void setPairFilter(int groundTruth, int prediction);
    void clearPairFilter() { setPairFilter(-1, -1); }
    int pairFilterGroundTruth() const { return m_state.pairFilterGroundTruth(); }
    int pairFilterPrediction() const { return m_state.pairFilterPrediction(); }
    // Only the samples a query matched (MapFilterState::setQueryFilter):
    // the query's text and one flag per sample; empty text lifts it. False
    // when the flags do not fit the run.
    bool setQueryFilter(const QString& text,
                        std::shared_ptr<const std::vector<std::uint8_t>> matches);
    const QString& queryText() const { return m_state.queryText(); }
    // Any filter or hidden legend entry in force; clearFilters lifts them all.
    bool hasFilters() const { return m_state.hasFilters(); }
    void clearFilters();
    bool isSampleShown(int id) const { return m_state.isSampleShown(id); }
    int shownCount() const { return m_state.shownCount(); }
    // The colouring and filters themselves (what is shown, in which colour).
    const MapFilterState& filterState() const { return m_state; }

    // Samples to ring on top of the map (a gallery, neighbours); empty: none.
    // The session's selection is ringed too (thinner rings).
    void setHighlighted(QVector<int> ids);
    const QVector<int>& highlighted() const { return m_highlighted; }

    // --- View --------------------------------------------------------------
    // Fit all samples into the widget; the view then follows resizes and
    // live layouts. Zooming or panning leaves "fit".
    void resetView();
    bool isFitted() const { return m_fitted; }
    // Zooms in on a sample (keeping a deeper zoom), centres it and makes it
    // the session's current sample (find by index). Animated.
    void centerOn(int id);
    // Brings samples a view chose into sight: first the filters and hidden
    // legend entries that hide any of them are cleared (filtersChanged),
    // then the view animates to frame them (frameSamples). Returns what was
    // cleared, in the user's words ("misclassified only"), empty if nothing.
    // Does nothing for the map's own rectangle and lasso selections.
    QStringList revealSamples(const QVector<int>& ids);
    // Animates the view so that every given sample's dot lies in the plot,
    // clear of its edges: nothing
    // moves when they already do (the user's zoom stays); a pan when they
    // fit at the current zoom; else a zoom out just far enough. Ids out of
    // range or without a finite position are ignored.
    void frameSamples(const QVector<int>& ids);
    // True when the sample's dot lies in the part of the plot that frameSamples
    // keeps them in.
    bool isInView(int id) const;
    // The plot (widget px; the legend is beside it or above it), and the
    // part of it, clear of its edges, where framed samples are put.
    QRectF visibleArea() const;
    QRectF framingArea() const;
    // A view animation (framing, centring) is running.
    bool isAnimating() const;
    // Zooms by factor (>1: in) keeping the map point under anchor fixed.
    void zoomBy(double factor, const QPointF& anchor);
    const MapView& view() const { return m_view; }
    QPointF mapToScreen(int id) const;
    QPointF mapToScreen(const QPointF& mapPoint) const { return m_view.toScreen(mapPoint); }
    QPointF screenToMap(const QPointF& widgetPos) const { return m_view.toMap(widgetPos); }

    // --- Picking and selection --------------------------------------------
    // The dot the user sees at widgetPos: of the dots whose drawn disc
    // contains it, the one painted last (on top: the current sample's marker,
    // then errors above correct dots, larger losses above smaller); only when
    // no disc contains it, the dot whose edge is nearest within
    // mapstyle::kPickSlack; else -1. Honours filters and hidden entries (the
    // current sample counts while its marker is drawn). Hover, click and
    // tests use this one rule.
    int pickAt(const QPointF& widgetPos) const;
    int hoveredId() const { return m_hovered; }
    // Shown samples whose dot centre lies in the rectangle / polygon (widget
    // coordinates, QPolygonF::containsPoint odd-even rule), ascending ids.
    QVector<int> samplesInRect(const QRectF& widgetRect) const;
    QVector<int> samplesInPolygon(const QPolygonF& widgetPolygon) const;
    // The hover tooltip (rich text, the digit as an embedded PNG).
    QString tooltipHtml(int id) const;

    // --- Export ------------------------------------------------------------
    // The map as the widget shows it (same view, refitted when at "fit" or
    // scaled to the new size), with title and legends, on white. size is in
    // logical pixels, scale is device pixels per logical pixel (2: crisp).
    QImage renderImage(QSize size, qreal scale = 2.0) const;
    // The same for vector output (QSvgGenerator, QPdfWriter), fitted into
    // target (painter coordinates): title, legend, marker, rings and the
    // misclassified dots (up to 6,000, the most confidently wrong) as
    // QPainter primitives over one embedded image of the other dots, so a
    // 70,000-dot map stays a file of a few MB that opens at once.
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;

    // A sample's dot size step as drawn (0: smallest, kSizeBuckets − 1:
    // largest): by its loss, or by its distance to its own class centroid
    // relative to its class in a run without model scores; 0 for an id out
    // of range.
    int sizeBucket(int id) const
    {
        return id >= 0 && id < static_cast<int>(m_sizeBuckets.size())
                   ? m_sizeBuckets[static_cast<std::size_t>(id)]
                   : 0;
    }

    // Forces the next paint to re-render every dot (benchmarks measure the
    // real re-render cost with it).
    void invalidateCache();
    // Milliseconds the last full re-render took.
    double lastRenderMilliseconds() const { return m_dotCache.lastRenderMilliseconds(); }
    // Large maps render on a thread of their own (MapDotCache); off, every
    // render happens in the paint event (benchmarks of the render itself).
    void setBackgroundRendering(bool on) { m_dotCache.setBackgroundRendering(on); }
    // Whether a background render is running or waiting.
    bool isRendering() const { return m_dotCache.rendering(); }

    QSize sizeHint() const override { return {800, 600}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

Q_SIGNALS:
    void coloringChanged();
    void filtersChanged(); // filters or hidden legend entries: the shown set changed
    void viewChanged();
    void hoveredChanged(int id); // -1: nothing under the mouse

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    using Frame = MapFrame;
    enum class DragMode { None, PendingClick, Pan, RubberBand, Lasso };

    void onRunChanged();
    void onLayoutChanged();
    void applyLayoutSnapshot();
    // After the state's colouring changed: the legend, the dots and its
    // layout follow.
    void applyColoring();
    // After the state's shown set changed: the legend's counts and hidden
    // entries, and the dots to draw, follow.
    void updateShown();
    // After a filter change: updates what is shown, tells the world, and
    // frames the shown samples when none of them is in sight any more.
    void filtersUpdated();
    void packRings();
    void packDots(const std::vector<int>& order, MapDots& out) const;
    void relayout();

    MapView fittedView(const QRectF& plotRect) const;
    MapView viewFor(const Frame& frame) const;
    double fitScale() const;
    void setView(const MapView& view, bool fitted);
    // Moves the view to target over a short animation (at once when hidden);
    // fitted: the view follows resizes and layouts afterwards.
    void animateTo(const MapView& target, bool fitted);
    void stopAnimation();
    QString titleText() const;
    QString subtitleText() const;

    void paintOverlay(QPainter& painter, const Frame& frame, const MapView& view,
                      const MapLegend& legend, const QFont& font, bool interactive) const;
    QFont mapFont() const;
    void setHovered(int id, const QPoint& globalPos);

    ExplorerSession* m_session;

    // Per-run data (rebuilt on runChanged).
    std::shared_ptr<const RowMatrixXf> m_positions; // the layout snapshot being drawn
    QRectF m_bounds;                         // what a reset view fits, map space (outliers aside)
    std::vector<std::uint8_t> m_sizeBuckets; // per sample: sizeBucket()
    MapFactsPtr m_preparedFacts;             // setPreparedFacts, until the next run change

    // Colouring, filters and what they leave (draw order included).
    MapFilterState m_state;
    QVector<int> m_highlighted;
    // What the renderer draws, packed in draw order (see MapDot).
    MapDots m_shownDots;
    MapDots m_selectionDots; // shown part of the session's selection
    MapDots m_highlightDots; // shown part of m_highlighted

    // View and cache.
    MapView m_view;
    bool m_fitted = true;
    MapViewAnimation m_viewAnimation;
    Frame m_frame;
    MapLegend m_legend;
    MapDotCache m_dotCache;
    QTimer m_layoutTimer; // coalesces live layout updates
    QTimer m_renderTimer; // deferred re-render after a fast preview (slow maps)
    MapPicker m_picker;

    // Mouse.
    DragMode m_dragMode = DragMode::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
    QPolygonF m_lasso;
    int m_hovered = -1;
    bool m_selectingItself = false; // the map is setting the session's selection (rectangle, lasso)
};

} // namespace mnistx::ui
