#include "ui/why/heat_map_panel.h"

#include "ui/common/hint_stack.h"
#include "ui/common/render_to_image.h"
#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/why/heat_map_canvas.h"
#include "ui/why/heat_map_painter.h"
#include "ui/why/heat_map_style.h"
#include "ui/why/heat_map_worker.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTextDocument>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

using namespace heatmap;

HeatMapPanel::HeatMapPanel(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_worker = new HeatMapWorker(session, this);
    connect(m_worker, &HeatMapWorker::ready, this, &HeatMapPanel::onReady);
    connect(m_worker, &HeatMapWorker::failed, this, &HeatMapPanel::onFailed);

    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setToolTip(tr("The sample: its subset and index, ground truth (GT), the model's "
                            "prediction and its cross-entropy loss"));

    m_methodBox = new QComboBox(this);
    m_methodBox->addItem(tr("Gradient"), static_cast<int>(Method::Gradient));
    m_methodBox->addItem(tr("Gradient × input"), static_cast<int>(Method::GradientTimesInput));
    m_methodBox->addItem(tr("Occlusion"), static_cast<int>(Method::Occlusion));
    m_methodBox->addItem(tr("Grad-CAM"), static_cast<int>(Method::GradCam));
    m_methodBox->setToolTip(
        tr("<p><b>Gradient</b>: how much each pixel's ink changes a class's logit (score). "
           "Sharp, per pixel, signed: red = more ink here raises the score, blue = lowers it.</p>"
           "<p><b>Gradient × input</b>: the gradient times the pixel's value: what the ink that "
           "is there adds to the score (zero on the background).</p>"
           "<p><b>Occlusion</b>: how much the score drops when a cell of a %1×%1 grid is "
           "blacked out (the loss map: how much the loss rises). Coarse, but it measures "
           "instead of estimating.</p>"
           "<p><b>Grad-CAM</b>: where the last convolution layer found evidence for a class "
           "(never negative). Coarse but robust: it shows regions, not pixels. Only for the "
           "models trained here: an imported model's layers are unknown.</p>")
            .arg(why::kOcclusionGrid));
    connect(m_methodBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMethod(static_cast<Method>(m_methodBox->itemData(i).toInt())); });

    m_signBox = new QComboBox(this);
    m_signBox->addItem(tr("Signed"), true);
    m_signBox->addItem(tr("Magnitude"), false);
    m_signBox->setToolTip(
        tr("Gradients signed (blue: more ink lowers the value, red: raises it) or as magnitude "
           "(how much a pixel matters, either way). Grad-CAM is never negative."));
    connect(m_signBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setSigned(m_signBox->itemData(i).toBool()); });

    m_opacitySlider = new QSlider(Qt::Horizontal, this);
    m_opacitySlider->setRange(0, 100);
    m_opacitySlider->setValue(static_cast<int>(std::lround(m_opacity * 100)));
    m_opacitySlider->setMinimumWidth(60);
    m_opacitySlider->setMaximumWidth(140);
    m_opacitySlider->setToolTip(
        tr("Overlay opacity: 0 shows only the digit, 100 the map at full "
           "strength (the digit stays visible where the map is near zero)"));
    connect(m_opacitySlider, &QSlider::valueChanged, this,
            [this](int v) { setOpacity(v / 100.0); });
    auto* opacityLabel = new QLabel(tr("Overlay"), this);
    opacityLabel->setToolTip(m_opacitySlider->toolTip());

    m_status = new QLabel(this);
    m_status->setStyleSheet(QStringLiteral("color: #666;"));
    m_status->setToolTip(tr("The heat maps are computed on a worker thread when a sample "
                            "becomes current (a few milliseconds each)"));

    auto* headerRow = new QHBoxLayout;
    headerRow->setContentsMargins(0, 0, 0, 0);
    headerRow->addWidget(m_header, 1);
    headerRow->addWidget(m_status, 0, Qt::AlignTop | Qt::AlignRight);
    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_methodBox);
    controls->addWidget(m_signBox);
    controls->addSpacing(6);
    controls->addWidget(opacityLabel);
    controls->addWidget(m_opacitySlider);
    controls->addStretch(1);

    m_canvasWidget = new HeatMapCanvas(this);
    m_stack = new HintStack(m_canvasWidget, this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(headerRow);
    layout->addLayout(controls);
    layout->addWidget(m_stack, 1);

    m_computingDelay.setSingleShot(true);
    m_computingDelay.setInterval(kComputingDelayMs);
    connect(&m_computingDelay, &QTimer::timeout, this, [this] {
        if (!isComputing())
            return;
        m_computingVisible = true;
        if (!hasMaps())
            showHint(tr("Computing the heat maps of %1…").arg(m_session->describe(m_requestedId)));
        updateStatus();
        m_canvasWidget->update();
    });

    // The suggested file name follows the sample.
    m_exportActions =
        addExportActions(this, {[this](QPainter* p, const QRectF& r) { render(p, r); },
                                [this] { return exportName(); },
                                {},
                                {},
                                tr("Save the heat maps of this sample as an image file")});

    connect(m_session, &ExplorerSession::runChanged, this, &HeatMapPanel::onRunChanged);
    connect(m_session, &ExplorerSession::currentChanged, this, &HeatMapPanel::onCurrentChanged);
    onRunChanged();
}

