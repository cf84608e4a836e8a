#include "ui/map/query_box.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QPalette>
#include <QStringListModel>
#include <QToolTip>

namespace mnistx::ui
{

namespace
{

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('`');
}

} // namespace

QueryBox::QueryBox(QWidget* parent) : QLineEdit(parent)
{
    setPlaceholderText(tr("Filter: loss > 2 and label == 4"));
    setClearButtonEnabled(true);
    m_tip = tr("<p>Show only the samples a query matches (Enter; Shift+Enter also selects them; "
               "Esc lifts it), e.g.</p>"
               "<p><tt>loss &gt; 2 and label == 4</tt><br>"
               "<tt>subset == validation and prediction != label</tt><br>"
               "<tt>dist_own &gt; 9 or not correct</tt><br>"
               "<tt>label == \"Ankle boot\"</tt></p>"
               "<p>Fields: subset, index, label, prediction, nearest, correct, loss, confidence, "
               "margin, p0…, dist0…, dist_own, dist_pred, dist_nearest, x, y, source and your "
               "metadata.csv fields (<tt>`a name`</tt> in backticks). "
               "Ctrl+Space completes a field.</p>");
    setToolTip(m_tip);
    m_words = new QStringListModel(this);
    m_completer = new QCompleter(m_words, this);
    m_completer->setWidget(this);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchStartsWith);
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
            &QueryBox::insertCompletion);
    connect(this, &QLineEdit::textEdited, this, &QueryBox::onTextEdited);
    // The clear button (and any programmatic clear) lifts the query.
    connect(this, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty() && !m_applied.isEmpty())
            enter(false);
    });
}

void QueryBox::setWords(const QStringList& words)
{
    m_words->setStringList(words);
}

void QueryBox::showError(const QString& message, int start, int length)
{
    m_hasError = true;
    QPalette p = palette();
    p.setColor(QPalette::Base, QColor(0xff, 0xe4, 0xe4));
    setPalette(p);
    setSelection(start, length);
    const QString tip = tr("<p><b>%1</b></p>").arg(message.toHtmlEscaped()) + m_tip;
    setToolTip(tip);
    QToolTip::showText(mapToGlobal(QPoint(0, height())), message.toHtmlEscaped(), this);
}

void QueryBox::clearError()
{
    if (!m_hasError)
        return;
    m_hasError = false;
    setPalette(QPalette());
    setToolTip(m_tip);
    QToolTip::hideText();
}

void QueryBox::setAppliedText(const QString& text)
{
    m_applied = text;
    if (this->text() != text) {
        const QSignalBlocker block(this);
        setText(text);
    }
    clearError();
}

void QueryBox::enter(bool selectMatches)
{
    m_applied = text().trimmed();
    Q_EMIT queryEntered(m_applied, selectMatches);
}

bool QueryBox::event(QEvent* event)
{
    // While the word list is open, Enter and Tab take its current word and
    // Escape closes it, whether the keys come through the completer's
    // filter or straight here (QLineEdit would apply the text, or move the
    // focus on Tab).
    QAbstractItemView* popup = m_completer && event->type() == QEvent::KeyPress
                                   ? m_completer->popup()
                                   : nullptr; // (events come before the constructor is done)
    if (popup && popup->isVisible()) {
        auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Tab: {
            const QModelIndex current = popup->currentIndex();
            popup->hide();
            if (current.isValid())
                insertCompletion(current.data().toString());
            event->accept();
            return true;
        }
        case Qt::Key_Escape:
            popup->hide();
            event->accept();
            return true;
        default:
            break;
        }
    }
    return QLineEdit::event(event);
}

void QueryBox::keyPressEvent(QKeyEvent* event)
{
    QAbstractItemView* popup = m_completer->popup();
    const int key = event->key();
    if (key == Qt::Key_Return || key == Qt::Key_Enter) {
        enter(event->modifiers() & Qt::ShiftModifier);
        return;
    }
    if (key == Qt::Key_Escape && !text().isEmpty()) {
        clear(); // textChanged lifts the query
        return;
    }
    if (key == Qt::Key_Space && (event->modifiers() & Qt::ControlModifier)) {
        onTextEdited(text());
        if (!popup->isVisible()) {
            m_completer->setCompletionPrefix(QString());
            m_completer->complete();
            popup->setCurrentIndex(m_completer->completionModel()->index(0, 0));
        }
        return;
    }
    QLineEdit::keyPressEvent(event);
}

int QueryBox::wordStart() const
{
    const QString t = text();
    int start = cursorPosition();
    while (start > 0 && isWordChar(t[start - 1]))
        --start;
    return start;
}

void QueryBox::onTextEdited(const QString& text)
{
    clearError();
    const int start = wordStart();
    const QString prefix = text.mid(start, cursorPosition() - start);
    if (prefix.isEmpty() || prefix.front().isDigit()) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(prefix);
    // Nothing to offer, or the word is already whole: no popup.
    if (m_completer->completionCount() == 0 ||
        (m_completer->completionCount() == 1 &&
         m_completer->currentCompletion().compare(prefix, Qt::CaseInsensitive) == 0)) {
        m_completer->popup()->hide();
        return;
    }
    QRect rect = cursorRect();
    rect.setWidth(std::max(160, m_completer->popup()->sizeHintForColumn(0) + 24));
    m_completer->complete(rect);
    // The first word is the current one: Enter or Tab takes it.
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
}

void QueryBox::insertCompletion(const QString& word)
{
    const int start = wordStart();
    QString t = text();
    t.replace(start, cursorPosition() - start, word);
    setText(t);
    setCursorPosition(start + static_cast<int>(word.size()));
}

} // namespace mnistx::ui
