#pragma once

// Private to the UMAP layout: the gradient terms of one edge sample — its
// attraction and its negative samples, all at the point's position before
// the sample — evaluated a vector at a time. Scalar libm powf was a third of
// the SGD's time; this computes d^(2b) as exp2(b·log2(d²)) with Cephes' float
// polynomials (relative error < 2e-6, far below the sampling noise of the
// SGD) and the whole sample in a few vector instructions.
//
// Written once with GCC's vector extensions and compiled twice: 4 lanes in
// umap_layout.cpp (SSE2, x86-64's baseline), 8 lanes in
// umap_terms_avx2.cpp (built with -mavx2, used when the CPU has it). Every
// lane does the same IEEE operations in the same order (no FMA: neither
// translation unit enables it), and the callers add the lanes in the order of
// the 4-lane code, so a map does not depend on which one ran.
// Everything is in an unnamed namespace: each translation unit has its own
// copy, compiled for its own instruction set.

#include <cstdint>
#include <limits>

namespace mnistx::projection
{

// The constants of the gradient terms, for the vector kernel below and the
// scalar fallback in umap_layout.cpp.
struct GradientTerms {
    float a, b;
    float attract; // −2ab
    float repel;   // 2γb
};

// Gradient clip per coordinate (umap-learn, uwot): one sample must not fling a
// point across the map.
constexpr float kGradientClip = 4.0f;
// The repulsive gradient's 0.001 in 1/((0.001 + d²)(1 + a·d^2b)) keeps it
// finite for coincident points (umap-learn's value).
constexpr float kRepulsionEpsilon = 0.001f;

} // namespace mnistx::projection

#if defined(__GNUC__) || defined(__clang__)
#define MNISTX_UMAP_VECTOR_TERMS 1

