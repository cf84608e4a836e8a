#include "ui/export/exporter.h"

#include "core/store/exports.h"
#include "core/store/run_data.h"
#include "ui/common/render_to_image.h"
#include "ui/export/export_notice.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QInputDialog>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QWidget>
#include <cmath>
#include <exception>

namespace mnistx::ui
{

namespace
{

// Screen resolution the views are laid out for: SVG and PDF use it so text
// (sized in points) keeps its on-screen proportion to the drawing.
constexpr int kLogicalDpi = 96;
// Largest PNG side: beyond this QImage allocations fail or take seconds
// (16k × 16k × 4 bytes = 1 GiB).
constexpr int kMaxPngSide = 16384;

const char* kLastFolderKey = "export/lastFolder";

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

QString nativePath(const QString& path)
{
    return QDir::toNativeSeparators(path);
}

// Opens a QSaveFile, with a message saying why not (missing folder first:
// QSaveFile's own message for it is only "No such file or directory").
bool openForWriting(QSaveFile& file, QString* error)
{
    const QFileInfo info(file.fileName());
    if (!info.absoluteDir().exists()) {
        setError(error, QObject::tr("Cannot write %1: the folder %2 does not exist.")
                            .arg(nativePath(file.fileName()), nativePath(info.absolutePath())));
        return false;
    }
    if (info.isDir()) {
        setError(error,
                 QObject::tr("Cannot write %1: it is a folder.").arg(nativePath(file.fileName())));
        return false;
    }
    if (!file.open(QIODevice::WriteOnly)) {
        setError(error, QObject::tr("Cannot write %1: %2.")
                            .arg(nativePath(file.fileName()), file.errorString()));
        return false;
    }
    return true;
}

bool commit(QSaveFile& file, QString* error)
{
    if (!file.commit()) {
        setError(error, QObject::tr("Cannot write %1: %2.")
                            .arg(nativePath(file.fileName()), file.errorString()));
        return false;
    }
    return true;
}

bool writePng(const QImage& image, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    QImageWriter writer(&file, "png");
    if (!writer.write(image)) {
        file.cancelWriting();
        setError(error,
                 QObject::tr("Cannot write %1: %2.").arg(nativePath(path), writer.errorString()));
        return false;
    }
    return commit(file, error);
}

QString settingsFolder()
{
    QSettings settings;
    QString folder = settings.value(QLatin1String(kLastFolderKey)).toString();
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (folder.isEmpty())
        folder = QDir::homePath();
    return folder;
}

void rememberFolder(const QString& path)
{
    QSettings settings;
    settings.setValue(QLatin1String(kLastFolderKey), QFileInfo(path).absolutePath());
}

const QString& pngFilter()
{
    static const QString f = QObject::tr("PNG image (*.png)");
    return f;
}
const QString& svgFilter()
{
    static const QString f = QObject::tr("SVG vector image (*.svg)");
    return f;
}
const QString& pdfFilter()
{
    static const QString f = QObject::tr("PDF document (*.pdf)");
    return f;
}

QString askPath(QWidget* parent, const QString& suggestedName, ExportFormat hint)
{
    const QString filters =
        QStringList{pngFilter(), svgFilter(), pdfFilter()}.join(QLatin1String(";;"));
    ExportFormat suggested = exportFormatFor(suggestedName);
    if (suggested == ExportFormat::Unknown)
        suggested = hint;
    QString selected = suggested == ExportFormat::Svg   ? svgFilter()
                       : suggested == ExportFormat::Pdf ? pdfFilter()
                                                        : pngFilter();
    QString name = suggestedName;
    if (exportFormatFor(name) == ExportFormat::Unknown)
        name += suggested == ExportFormat::Svg   ? QLatin1String(".svg")
                : suggested == ExportFormat::Pdf ? QLatin1String(".pdf")
                                                 : QLatin1String(".png");
    QString path = QFileDialog::getSaveFileName(
        parent, QObject::tr("Export"), QDir(settingsFolder()).filePath(name), filters, &selected);
    if (path.isEmpty())
        return {};
    if (QFileInfo(path).suffix().isEmpty())
        path += selected == svgFilter()   ? QLatin1String(".svg")
                : selected == pdfFilter() ? QLatin1String(".pdf")
                                          : QLatin1String(".png");
    rememberFolder(path);
    return path;
}

} // namespace

ExportFormat exportFormatFor(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return ExportFormat::Png;
    if (suffix == QLatin1String("svg"))
        return ExportFormat::Svg;
    if (suffix == QLatin1String("pdf"))
        return ExportFormat::Pdf;
    return ExportFormat::Unknown;
}

bool exportView(const RenderFn& render, QSizeF logicalSize, const QString& path, qreal pngScale,
                QString* error, const ImageFn& rasterImage)
{
    const ExportFormat format = exportFormatFor(path);
    if (format == ExportFormat::Unknown) {
        setError(error,
                 QObject::tr("Cannot export to %1: unknown format \"%2\" (use .png, .svg or .pdf).")
                     .arg(nativePath(path), QFileInfo(path).suffix()));
        return false;
    }
    if (!render || logicalSize.width() < 1 || logicalSize.height() < 1) {
        setError(error, QObject::tr("Cannot export to %1: nothing to draw (empty view).")
                            .arg(nativePath(path)));
        return false;
    }
    const QRectF target(QPointF(0, 0), logicalSize);

    if (format == ExportFormat::Png) {
        if (!(pngScale > 0))
            pngScale = kDefaultPngScale;
        const QSize pixels(qRound(logicalSize.width() * pngScale),
                           qRound(logicalSize.height() * pngScale));
        if (pixels.width() > kMaxPngSide || pixels.height() > kMaxPngSide) {
            setError(
                error,
                QObject::tr("Cannot export %1: %2 × %3 pixels is too large (at most %4 per side).")
                    .arg(nativePath(path))
                    .arg(pixels.width())
                    .arg(pixels.height())
                    .arg(kMaxPngSide));
            return false;
        }
        QImage image;
        if (rasterImage) {
            image = rasterImage(logicalSize.toSize(), pngScale);
        } else {
            // Drawn at the device pixel ratio (not a 1× image scaled up), which
            // keeps text and hairlines sharp.
            image = renderToImage(
                [&render](QPainter* painter, const QRectF& area) {
                    painter->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                                            QPainter::SmoothPixmapTransform);
                    render(painter, area);
                },
                logicalSize.toSize(), pngScale);
        }
        if (image.isNull()) {
            setError(error, QObject::tr("Cannot export %1: out of memory for a %2 × %3 image.")
                                .arg(nativePath(path))
                                .arg(pixels.width())
                                .arg(pixels.height()));
            return false;
        }
        return writePng(image, path, error);
    }

