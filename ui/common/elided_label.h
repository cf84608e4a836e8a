#pragma once

#include <QLabel>
#include <QString>

namespace mnistx::ui
{

// One line that elides its text to the width it gets, with the whole text
// (and an explanation) in its tooltip. Its size hint leaves the width to the
// layout, so a long text never widens its dock or the window.
class ElidedLabel : public QLabel
{
public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    void setFullText(const QString& text, const QString& explanation = {});
    const QString& fullText() const { return m_full; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();
    QString m_full;
};

} // namespace mnistx::ui