HeatMapPanel::~HeatMapPanel() = default;

int HeatMapPanel::classCount() const
{
    return static_cast<int>(m_maps.classGradient.rows());
}

int HeatMapPanel::tileIndex(int tile) const
{
    return tile == kLossTile ? classCount() : tile;
}

bool HeatMapPanel::isComputing() const
{
    return m_requestedId >= 0 && m_requestedId != m_shownId && m_failure.isEmpty();
}

bool HeatMapPanel::isShowingHint() const
{
    return m_stack->showsHint();
}

QString HeatMapPanel::hintText() const
{
    return m_stack->hintText();
}

QString HeatMapPanel::statusText() const
{
    return m_status->text();
}

QString HeatMapPanel::exportName() const
{
    if (m_shownId < 0)
        return QStringLiteral("heat_maps");
    return QStringLiteral("heat_maps_%1_%2")
        .arg(QLatin1String(analysis::subsetName(m_session->subsetOf(m_shownId))))
        .arg(m_session->indexInSubset(m_shownId));
}

void HeatMapPanel::showHint(const QString& text)
{
    m_stack->setHintText(text);
    m_stack->showHint();
}

void HeatMapPanel::onRunChanged()
{
    m_shownId = -1;
    m_requestedId = -1;
    m_maps = {};
    m_tileImages.clear();
    m_failure.clear();
    m_headerPlain.clear();
    m_headerHtml.clear();
    m_header->clear();
    m_computingDelay.stop();
    m_computingVisible = false;
    m_largeTile = kLossTile;
    if (auto* items = qobject_cast<QStandardItemModel*>(m_methodBox->model())) {
        QStandardItem* gradCam =
            items->item(m_methodBox->findData(static_cast<int>(Method::GradCam)));
        gradCam->setEnabled(offers(Method::GradCam));
        gradCam->setToolTip(offers(Method::GradCam)
                                ? QString()
                                : tr("Grad-CAM needs the model's last convolution layer: only "
                                     "for models trained here"));
    }
    if (!offers(m_method))
        setMethod(Method::Gradient);
    onCurrentChanged(m_session->hasRun() ? m_session->current() : -1);
}

void HeatMapPanel::onCurrentChanged(int id)
{
    if (!m_session->hasRun()) {
        showHint(tr("No run loaded.\n\nOpen or train a run, then pick a sample to see which "
                    "pixels drove its prediction."));
        updateStatus();
        return;
    }
    if (id < 0 || id >= m_session->sampleCount()) {
        m_requestedId = -1;
        m_shownId = -1;
        m_header->clear();
        m_headerPlain.clear();
        m_headerHtml.clear();
        showHint(tr("Pick a sample (a dot on the map, a thumbnail, a table row) to see which "
                    "pixels drove its prediction."));
        updateStatus();
        return;
    }
    if (!m_worker->canCompute()) {
        m_requestedId = -1;
        m_shownId = -1;
        showHint(m_worker->unavailableReason());
        updateStatus();
        return;
    }
    if (id == m_shownId && id == m_requestedId)
        return;
    m_requestedId = id;
    m_failure.clear();
    m_worker->request(id);
    m_computingDelay.start();
    updateStatus();
}

