#pragma once

#include "core/why/heat_maps.h"

#include <QImage>
#include <QList>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVector>
#include <QWidget>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QPainter;
class QSlider;

namespace mnistx::ui
{

class HintStack;

class ExplorerSession;
class HeatMapWorker;

// "Which pixels made the model say this?" for the session's current sample.
//
// One tile per class output (ten for MNIST), labelled "6  p=93%", with the
// ground-truth and predicted classes framed and tagged, plus one large tile:
// by default the loss map (d loss / d pixel for the sample's own label,
// signed: red = more ink here raises the loss), or the class tile clicked
// last (click it again, or the small "loss" tile, to go back).
//  - Method "Gradient": d logit_k / d pixel (signed: blue negative, white
//    zero, red positive; or magnitude |·| on a sequential scale);
//    "Grad-CAM": where the last convolution's evidence for class k is
//    (≥ 0, sequential scale, coarse).
//  - Every map is drawn over the digit (ink dark on white) with the overlay
//    opacity of the slider.
//  - One colour scale for all class tiles of a view (so they compare) and
//    one for the loss map (another quantity), each with its colour bar and
//    numeric range; colours saturate at the 99.5th percentile of |value| so
//    a few extreme pixels do not wash out the rest (the bar says "≥").
// The maps come from a HeatMapWorker (off the GUI thread, ~2 ms each); while
// a sample is computed the previous maps stay for up to 120 ms, then a
// "computing…" state shows. Tooltips explain every tile and the value under
// the mouse. Context menu: Export as PNG/SVG/PDF.
// GUI thread only.
class HeatMapPanel : public QWidget
{
    Q_OBJECT
public:
    // Grad-CAM needs our network's layers: an imported model offers the others.
    enum class Method { Gradient, GradCam, GradientTimesInput, Occlusion };
    Q_ENUM(Method)
    // The tile of the loss map (class tiles are 0 … classCount − 1).
    static constexpr int kLossTile = -1;

    explicit HeatMapPanel(ExplorerSession* session, QWidget* parent = nullptr);
    ~HeatMapPanel() override;

    void setMethod(Method method);
    Method method() const { return m_method; }
    // Whether `method` can be shown for the current run (Grad-CAM: our models only).
    bool offers(Method method) const;
    // Gradients (class maps in "Gradient" and the loss map) signed or as
    // magnitude; Grad-CAM is never negative.
    void setSigned(bool on);
    bool isSigned() const { return m_signed; }
    // Overlay opacity of the map over the digit, [0,1].
    void setOpacity(double opacity);
    double opacity() const { return m_opacity; }
    // The map shown large: a class, or kLossTile.
    void setLargeTile(int tile);
    int largeTile() const { return m_largeTile; }

    // The sample whose maps are shown (-1: none) and the one asked for.
    int sampleId() const { return m_shownId; }
    int requestedId() const { return m_requestedId; }
    bool hasMaps() const { return m_shownId >= 0; }
    bool isComputing() const;
    const why::HeatMaps& maps() const { return m_maps; }
    // The values a tile shows now (rows·cols, row-major; empty without maps):
    // the class gradient, its magnitude or Grad-CAM; the loss gradient or its
    // magnitude for kLossTile.
    std::vector<float> tileValues(int tile) const;
    // Why a tile shows no colour, said in the tile: "no positive evidence
    // for 5" (Grad-CAM zero everywhere), "Grad-CAM undefined for 5" (not a
    // number), "no pixel changes the loss" (loss map zero), ...; empty when the
    // tile shows a map. Faint counts as none: below a tenth of its colour scale.
    QString tileNote(int tile) const;
    // Colour scale ends of the class tiles / the loss map (lo = −hi when
    // signed, 0 otherwise).
    struct Scale {
        float lo = 0.0f;
        float hi = 0.0f;
        bool signedScale = true;
        bool clipped = false; // some values lie beyond the ends
    };
    Scale classScale() const { return m_classScale; }
    Scale lossScale() const { return m_lossScale; }

    // What the panel says, plain text (tests, accessibility):
    // "validation #12 · GT 5 · predicted 6 (wrong) · loss 2.31".
    QString headerText() const { return m_headerPlain; }
    QString statusText() const;
    bool isShowingHint() const;
    QString hintText() const;
    // Where a tile is drawn in canvas() (widget coordinates); empty when not shown.
    QRectF tileRect(int tile) const;
    QWidget* canvas() const { return m_canvasWidget; }
    // A tooltip for a canvas position (what the tile means, the value under the mouse).
    QString toolTipAt(const QPointF& canvasPos) const;
    HeatMapWorker* worker() const { return m_worker; }
    QList<QAction*> exportActions() const { return m_exportActions; }
    // "heat_maps_validation_45" (no sample: "heat_maps").
    QString exportName() const;

    // The panel as a figure (header, large tile, class tiles, colour bars) at
    // target's size on white; the hint when no maps are shown.
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;
    QImage renderImage(QSize logicalSize, qreal scale = 2.0) const;

    QSize sizeHint() const override { return {560, 640}; }

Q_SIGNALS:
    // New maps are on screen (a sample's, or the same maps in another view).
    void mapsShown(int sampleId);

private:
    friend class HeatMapCanvas;
    friend class HeatMapPainter;
    struct Layout {
        QRectF largeTitle;
        QRectF large;
        QVector<QRectF> tiles; // classCount class tiles, then the small loss tile
        QVector<QRectF> tileLabels;
        QRectF classBar;
        QRectF lossBar;
    };

    void onRunChanged();
    void onCurrentChanged(int id);
    void onReady(int sampleId, const why::HeatMaps& maps);
    void onFailed(int sampleId, const QString& message);
    void showHint(const QString& text);
    void updateHeader();
    void rebuildTiles();
    void updateStatus();
    int classCount() const;
    int tileIndex(int tile) const; // kLossTile → classCount
    QImage tileImage(int tile) const;

    QStringList largeTitle() const;
    QString tileToolTip(int tile) const;
    int tileAt(const QPointF& canvasPos, QPointF* pixel = nullptr) const;
    void clickTile(int tile);

    ExplorerSession* m_session;
    HeatMapWorker* m_worker = nullptr;
    Method m_method = Method::Gradient;
    bool m_signed = true;
    double m_opacity = 0.7;
    int m_largeTile = kLossTile;

    int m_shownId = -1;
    int m_requestedId = -1;
    why::HeatMaps m_maps;
    QImage m_digit;               // of the shown sample, grayscale, MNIST polarity
    QVector<QImage> m_tileImages; // composited tiles: classes, then loss
    Scale m_classScale;
    Scale m_lossScale;
    QString m_headerPlain;
    QString m_headerHtml;
    QString m_failure; // of the last request, shown in the status line
    QTimer m_computingDelay;
    bool m_computingVisible = false;

    HintStack* m_stack = nullptr;
    QLabel* m_header = nullptr;
    QComboBox* m_methodBox = nullptr;
    QComboBox* m_signBox = nullptr;
    QSlider* m_opacitySlider = nullptr;
    QLabel* m_status = nullptr;
    QWidget* m_canvasWidget = nullptr;
    QList<QAction*> m_exportActions;
};

} // namespace mnistx::ui
