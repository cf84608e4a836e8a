#pragma once

// The heat maps' colours, scales and tuning constants, shared by the panel
// (tiles, tooltips), its painter and its canvas. Each constant with its reason.

#include "ui/common/sample_header.h"
#include "ui/why/heat_map_panel.h"

#include <QColor>
#include <QString>
#include <vector>

namespace mnistx::ui::heatmap
{

// Colours: the error inspector's meaning colours for GT and prediction; a
// blue–red diverging pair (ColorBrewer RdBu ends, distinguishable for
// red-green colour blindness) and an orange–red sequential ramp (OrRd).
inline const QColor kWrong = wrongColor();
inline const QColor kRight = rightColor();
inline const QColor kGroundTruth(0x26, 0x32, 0x38);
inline const QColor kNegative(0x21, 0x66, 0xac);
inline const QColor kPositive(0xb2, 0x18, 0x2b);
inline const QColor kSequential[] = {QColor(0xfd, 0xd4, 0x9e), QColor(0xfc, 0x8d, 0x59),
                                     QColor(0xd7, 0x30, 0x1f), QColor(0x7f, 0x00, 0x00)};
inline const QColor kMuted(0x66, 0x66, 0x66);

// Colours saturate at this quantile of |value| over the tiles sharing a scale:
// gradients are spiky, and scaling to the single largest pixel leaves most
// of a map near white.
inline constexpr double kSaturationQuantile = 0.995;
// Previous maps stay this long (ms) before "computing…" shows: a 2 ms result
// then never flickers through an intermediate state.
inline constexpr int kComputingDelayMs = 120;
// The large tile is this many times a class tile (when the space allows).
inline constexpr double kLargeFactor = 2.6;
inline constexpr double kGap = 8.0;
// Full ink is drawn at grey 255·(1 − 0.6) ≈ 100: dark enough to read the
// digit, light enough that a map's colour still shows on the strokes, where
// gradients are largest.
inline constexpr double kInkDarkness = 0.6;
// A map whose largest |value| is below this share of its colour scale is
// drawn at most at a fifth of the palest colour's opacity (a cream tint at
// best): the tile says why it looks empty.
inline constexpr double kFaintShare = 0.1;
// The smallest type a tile's note is set in (px): smaller is unreadable; a
// note that does not fit then is left to the tooltip.
inline constexpr int kMinNotePixels = 7;
// tileAt: no tile under the position.
inline constexpr int kNoTile = -2;

// A position t in [0,1] on the sequential ramp.
QColor sequentialColor(double t);
// A map value over a base grey (0 = black ink, 255 = white background) at the
// overlay opacity: the map's colour with a weight that grows with |value|, so
// zero is transparent (the digit shows as it is) and the ends show the full
// colour. The colour bars use the same function over white.
QRgb composite(float value, const HeatMapPanel::Scale& scale, double opacity, int base);
// A map value in a tooltip or on a colour bar: "0", "0.37", "−2.1e-05".
QString formatValue(double v);
// Symmetric (signed) or [0, q] scale over the given maps: q is the saturation
// quantile of |value|.
HeatMapPanel::Scale scaleOver(const std::vector<const std::vector<float>*>& maps, bool signedScale);

} // namespace mnistx::ui::heatmap