    QSaveFile file(path);
    if (!openForWriting(file, error))
        return false;
    const QString title = QFileInfo(path).completeBaseName();
    bool painted = false;
    if (format == ExportFormat::Svg) {
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(logicalSize.toSize());
        generator.setViewBox(target);
        generator.setResolution(kLogicalDpi);
        generator.setTitle(title);
        generator.setDescription(QObject::tr("Exported by MNIST Explorer"));
        QPainter painter;
        if (painter.begin(&generator)) {
            painter.fillRect(target, Qt::white);
            render(&painter, target);
            painted = painter.end();
        }
    } else {
        QPdfWriter writer(&file);
        writer.setResolution(kLogicalDpi);
        // One page exactly the view's size: 96 logical px = 72 pt.
        writer.setPageSize(QPageSize(logicalSize * 72.0 / kLogicalDpi, QPageSize::Point, title,
                                     QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setTitle(title);
        writer.setCreator(QStringLiteral("MNIST Explorer"));
        QPainter painter;
        if (painter.begin(&writer)) {
            render(&painter, target);
            painted = painter.end();
        }
    }
    if (!painted) {
        file.cancelWriting();
        setError(error,
                 QObject::tr("Cannot export %1: the %2 writer failed.")
                     .arg(nativePath(path), format == ExportFormat::Svg ? QStringLiteral("SVG")
                                                                        : QStringLiteral("PDF")));
        return false;
    }
    return commit(file, error);
}

QString askExportPath(QWidget* parent, const QString& suggestedName)
{
    return askPath(parent, suggestedName, ExportFormat::Png);
}

qreal askPngScale(QWidget* parent, qreal defaultScale)
{
    const QStringList items{QStringLiteral("1×"), QStringLiteral("2×"), QStringLiteral("3×"),
                            QStringLiteral("4×")};
    const int current = std::clamp(static_cast<int>(std::lround(defaultScale)), 1, 4) - 1;
    bool ok = false;
    const QString choice = QInputDialog::getItem(
        parent, QObject::tr("PNG scale"),
        QObject::tr("Pixels per screen pixel (2× is crisp on print and high-DPI screens):"), items,
        current, false, &ok);
    if (!ok)
        return 0.0;
    return items.indexOf(choice) + 1;
}

QString exportInteractively(QWidget* parent, const RenderFn& render, QSizeF logicalSize,
                            const QString& suggestedName, ExportFormat formatHint,
                            const ImageFn& rasterImage)
{
    const QString path = askPath(parent, suggestedName, formatHint);
    if (path.isEmpty())
        return {};
    qreal scale = kDefaultPngScale;
    if (exportFormatFor(path) == ExportFormat::Png) {
        scale = askPngScale(parent);
        if (scale <= 0)
            return {};
    }
    QString error;
    if (!exportView(render, logicalSize, path, scale, &error, rasterImage)) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), error);
        return {};
    }
    notifyExported(parent, path);
    return path;
}

