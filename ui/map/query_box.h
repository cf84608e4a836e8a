#pragma once

#include <QLineEdit>
#include <QString>
#include <QStringList>

class QCompleter;
class QStringListModel;

namespace mnistx::ui
{

// The map toolbar's filter box: a query line (core/query/sample_query.h)
// that completes the word under the cursor from the run's fields and the
// keywords, and shows an error in place: the box turns red, the bad token is
// selected and the message shows below it.
//
// Enter applies the text (queryEntered), Shift+Enter applies it and selects
// the matching samples; Escape, the clear button or an emptied box lift the
// query (queryEntered with ""). GUI thread.
class QueryBox : public QLineEdit
{
    Q_OBJECT
public:
    explicit QueryBox(QWidget* parent = nullptr);

    // The words the completion offers (fields, keywords).
    void setWords(const QStringList& words);
    // Marks the text wrong at [start, start + length) with a message; the
    // mark goes with the next edit or clearError.
    void showError(const QString& message, int start, int length);
    void clearError();
    bool hasError() const { return m_hasError; }
    // The text last applied (queryEntered), to tell an edit from the query in force.
    const QString& appliedText() const { return m_applied; }
    // Shows text as the query in force (the map's), without applying it.
    void setAppliedText(const QString& text);

Q_SIGNALS:
    void queryEntered(const QString& text, bool selectMatches);

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void onTextEdited(const QString& text);
    void insertCompletion(const QString& word);
    // The word the cursor is in or after: [start, cursor).
    int wordStart() const;
    void enter(bool selectMatches);

    QCompleter* m_completer = nullptr;
    QStringListModel* m_words = nullptr;
    QString m_applied;
    QString m_tip;
    bool m_hasError = false;
};

} // namespace mnistx::ui