void HeatMapPanel::onReady(int sampleId, const why::HeatMaps& maps)
{
    if (sampleId != m_requestedId)
        return; // a request that a newer one replaced
    m_computingDelay.stop();
    m_computingVisible = false;
    m_maps = maps;
    const bool newSample = sampleId != m_shownId;
    m_shownId = sampleId;
    m_digit = m_session->image(sampleId);
    if (newSample && m_largeTile >= classCount())
        m_largeTile = kLossTile;
    updateHeader();
    rebuildTiles();
    m_stack->showContent();
    updateStatus();
    m_canvasWidget->update();
    Q_EMIT mapsShown(sampleId);
}

void HeatMapPanel::onFailed(int sampleId, const QString& message)
{
    if (sampleId != m_requestedId)
        return;
    m_computingDelay.stop();
    m_computingVisible = false;
    m_failure = message;
    m_shownId = -1;
    m_maps = {};
    m_tileImages.clear();
    showHint(
        tr("Cannot compute the heat maps of %1:\n%2").arg(m_session->describe(sampleId), message));
    updateStatus();
}

void HeatMapPanel::updateHeader()
{
    const SampleHeader header = sampleHeader(*m_session, m_shownId);
    m_headerPlain = header.plain;
    m_headerHtml = header.html;
    m_header->setText(m_headerHtml);
}

void HeatMapPanel::updateStatus()
{
    if (!m_failure.isEmpty())
        m_status->setText(tr("failed"));
    else if (isComputing() && (m_computingVisible || !hasMaps()))
        m_status->setText(tr("computing…"));
    else if (hasMaps())
        m_status->setText(tr("computed in %1 ms")
                              .arg(QString::number(m_worker->lastLatencyMilliseconds(), 'f', 0)));
    else
        m_status->clear();
}

std::vector<float> HeatMapPanel::tileValues(int tile) const
{
    const int C = classCount();
    if (m_shownId < 0 || C == 0)
        return {};
    std::vector<float> values;
    if (tile == kLossTile) {
        values = m_method == Method::GradientTimesInput ? m_maps.lossGradientTimesInput
                 : m_method == Method::Occlusion        ? m_maps.lossOcclusion
                                                        : m_maps.lossGradient;
    } else if (tile >= 0 && tile < C) {
        const RowMatrixXf& source = m_method == Method::GradCam ? m_maps.gradCam
                                    : m_method == Method::GradientTimesInput
                                        ? m_maps.classGradientTimesInput
                                    : m_method == Method::Occlusion ? m_maps.classOcclusion
                                                                    : m_maps.classGradient;
        if (tile >= source.rows())
            return {};
        values.assign(source.row(tile).data(), source.row(tile).data() + source.cols());
    } else {
        return {};
    }
    const bool isSigned = tile == kLossTile || m_method != Method::GradCam;
    if (isSigned && !m_signed)
        for (float& v : values)
            v = std::abs(v);
    return values;
}

QString HeatMapPanel::tileNote(int tile) const
{
    const std::vector<float> values = tileValues(tile);
    if (values.empty())
        return {};
    double top = 0.0;
    bool defined = true;
    for (float v : values) {
        if (!std::isfinite(v))
            defined = false;
        else
            top = std::max(top, static_cast<double>(std::abs(v)));
    }
    const bool gradCam = tile != kLossTile && m_method == Method::GradCam;
    if (!defined) {
        if (tile == kLossTile)
            return tr("loss map undefined");
        return gradCam ? tr("Grad-CAM undefined for %1").arg(m_session->className(tile))
                       : tr("gradient undefined for %1").arg(m_session->className(tile));
    }
    const Scale& scale = tile == kLossTile ? m_lossScale : m_classScale;
    if (top > 0.0 && top > kFaintShare * static_cast<double>(scale.hi))
        return {};
    if (tile == kLossTile)
        return top == 0.0 ? tr("no pixel changes the loss")
                          : tr("hardly any pixel changes the loss");
    if (gradCam)
        return top == 0.0 ? tr("no positive evidence for %1").arg(m_session->className(tile))
                          : tr("hardly any evidence for %1").arg(m_session->className(tile));
    return top == 0.0
               ? tr("no pixel changes the logit of %1").arg(m_session->className(tile))
               : tr("hardly any pixel changes the logit of %1").arg(m_session->className(tile));
}

QImage HeatMapPanel::tileImage(int tile) const
{
    return m_tileImages.value(tileIndex(tile));
}

