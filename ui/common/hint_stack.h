#pragma once

class QLabel;
class QStackedWidget;
class QWidget;

namespace mnistx::ui
{

// The hint a view shows instead of its content ("No run loaded", "Select a
// sample…"): centred, wrapped, grey, with room around it, alike in every
// view. Parented to parent. GUI thread.
QLabel* makeHintLabel(QWidget* parent);

// A stack of the hint (page 0) and the view's content (page 1), parented to
// parent; setCurrentIndex/setCurrentWidget switches between them. GUI thread.
QStackedWidget* makeHintStack(QWidget* parent, QLabel* hint, QWidget* content);

} // namespace mnistx::ui
