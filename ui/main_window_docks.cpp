#include "ui/common/dock_panel.h"
#include "ui/explorer_session.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/tables/misclassified_view.h"
#include "ui/why/why_panels.h"

#include <QComboBox>
#include <QDockWidget>
#include <QScreen>
#include <QSettings>
#include <QTabBar>
#include <QTimer>
#include <QToolBar>

namespace mnistx::ui
{

namespace
{

constexpr int kCompactHysteresis = 60; // px around kCompactBelowWidth: no flipping back and forth
// The map is the centre of the tool: docks never take more of the window
// than leaves it these shares of the width and of the height under the bars.
constexpr double kMapWidthShare = 0.4;
constexpr double kMapHeightShare = 0.5;
// The inspector's natural width (its bar charts and 224 px digit), and the
// narrowest a side dock is squeezed to when the window shrinks.
constexpr int kInspectorWidth = 380;
constexpr int kMinSideDockWidth = 220;
constexpr int kMinBottomDockHeight = 180;
// The charts below the map: tall enough for axes and a legend, short enough
// that the map stays the largest view (1000 px: 300 px of charts).
constexpr double kBottomDockShare = 0.3;

} // namespace

QDockWidget* MainWindow::addDock(QWidget* widget, const QString& title, const QString& objectName,
                                 Qt::DockWidgetArea area)
{
    QDockWidget* dock = makeDockPanel(this, widget, title, objectName);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::arrangeDocks(bool compact)
{
    m_arranging = true;
    m_compactLayout = compact;
    const QList<QDockWidget*> perSample{m_inspectorDock, m_why->heatMapDock(),
                                        m_why->similarDock()};
    const QList<QDockWidget*> lists{m_misclassifiedDock,   m_galleryDock, m_why->candidatesDock(),
                                    m_why->insightsDock(), m_runsDock,    m_savedDock};
    const QList<QDockWidget*> charts{m_lossDock, m_dashboardDock, m_why->confusionDock(),
                                     m_confusionChangeDock, m_why->metadataDock()};
    // The tab each group shows, and which docks the user closed, survive.
    QList<QDockWidget*> raised, closed;
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        // A tab behind another keeps its view action checked: only closed
        // docks have it unchecked (before the window is shown, all do).
        if (isVisible() && !d->toggleViewAction()->isChecked())
            closed << d;
        else if (!d->visibleRegion().isEmpty())
            raised << d;
    }
    auto group = [this](Qt::DockWidgetArea area, const QList<QDockWidget*>& docks) {
        addDockWidget(area, docks.front());
        for (int i = 1; i < docks.size(); ++i)
            tabifyDockWidget(docks[i - 1], docks[i]);
    };
    group(Qt::RightDockWidgetArea, perSample);
    // Narrow windows: the lists join the charts at the bottom, so the map
    // keeps the middle of the window instead of a strip between two columns.
    if (compact) {
        group(Qt::BottomDockWidgetArea, lists + charts);
    } else {
        group(Qt::LeftDockWidgetArea, lists);
        group(Qt::BottomDockWidgetArea, charts);
    }
    for (QDockWidget* d : closed)
        d->hide();
    // Defaults for a first layout; else the tabs that were shown (the lists
    // before the charts when they now share a group).
    if (raised.isEmpty())
        raised = {m_inspectorDock, m_lossDock, m_misclassifiedDock};
    std::stable_sort(raised.begin(), raised.end(), [&](QDockWidget* a, QDockWidget* b) {
        return charts.contains(a) && !charts.contains(b);
    });
    for (QDockWidget* d : raised)
        d->raise();
    m_layoutIsDefault = true;
    m_arranging = false;
    // QMainWindow may leave the tab bar of a group it dissolved visible but
    // empty, over the new group's tabs (seen going from 1600 to 1024 px): it
    // took their clicks. Hidden once the layout has settled; the layout
    // shows a tab bar again when it gives it tabs.
    QTimer::singleShot(0, this, &MainWindow::hideEmptyDockTabBars);
}

void MainWindow::hideEmptyDockTabBars()
{
    for (QTabBar* bar : findChildren<QTabBar*>(Qt::FindDirectChildrenOnly))
        if (bar->count() == 0 && bar->isVisible())
            bar->hide();
}

void MainWindow::applyDefaultDockSizes()
{
    const int sides = static_cast<int>(width() * (1.0 - kMapWidthShare));
    // Without a column of lists on the left the inspector may take all the
    // docks' share of the width.
    const int inspector = std::min(kInspectorWidth, m_compactLayout ? sides : sides / 2);
    if (m_compactLayout) {
        resizeDocks({m_inspectorDock}, {inspector}, Qt::Horizontal);
    } else {
        // The table no wider than its columns (known once a run is shown).
        const int columns = m_session->hasRun() ? m_misclassified->columnsWidth() : 340;
        resizeDocks({m_inspectorDock, m_misclassifiedDock},
                    {inspector, std::min(columns, sides - inspector)}, Qt::Horizontal);
    }
    resizeDocks({m_lossDock},
                {std::max(kMinBottomDockHeight, static_cast<int>(height() * kBottomDockShare))},
                Qt::Vertical);
}

void MainWindow::keepMapLargest()
{
    // Docks in the side and bottom areas, one per tab group (the shown tab).
    auto shownDocks = [this](std::initializer_list<Qt::DockWidgetArea> areas) {
        QList<QDockWidget*> docks;
        for (QDockWidget* d : findChildren<QDockWidget*>())
            if (d->isVisible() && !d->visibleRegion().isEmpty() && !d->isFloating() &&
                std::find(areas.begin(), areas.end(), dockWidgetArea(d)) != areas.end())
                docks << d;
        return docks;
    };
    auto shrink = [this](const QList<QDockWidget*>& docks, int deficit, Qt::Orientation o,
                         int minimum) {
        QList<int> sizes;
        int total = 0;
        for (QDockWidget* d : docks) {
            sizes << (o == Qt::Horizontal ? d->width() : d->height());
            total += sizes.back();
        }
        if (total <= 0)
            return;
        for (int& size : sizes)
            size = std::max(minimum, size - deficit * size / total);
        resizeDocks(docks, sizes, o);
    };
    // The default layout follows the window across the compact threshold
    // (with a margin, so that a width near it does not flip back and forth).
    if (m_layoutIsDefault) {
        const bool compact = m_compactLayout ? width() < kCompactBelowWidth + kCompactHysteresis
                                             : width() < kCompactBelowWidth;
        if (compact != m_compactLayout) {
            arrangeDocks(compact);
            applyDefaultDockSizes();
            return;
        }
    }
    const int mapWidth = m_map->width(), wanted = static_cast<int>(width() * kMapWidthShare);
    if (mapWidth < wanted)
        shrink(shownDocks({Qt::LeftDockWidgetArea, Qt::RightDockWidgetArea}), wanted - mapWidth,
               Qt::Horizontal, kMinSideDockWidth);
    const QList<QDockWidget*> bottom = shownDocks({Qt::BottomDockWidgetArea});
    if (!bottom.isEmpty()) {
        const int below = m_map->height() + bottom.front()->height();
        const int wantedHeight = static_cast<int>(below * kMapHeightShare);
        if (m_map->height() < wantedHeight)
            shrink({bottom.front()}, wantedHeight - m_map->height(), Qt::Vertical,
                   kMinBottomDockHeight);
    }
}

void MainWindow::updateToolBarRows()
{
    // The map's controls on a row of their own when both bars do not fit in
    // one: otherwise the GT, prediction and find boxes vanish into the
    // overflow menu.
    const int needed = m_mainToolBar->sizeHint().width() + m_mapToolBar->sizeHint().width();
    const bool twoRows = needed > width();
    if (twoRows != toolBarBreak(m_mapToolBar)) {
        if (twoRows)
            insertToolBarBreak(m_mapToolBar);
        else
            removeToolBarBreak(m_mapToolBar);
    }
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    updateToolBarRows();
    // After the layout has placed the docks at the new size.
    m_balanceTimer.start();
}

bool MainWindow::event(QEvent* event)
{
    // The dock tab bars QMainWindow creates as docks are tabified: whole
    // titles with scroll arrows, never "Sel…".
    if (event->type() == QEvent::ChildPolished) {
        if (auto* bar = qobject_cast<QTabBar*>(static_cast<QChildEvent*>(event)->child())) {
            bar->setElideMode(Qt::ElideNone);
            bar->setUsesScrollButtons(true);
        }
    }
    return QMainWindow::event(event);
}

void MainWindow::readSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    // A geometry saved on a larger screen (or an over-wide one saved before
    // this was fixed) is clamped to this screen.
    if (const QScreen* screen = this->screen()) {
        const QRect available = screen->availableGeometry();
        const QSize size = this->size().boundedTo(available.size());
        if (size != this->size())
            resize(size);
        QRect frame = frameGeometry();
        if (!available.contains(frame)) {
            frame.moveLeft(
                std::clamp(frame.left(), available.left(), available.right() - frame.width() + 1));
            frame.moveTop(
                std::clamp(frame.top(), available.top(), available.bottom() - frame.height() + 1));
            move(frame.topLeft());
        }
    }
    m_layoutFromSettings = restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (m_layoutFromSettings) {
        m_compactLayout = s.value(QStringLiteral("window/compactLayout"), false).toBool();
        m_layoutIsDefault = s.value(QStringLiteral("window/defaultLayout"), false).toBool();
    }
    m_colorBox->setCurrentIndex(
        std::clamp(s.value(QStringLiteral("map/colorBy"), 0).toInt(), 0, 3));
}

void MainWindow::writeSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/compactLayout"), m_compactLayout);
    s.setValue(QStringLiteral("window/defaultLayout"), m_layoutIsDefault);
    // A class colouring is remembered; a metadata field or a comparison
    // belongs to its run: the next start colours by ground truth.
    const int colouring = m_colorBox->currentData().toInt();
    s.setValue(QStringLiteral("map/colorBy"),
               colouring >= 0 && colouring < kMetadataColoring ? m_colorBox->currentIndex() : 0);
}

} // namespace mnistx::ui