void HeatMapPanel::rebuildTiles()
{
    m_tileImages.clear();
    const int C = classCount();
    if (m_shownId < 0 || C == 0)
        return;
    std::vector<std::vector<float>> values;
    for (int k = 0; k < C; ++k)
        values.push_back(tileValues(k));
    std::vector<const std::vector<float>*> classMaps;
    for (const auto& v : values)
        classMaps.push_back(&v);
    const std::vector<float> loss = tileValues(kLossTile);
    m_classScale = scaleOver(classMaps, m_method != Method::GradCam && m_signed);
    m_lossScale = scaleOver({&loss}, m_signed);

    const int rows = m_maps.rows;
    const int cols = m_maps.cols;
    QImage digit = m_digit.convertToFormat(QImage::Format_Grayscale8);
    const auto makeTile = [&](const std::vector<float>& v, const Scale& scale) {
        QImage image(cols, rows, QImage::Format_RGB32);
        for (int r = 0; r < rows; ++r) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
            const uchar* ink = digit.isNull() || digit.height() != rows || digit.width() != cols
                                   ? nullptr
                                   : digit.constScanLine(r);
            for (int c = 0; c < cols; ++c) {
                // The digit grey on white (inverted MNIST, ink at kInkDarkness), so
                // white reads as "zero" and colours stay visible on the strokes.
                const int base = ink ? 255 - static_cast<int>(kInkDarkness * ink[c]) : 255;
                line[c] =
                    composite(v[static_cast<std::size_t>(r * cols + c)], scale, m_opacity, base);
            }
        }
        return image;
    };
    for (int k = 0; k < C; ++k)
        m_tileImages.append(makeTile(values[static_cast<std::size_t>(k)], m_classScale));
    m_tileImages.append(makeTile(loss, m_lossScale));
}

bool HeatMapPanel::offers(Method method) const
{
    return method != Method::GradCam || !m_session->hasRun() ||
           m_session->run().importedModel.empty();
}

void HeatMapPanel::setMethod(Method method)
{
    if (method == m_method || !offers(method))
        return;
    m_method = method;
    m_methodBox->setCurrentIndex(m_methodBox->findData(static_cast<int>(method)));
    rebuildTiles();
    m_canvasWidget->update();
    if (hasMaps())
        Q_EMIT mapsShown(m_shownId);
}

void HeatMapPanel::setSigned(bool on)
{
    if (on == m_signed)
        return;
    m_signed = on;
    m_signBox->setCurrentIndex(m_signBox->findData(on));
    rebuildTiles();
    m_canvasWidget->update();
    if (hasMaps())
        Q_EMIT mapsShown(m_shownId);
}

void HeatMapPanel::setOpacity(double opacity)
{
    opacity = std::clamp(opacity, 0.0, 1.0);
    if (opacity == m_opacity)
        return;
    m_opacity = opacity;
    const QSignalBlocker block(m_opacitySlider);
    m_opacitySlider->setValue(static_cast<int>(std::lround(opacity * 100)));
    rebuildTiles();
    m_canvasWidget->update();
}

void HeatMapPanel::setLargeTile(int tile)
{
    if (tile != kLossTile && (tile < 0 || tile >= m_session->classCount()))
        tile = kLossTile;
    if (tile == m_largeTile)
        return;
    m_largeTile = tile;
    m_canvasWidget->update();
}

void HeatMapPanel::clickTile(int tile)
{
    // Clicking the class shown large again goes back to the loss map.
    setLargeTile(tile == m_largeTile ? kLossTile : tile);
}

// --- Layout and painting -----------------------------------------------------

QStringList HeatMapPanel::largeTitle() const
{
    // Two lines: what the map is (bold), then how to read it.
    if (m_largeTile == kLossTile) {
        const QString name = tr("Loss map · GT %1 · loss %2")
                                 .arg(m_session->className(m_maps.label), formatLoss(m_maps.loss));
        if (!m_signed)
            return {name, tr("how strongly each pixel changes the loss")};
        if (m_method == Method::Occlusion)
            return {name, tr("red: hiding this cell raises the loss, blue: lowers it")};
        if (m_method == Method::GradientTimesInput)
            return {name, tr("red: the ink here adds to the loss, blue: takes from it")};
        return {name, tr("red: more ink here raises the loss, blue: lowers it")};
    }
    const int k = m_largeTile;
    const QString name =
        tr("Class %1 · p=%2")
            .arg(m_session->className(k))
            .arg(formatProbability(m_maps.probabilities[static_cast<std::size_t>(k)]));
    QString how;
    if (m_method == Method::GradCam)
        how = tr("Grad-CAM: where the evidence for %1 is").arg(m_session->className(k));
    else if (m_signed && m_method == Method::Occlusion)
        how = tr("red: hiding this cell lowers the logit of %1, blue: raises it")
                  .arg(m_session->className(k));
    else if (m_signed && m_method == Method::GradientTimesInput)
        how = tr("red: the ink here adds to the logit of %1, blue: takes from it")
                  .arg(m_session->className(k));
    else if (m_signed)
        how = tr("red: more ink here raises the logit of %1, blue: lowers it")
                  .arg(m_session->className(k));
    else
        how = tr("how strongly each pixel's ink changes the logit of %1").arg(k);
    return {name, how + tr(" · click again: loss map")};
}