QList<QAction*> addExportActions(QWidget* widget, ExportSource source)
{
    QList<QAction*> actions;
    const std::pair<ExportFormat, QString> entries[] = {
        {ExportFormat::Png, QObject::tr("Export as PNG…")},
        {ExportFormat::Svg, QObject::tr("Export as SVG…")},
        {ExportFormat::Pdf, QObject::tr("Export as PDF…")},
    };
    const QString toolTip =
        source.toolTip.isEmpty() ? QObject::tr("Save this view as an image file") : source.toolTip;
    for (const auto& [format, text] : entries) {
        auto* action = new QAction(text, widget);
        action->setToolTip(toolTip);
        QObject::connect(action, &QAction::triggered, widget, [widget, source, format = format] {
            const QSizeF size = source.logicalSize ? source.logicalSize() : QSizeF(widget->size());
            const QString name = source.suggestedName ? source.suggestedName() : QString();
            exportInteractively(widget, source.render, size, name, format, source.rasterImage);
        });
        widget->addAction(action);
        actions.append(action);
    }
    widget->setContextMenuPolicy(Qt::ActionsContextMenu);
    return actions;
}

QList<QAction*> addExportActions(QWidget* widget, RenderFn render, const QString& suggestedName,
                                 std::function<QSizeF()> logicalSize, ImageFn rasterImage)
{
    return addExportActions(widget, ExportSource{std::move(render),
                                                 [suggestedName] { return suggestedName; },
                                                 std::move(logicalSize), std::move(rasterImage)});
}

bool writeSelectionCsv(const store::RunData& run, const QVector<int>& ids, const QString& path,
                       QString* error, const data::UserMetadata* metadata)
{
    try {
        store::writeSamplesCsv(run, std::vector<int>(ids.begin(), ids.end()), path.toStdString(),
                               metadata);
        return true;
    } catch (const std::exception& e) {
        setError(error, QString::fromStdString(e.what()));
        return false;
    }
}

bool writeAllSamplesCsv(const store::RunData& run, const QString& path, QString* error,
                        const data::UserMetadata* metadata)
{
    try {
        store::writeSamplesCsv(run, path.toStdString(), metadata);
        return true;
    } catch (const std::exception& e) {
        setError(error, QString::fromStdString(e.what()));
        return false;
    }
}

QString askCsvPath(QWidget* parent, const QString& suggestedName)
{
    QString name = suggestedName;
    if (!name.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        name += QLatin1String(".csv");
    QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export CSV"),
                                                QDir(settingsFolder()).filePath(name),
                                                QObject::tr("CSV table (*.csv)"));
    if (path.isEmpty())
        return {};
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1String(".csv");
    rememberFolder(path);
    return path;
}

} // namespace mnistx::ui
