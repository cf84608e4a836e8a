#pragma once

#include <QColor>
#include <QRgb>
#include <algorithm>
#include <cmath>

namespace mnistx::ui::mapstyle
{

// Dot radius in logical pixels as a function of the sample's cross-entropy
// loss (nats). Monotone and clamped: area grows linearly with loss (radius on
// a sqrt scale), because readers judge a dot by its area, not its radius.
inline constexpr float kMinDotRadius = 1.5f; // still visible as a dot at 1× on a 70k-dot map
inline constexpr float kMaxDotRadius =
    7.0f; // large enough to spot, small enough not to hide a cluster
// 2.5 nats = p(ground truth) ≈ 0.08: beyond that a sample is simply "very
// wrong", and MNIST's rare losses of 10+ nats would otherwise dwarf the rest.
inline constexpr float kLossClamp = 2.5f;
// Radii are quantised so that one pre-rendered sprite serves every dot of a
// size; 16 steps of ≈0.37 px are finer than the eye can tell apart.
inline constexpr int kSizeBuckets = 16;
// Dot opacity: overlapping dots darken, so density shows inside clusters.
inline constexpr float kDotAlpha = 0.6f;
// A dot can be picked this many pixels beyond its drawn edge (hover, click),
// so 1.5 px dots are not a pixel hunt.
inline constexpr float kPickSlack = 3.0f;

inline float radiusForLoss(float loss)
{
    if (!(loss > 0.0f)) // also NaN
        return kMinDotRadius;
    const float t = std::min(loss, kLossClamp) / kLossClamp;
    return kMinDotRadius + (kMaxDotRadius - kMinDotRadius) * std::sqrt(t);
}

inline int sizeBucketForLoss(float loss)
{
    if (!(loss > 0.0f))
        return 0;
    const float t = std::min(loss, kLossClamp) / kLossClamp;
    return std::clamp(static_cast<int>(std::lround(std::sqrt(t) * (kSizeBuckets - 1))), 0,
                      kSizeBuckets - 1);
}

// Without model scores a dot is sized by its distance to its own class
// centroid, on the same square-root scale as the losses: `near` and closer
// get the smallest dot, `far` and beyond the largest (the median and the
// 99th percentile of the distances in the sample's class: like a loss, it
// picks out the samples unlike their class, whatever the scale of the
// space or the spread of the class).
inline int sizeBucketForDistance(float distance, float near, float far)
{
    return sizeBucketForLoss(far > near ? kLossClamp * (distance - near) / (far - near) : 0.0f);
}

inline float radiusOfBucket(int bucket)
{
    return kMinDotRadius +
           (kMaxDotRadius - kMinDotRadius) * static_cast<float>(bucket) / (kSizeBuckets - 1);
}

// Losses shown in the size legend: a confident correct sample, an unsure
// one, and the clamp (every loss at or above it gets the largest dot).
inline constexpr float kSizeLegendLosses[3] = {0.1f, 0.8f, kLossClamp};

// Correct/wrong and subset colourings: muted for the many, strong for the few.
inline QRgb correctColor()
{
    return qRgb(0x9c, 0xb4, 0xcc);
} // light steel blue
inline QRgb wrongColor()
{
    return qRgb(0xd6, 0x27, 0x28);
} // red: errors are what we look for
inline QRgb trainColor()
{
    return qRgb(0x4e, 0x79, 0xa7);
}
inline QRgb validationColor()
{
    return qRgb(0xf2, 0x8e, 0x2b);
}
// The classes a class colouring leaves out (MapFilterState::setColoredClasses):
// a light grey that recedes behind the chosen classes' colours.
inline QRgb otherClassesColor()
{
    return qRgb(0xd4, 0xd4, 0xd4);
}

// Marks drawn over the dots. Selection rings share the rubber band's and
// lasso's accent blue (darker and more saturated than class 0's blue), so
// they do not read as the misclassified outline; highlights are black.
inline QRgb selectionRingColor()
{
    return qRgb(0x1f, 0x4f, 0xd0);
}
inline QRgb highlightRingColor()
{
    return qRgb(0x00, 0x00, 0x00);
}
// Gap between a dot's edge and its ring, and the ring widths (logical px):
// wide enough to read on a busy map, thin enough not to hide neighbours.
inline constexpr float kRingGap = 1.0f;
inline constexpr float kThinRingWidth = 1.2f;
inline constexpr float kThickRingWidth = 2.2f;
// Rings nearly opaque (they must read over dots of any colour); the outline
// of an outlined dot (MapRenderer::kEdgeWidth) a little lighter, so it stays
// behind a ring.
inline constexpr float kRingAlpha = 0.9f;
inline constexpr float kEdgeAlpha = 0.85f;

} // namespace mnistx::ui::mapstyle
