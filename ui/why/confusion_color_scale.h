#pragma once

#include "core/analysis/analysis_types.h"

#include <QColor>

namespace mnistx::ui
{

// The colours of the confusion matrix. Off-diagonal cells (the errors) go
// from pale orange to dark red on a logarithmic scale between the smallest
// and the largest error, so that 3 errors and 300 both show; the diagonal
// is a separate pale-to-mid green by the row's accuracy, never as dark as
// the errors' end, so the eye goes to the red cells. A plain value.
struct ConfusionColorScale {
    double smallest = 0.0;
    double largest = 0.0; // 0: no errors

    // The scale of confusion's (C × C, [gt][prediction]) off-diagonal cells:
    // counts, or shares of their row when rowShares.
    static ConfusionColorScale ofErrors(const MatrixXi64& confusion, bool rowShares);
    // 0 (palest) … 1 (darkest) for an error value; 0 for none.
    double position(double value) const;
    // The value at a position (the inverse of position).
    double valueAt(double position) const;

    // The error colour at a position of the scale (ColorBrewer OrRd stops:
    // the palest is still clearly not white, so a single error shows).
    static QColor errorColor(double position);
    // The diagonal's colour for a row accuracy in [0, 1] (50 % or less:
    // the palest green; the row's red cells say the rest).
    static QColor diagonalColor(double accuracy);
    // Black or white, whichever reads better on background (WCAG luminance).
    static QColor textColorOn(const QColor& background);
};

} // namespace mnistx::ui
