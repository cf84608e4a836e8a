#pragma once

#include <QImage>
#include <QList>
#include <QSize>
#include <QSizeF>
#include <QString>
#include <QVector>
#include <functional>

class QAction;
class QPainter;
class QRectF;
class QWidget;

namespace mnistx::data
{
struct UserMetadata;
}
namespace mnistx::store
{
struct RunData;
}

namespace mnistx::ui
{

// Draws a view into target (painter coordinates, logical pixels) at target's
// size. Every exportable view offers one: the map's render(), the charts'
// render(), the inspector's.
using RenderFn = std::function<void(QPainter* painter, const QRectF& target)>;
// Optional raster fast path for PNG: the view as an image of logicalSize ×
// scale device pixels (the map's renderImage). When absent, PNG goes
// through RenderFn like the vector formats.
using ImageFn = std::function<QImage(QSize logicalSize, qreal scale)>;

enum class ExportFormat { Png, Svg, Pdf, Unknown };
// From the path's suffix, case-insensitive: .png, .svg, .pdf.
ExportFormat exportFormatFor(const QString& path);

// Default PNG scale: 2 device pixels per logical pixel is crisp on print and
// on high-DPI screens at a still modest file size.
inline constexpr double kDefaultPngScale = 2.0;

// Renders a view into a file, the format chosen by the suffix:
//  .png  logicalSize × pngScale pixels on white (device pixel ratio =
//        pngScale, so text and lines are drawn crisp, not scaled up);
//  .svg  QSvgGenerator, viewBox = logicalSize, 96 dpi (the size the view has
//        on screen);
//  .pdf  QPdfWriter, one page exactly logicalSize at 96 dpi, vector content.
// The file is written atomically (QSaveFile): an existing file is replaced
// only by a complete new one. Returns false with a message naming the path
// and the problem in *error (unwritable folder, unknown suffix, empty size).
// GUI thread (or any thread with a QGuiApplication, for PNG/SVG/PDF of
// QPainter-only views).
bool exportView(const RenderFn& render, QSizeF logicalSize, const QString& path,
                qreal pngScale = kDefaultPngScale, QString* error = nullptr,
                const ImageFn& rasterImage = {});

// A save dialog with PNG/SVG/PDF filters, starting in the last export folder
// (QSettings) with suggestedName ("loss_vs_distance"; a suffix in it
// preselects the filter). Adds the chosen filter's suffix when the user typed
// none. Empty when cancelled.
QString askExportPath(QWidget* parent, const QString& suggestedName);
// Asks for the PNG scale (1×–4×, default 2×); 0 when cancelled.
qreal askPngScale(QWidget* parent, qreal defaultScale = kDefaultPngScale);

// What an export action draws and how it names the file.
struct ExportSource {
    RenderFn render;
    // The suggested file name, asked when the action is triggered: it may
    // follow what the view shows ("heat_maps_validation_45").
    std::function<QString()> suggestedName;
    // The size to export at; default: the widget's current size.
    std::function<QSizeF()> logicalSize = {};
    ImageFn rasterImage = {};
    // The actions' tooltip; default "Save this view as an image file".
    QString toolTip = {};
};
// Adds "Export as PNG…", "Export as SVG…", "Export as PDF…" to widget's
// context menu (Qt::ActionsContextMenu) and returns the actions (parented to
// widget) so a File menu can offer them too. Each goes through
// exportInteractively with widget as the dialogs' parent.
QList<QAction*> addExportActions(QWidget* widget, ExportSource source);
// The same with a fixed suggested name.
QList<QAction*> addExportActions(QWidget* widget, RenderFn render, const QString& suggestedName,
                                 std::function<QSizeF()> logicalSize = {},
                                 ImageFn rasterImage = {});
// The interactive export: asks for a path (and for PNG the scale), writes,
// reports errors in a message box and a success in the window's status bar
// (notifyExported: the path and an "Open Folder" button). Returns the written
// path, empty when cancelled or failed. formatHint preselects a filter.
QString exportInteractively(QWidget* parent, const RenderFn& render, QSizeF logicalSize,
                            const QString& suggestedName,
                            ExportFormat formatHint = ExportFormat::Png,
                            const ImageFn& rasterImage = {});

// The table of the headless samples.csv (store::writeSamplesCsv) with the
// rows of the given samples only (ids as in ExplorerSession: training ids
// first, then validation ids offset by run.train.sampleCount()), in the given
// order, atomically. Ids out of range are skipped. Exceptions become a message.
bool writeSelectionCsv(const store::RunData& run, const QVector<int>& ids, const QString& path,
                       QString* error = nullptr, const data::UserMetadata* metadata = nullptr);
// The full sample table through store::writeSamplesCsv, with its exceptions
// turned into a message. metadata: the user's metadata.csv of the run's
// dataset, for its columns.
bool writeAllSamplesCsv(const store::RunData& run, const QString& path, QString* error = nullptr,
                        const data::UserMetadata* metadata = nullptr);
// A save dialog for CSV (last export folder), suffix added when missing.
QString askCsvPath(QWidget* parent, const QString& suggestedName);

} // namespace mnistx::ui