QRectF HeatMapPanel::tileRect(int tile) const
{
    if (!hasMaps())
        return {};
    const Layout layout = HeatMapPainter(*this).layout(
        QRectF(m_canvasWidget->rect()).adjusted(6, 6, -6, -6), m_canvasWidget->font());
    const int i = tileIndex(tile);
    if (i < 0 || i >= layout.tiles.size())
        return {};
    return layout.tiles[i];
}

int HeatMapPanel::tileAt(const QPointF& canvasPos, QPointF* pixel) const
{
    if (!hasMaps())
        return kNoTile;
    const Layout layout = HeatMapPainter(*this).layout(
        QRectF(m_canvasWidget->rect()).adjusted(6, 6, -6, -6), m_canvasWidget->font());
    const auto pixelOf = [&](const QRectF& r) {
        if (pixel)
            *pixel = QPointF((canvasPos.x() - r.left()) / r.width() * m_maps.cols,
                             (canvasPos.y() - r.top()) / r.height() * m_maps.rows);
    };
    for (int i = 0; i < layout.tiles.size(); ++i)
        if (layout.tiles[i].contains(canvasPos)) {
            pixelOf(layout.tiles[i]);
            return i < classCount() ? i : kLossTile;
        }
    if (layout.large.contains(canvasPos)) {
        pixelOf(layout.large);
        // The large tile stands for the map it shows (a click on a class goes back to the loss
        // map).
        return m_largeTile;
    }
    return kNoTile;
}

QString HeatMapPanel::tileToolTip(int tile) const
{
    if (tile == kLossTile)
        return tr("<p><b>Loss map</b> for the ground truth %1 (loss %2): the gradient of the "
                  "cross-entropy loss with respect to each pixel.</p><p><span style='color:%3'>"
                  "Red</span>: more ink here raises the loss (pushes the model further from %1); "
                  "<span style='color:%4'>blue</span>: more ink here lowers the loss.</p>"
                  "<p>It has its own colour scale (right bar): the loss is another quantity than "
                  "the class logits.</p>")
            .arg(m_maps.label)
            .arg(formatLoss(m_maps.loss))
            .arg(kPositive.name(), kNegative.name());
    const QString p = formatProbabilityExact(m_maps.probabilities[static_cast<std::size_t>(tile)]);
    QString role;
    const int gt = m_session->label(m_shownId);
    const int pred = m_session->prediction(m_shownId);
    if (tile == gt && tile == pred)
        role = tr(" — the ground truth and the prediction");
    else if (tile == gt)
        role = tr(" — the ground truth");
    else if (tile == pred)
        role = tr(" — the prediction");
    const QString shared = tr("<p>All class tiles share one colour scale (left bar), so they "
                              "compare directly. Click to show large.</p>");
    if (m_method == Method::GradCam)
        return tr("<p><b>Class %1</b>, p = %2%3</p><p><b>Grad-CAM</b>: where the last "
                  "convolution layer found features that raise the logit of %1 (darker red: "
                  "stronger). Never negative; coarse, upsampled from the layer's grid.</p>")
                   .arg(tile)
                   .arg(p, role) +
               shared;
    if (m_method == Method::Occlusion)
        return tr("<p><b>Class %1</b>, p = %2%3</p><p><b>Occlusion</b>: the logit of %1 minus "
                  "the logit with this pixel's cell of a %4×%4 grid blacked out. "
                  "<span style='color:%5'>red</span>: the cell supports %1; "
                  "<span style='color:%6'>blue</span>: it speaks against %1.</p>")
                   .arg(tile)
                   .arg(p, role)
                   .arg(why::kOcclusionGrid)
                   .arg(kPositive.name(), kNegative.name()) +
               shared;
    if (m_method == Method::GradientTimesInput)
        return tr("<p><b>Class %1</b>, p = %2%3</p><p><b>Gradient × input</b>: the gradient of "
                  "the logit of %1 times the pixel's value, what the ink there adds "
                  "(<span style='color:%4'>red</span>) to or takes "
                  "(<span style='color:%5'>blue</span>) from the logit; zero on the "
                  "background.</p>")
                   .arg(tile)
                   .arg(p, role, kPositive.name(), kNegative.name()) +
               shared;
    return tr("<p><b>Class %1</b>, p = %2%3</p><p><b>Gradient</b> of the logit of %1 with "
              "respect to each pixel: <span style='color:%4'>red</span>: more ink here raises "
              "the logit of %1; <span style='color:%5'>blue</span>: more ink here lowers it.</p>")
               .arg(tile)
               .arg(p, role, kPositive.name(), kNegative.name()) +
           shared;
}