namespace mnistx::projection
{

namespace
{

template <int Lanes> struct TermVectors {
    typedef float F __attribute__((vector_size(4 * Lanes)));
    typedef std::int32_t I __attribute__((vector_size(4 * Lanes)));
};

template <class F> inline F splat(float v)
{
    F out;
    for (unsigned l = 0; l < sizeof(F) / sizeof(float); ++l)
        out[l] = v;
    return out;
}

// minps / maxps: the second operand when the comparison fails.
template <class F> inline F vmin(F a, F b)
{
    return a < b ? a : b;
}
template <class F> inline F vmax(F a, F b)
{
    return a > b ? a : b;
}

template <class F, class I> inline F select(I mask, F ifTrue, F ifFalse)
{
    return (F)((mask & (I)ifTrue) | (~mask & (I)ifFalse));
}

// log2(x) for positive normal x.
template <class F, class I> inline F log2Vector(F x)
{
    const I bits = (I)x;
    const I exponent = ((bits >> 23) & 0xFF) - 127;
    F m = (F)((bits & 0x007FFFFF) | 0x3F800000); // [1, 2)
    const F one = splat<F>(1.0f);
    const I high = m > splat<F>(1.41421356f); // centre on 1: [√½, √2)
    m = select(high, m * splat<F>(0.5f), m);
    const F e = __builtin_convertvector(exponent, F) + select(high, one, splat<F>(0.0f));
    const F t = m - one;
    const F z = t * t;
    // Cephes logf: ln(1+t) = t − z/2 + t·z·P(t).
    F p = splat<F>(7.0376836292e-2f);
    p = p * t + splat<F>(-1.1514610310e-1f);
    p = p * t + splat<F>(1.1676998740e-1f);
    p = p * t + splat<F>(-1.2420140846e-1f);
    p = p * t + splat<F>(1.4249322787e-1f);
    p = p * t + splat<F>(-1.6668057665e-1f);
    p = p * t + splat<F>(2.0000714765e-1f);
    p = p * t + splat<F>(-2.4999993993e-1f);
    p = p * t + splat<F>(3.3333331174e-1f);
    const F ln = t + ((t * z) * p - splat<F>(0.5f) * z);
    return e + ln * splat<F>(1.44269504088896341f);
}

// 2^y, y clamped to the normal range.
template <class F, class I> inline F exp2Vector(F y)
{
    y = vmin(vmax(y, splat<F>(-126.0f)), splat<F>(126.0f));
    const F one = splat<F>(1.0f);
    // i = round(y) via floor(y + ½); truncation rounds negatives up, fix that.
    const F shifted = y + splat<F>(0.5f);
    F i = __builtin_convertvector(__builtin_convertvector(shifted, I), F);
    i = i - select(i > shifted, one, splat<F>(0.0f));
    const F f = y - i; // [−½, ½]
    // Cephes exp2f: 2^f = 1 + f·P(f).
    F p = splat<F>(1.535336188319500e-4f);
    p = p * f + splat<F>(1.339887440266574e-3f);
    p = p * f + splat<F>(9.618437357674640e-3f);
    p = p * f + splat<F>(5.550332471162809e-2f);
    p = p * f + splat<F>(2.402264791363012e-1f);
    p = p * f + splat<F>(6.931472028550421e-1f);
    const F mantissa = one + f * p;
    const I scale = (__builtin_convertvector(i, I) + 127) << 23;
    return mantissa * (F)scale;
}

// The clipped gradient components of Lanes terms into tx, ty: lanes with
// isAttraction[l] ≠ 0 are attractions, the others repulsions; padding lanes
// are attractions at distance 0 (they give 0).
template <int Lanes>
inline void evaluateTerms(const GradientTerms& g, const float* dx, const float* dy,
                          const float* isAttraction, float* tx, float* ty)
{
    using F = typename TermVectors<Lanes>::F;
    using I = typename TermVectors<Lanes>::I;
    F vx, vy, attractionFlags;
    __builtin_memcpy(&vx, dx, sizeof vx);
    __builtin_memcpy(&vy, dy, sizeof vy);
    __builtin_memcpy(&attractionFlags, isAttraction, sizeof attractionFlags);
    const F zeroes = splat<F>(0.0f);
    const I attraction = attractionFlags != zeroes;
    const F d2 = vx * vx + vy * vy;
    const I zero = d2 == zeroes;
    const F safe = vmax(d2, splat<F>(std::numeric_limits<float>::min()));
    const F power = exp2Vector<F, I>(splat<F>(g.b) * log2Vector<F, I>(safe)); // d^(2b)
    const F q = splat<F>(1.0f) + splat<F>(g.a) * power;
    // attraction: −2ab·d^(2b−2)/(1 + a·d^(2b)) = −2ab·d^(2b) / (d²·q)
    // repulsion:  2γb / ((0.001 + d²)·q)
    const F numerator = select(attraction, splat<F>(g.attract) * power, splat<F>(g.repel));
    const F denominator = select(attraction, safe, d2 + splat<F>(kRepulsionEpsilon)) * q;
    const F coeff = numerator / denominator;
    const F lo = splat<F>(-kGradientClip), hi = splat<F>(kGradientClip);
    F cx = vmin(vmax(coeff * vx, lo), hi);
    F cy = vmin(vmax(coeff * vy, lo), hi);
    // Coincident points: attractions add nothing, repulsions umap-learn's
    // fixed push of +4 on both axes.
    const F coincident = select(attraction, zeroes, hi);
    cx = select(zero, coincident, cx);
    cy = select(zero, coincident, cy);
    __builtin_memcpy(tx, &cx, sizeof cx);
    __builtin_memcpy(ty, &cy, sizeof cy);
}

} // namespace

// Eight terms with AVX2 (umap_terms_avx2.cpp); call only where the CPU has it.
void evaluateTermsAvx2(const GradientTerms& g, const float* dx, const float* dy,
                       const float* isAttraction, float* tx, float* ty);

} // namespace mnistx::projection

#endif
