#pragma once

// Repulsive forces of t-SNE in O(N) by polynomial interpolation on a grid and
// FFT convolution (FIt-SNE: Linderman, Rachh, Hoskins, Steinerberger, Kluger,
// "Fast interpolation-based t-SNE for improved visualization of single-cell
// RNA-seq data", Nature Methods 2019).
//
// The map's bounding square is cut into B×B equal boxes with p Lagrange nodes
// per box and axis, so the nodes form a uniform n×n grid (n = p·B). Every point
// spreads four charges [1, x, y, x²+y²] onto the p×p nodes of its box, the
// kernel 1/(1+d²)² is applied between all node pairs by FFT convolution on a
// zero-padded M×M grid (M ≥ 2n), and the node potentials are interpolated back
// to the points. From those four potentials follow both the repulsive force
// Σ_j (y_i−y_j)/(1+d_ij²)² and the normalisation Z = Σ_{i≠j} 1/(1+d_ij²),
// because 1/(1+d²) = (1+d²)/(1+d²)².

#include "core/projection/task_runner.h"
#include "core/util/matrix.h"

#include <memory>

namespace mnistx::projection
{

struct FftRepulsionConfig {
    // Lagrange nodes per box and axis (FIt-SNE's default p = 3). Relative error
    // of the force field on a ±30 map: 2% (p=3), 0.5% (4), 0.24% (5); maps of
    // MNIST come out equally good with 3 and 5. Each node more costs
    // (p+1)²/p² per point and grid; above ~6 equispaced nodes get worse again
    // (Runge's phenomenon).
    int nodesPerInterval = 3;
    // Widest box, in map units: the kernel 1/(1+d²)² changes on a scale of 1,
    // so boxes wider than that lose accuracy (FIt-SNE's intervals_per_integer).
    double intervalWidth = 1.0;
    // Boxes per axis at least: keeps the grid fine while the map is still tiny
    // (the first iterations) and accuracy relative to the extent high.
    int minIntervals = 50;
};

// Computes the repulsive terms for a 2D map. Holds grids and FFT plans between
// calls so an optimiser can reuse them every iteration; not thread-safe (one
// thread calls compute at a time, it fans out through the runner).
class FftRepulsion
{
public:
    explicit FftRepulsion(FftRepulsionConfig config = {});
    ~FftRepulsion();
    FftRepulsion(const FftRepulsion&) = delete;
    FftRepulsion& operator=(const FftRepulsion&) = delete;

    // y: N×2 map coordinates (finite). forces is resized to N×2 and receives
    // Σ_{j≠i} (y_i−y_j)/(1+|y_i−y_j|²)² (not yet divided by Z). Returns
    // Z = Σ_{i≠j} 1/(1+|y_i−y_j|²). Throws std::invalid_argument for
    // non-finite coordinates; rethrows what the runner throws (e.g. Cancelled).
    double compute(const RowMatrixXf& y, RowMatrixXf& forces,
                   const TaskRunner& run = runTasksSerially);

    // FFT size per axis (M) and boxes per axis (B) of the last compute().
    int fftSize() const;
    int intervals() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The same quantities by the exact O(N²) double-precision sums: the reference
// for tests of the interpolation. Serial; only for a few thousand points.
double exactRepulsion(const RowMatrixXf& y, RowMatrixXd& forces);

} // namespace mnistx::projection