QString HeatMapPanel::toolTipAt(const QPointF& canvasPos) const
{
    QPointF pixel;
    const int tile = tileAt(canvasPos, &pixel);
    if (tile == kNoTile) {
        if (!hasMaps())
            return {};
        const Layout layout = HeatMapPainter(*this).layout(
            QRectF(m_canvasWidget->rect()).adjusted(6, 6, -6, -6), m_canvasWidget->font());
        const QString saturation =
            tr("<p>Colours saturate at the 99.5th percentile of |value| (so a few extreme "
               "pixels do not wash out the rest); ≥ / ≤ at the ends: some pixels go "
               "beyond.</p>");
        if (layout.classBar.contains(canvasPos))
            return tr("<p><b>One colour scale for all class tiles</b> of this sample, so their "
                      "colours compare directly: the same red means the same effect on the "
                      "logit, whichever class.</p>") +
                   saturation;
        if (layout.lossBar.contains(canvasPos))
            return tr("<p><b>The loss map's own colour scale</b>: the loss (cross-entropy for "
                      "the ground truth) is another quantity than the class logits.</p>") +
                   saturation;
        return {};
    }
    QString text = tileToolTip(tile);
    const QString note = tileNote(tile);
    if (!note.isEmpty())
        text += tr("<p><b>Blank: %1.</b> %2</p>")
                    .arg(note.toHtmlEscaped(),
                         m_method == Method::GradCam && tile != kLossTile
                             ? tr("Nothing the last convolution layer found in this image "
                                  "raises the logit of %1.")
                                   .arg(tile)
                             : tr("The map is zero or too faint to see on its colour scale."));
    const int r = static_cast<int>(pixel.y());
    const int c = static_cast<int>(pixel.x());
    const std::vector<float> values = tileValues(tile);
    if (r >= 0 && c >= 0 && r < m_maps.rows && c < m_maps.cols && !values.empty())
        text += tr("<p>Pixel (row %1, column %2): <b>%3</b></p>")
                    .arg(r)
                    .arg(c)
                    .arg(formatValue(values[static_cast<std::size_t>(r * m_maps.cols + c)]));
    return text;
}

void HeatMapPanel::render(QPainter* painter, const QRectF& target) const
{
    painter->save();
    painter->setClipRect(target);
    painter->fillRect(target, Qt::white);
    const QRectF area = target.adjusted(12, 12, -12, -12);
    if (!hasMaps()) {
        painter->setPen(kMuted);
        painter->setFont(font());
        painter->drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_stack->hintText());
        painter->restore();
        return;
    }
    QTextDocument doc;
    doc.setDefaultFont(font());
    doc.setDocumentMargin(0);
    QString method = m_methodBox->itemText(m_methodBox->findData(static_cast<int>(m_method)));
    if (m_method != Method::GradCam && !m_signed)
        method += tr(", magnitude");
    doc.setHtml(m_headerHtml + QStringLiteral("&nbsp;·&nbsp; ") + method.toHtmlEscaped());
    doc.setTextWidth(area.width());
    painter->save();
    painter->translate(area.topLeft());
    doc.drawContents(painter);
    painter->restore();
    const double headerH = doc.size().height() + 8.0;
    HeatMapPainter(*this).paint(*painter, area.adjusted(0, headerH, 0, 0), font(), false);
    painter->restore();
}

QImage HeatMapPanel::renderImage(QSize logicalSize, qreal scale) const
{
    return renderToImage(
        [this](QPainter* painter, const QRectF& target) { render(painter, target); }, logicalSize,
        scale);
}

} // namespace mnistx::ui
