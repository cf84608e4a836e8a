#pragma once

#include <QStackedWidget>

class QLabel;

namespace mnistx::ui
{

// The hint a view shows instead of its content ("No run loaded", "Select a
// sample…"): centred, wrapped, grey, with room around it, alike in every
// view. Parented to parent. GUI thread.
QLabel* makeHintLabel(QWidget* parent);

// A view's content and the hint shown in its place while there is nothing to
// show: a stack of the hint label (makeHintLabel) and the content. Starts on
// the hint. GUI thread.
class HintStack : public QStackedWidget
{
    Q_OBJECT
public:
    // content: reparented to the stack.
    HintStack(QWidget* content, QWidget* parent);

    void setHintText(const QString& text);
    QString hintText() const;
    // Shows the hint (with its current text) instead of the content.
    void showHint();
    void showHint(const QString& text);
    void showContent();
    // The content when `content`, else the hint.
    void setContentShown(bool content);
    bool showsHint() const;

private:
    QLabel* m_hint;
};

} // namespace mnistx::ui
