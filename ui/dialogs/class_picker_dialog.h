#pragma once

#include <QDialog>
#include <QStringList>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;

namespace mnistx::ui
{

// Picks the classes the map's class colourings tell apart (the rest are
// grey): a list of every class with a check box, a filter field for long
// lists (hundreds of classes), All / None, and a count of the chosen. The
// order of choosing is kept: the first chosen get the first colours.
class ClassPickerDialog : public QDialog
{
    Q_OBJECT
public:
    // names: every class's name, in label order; chosen: the classes ticked
    // at the start (empty: all).
    ClassPickerDialog(const QStringList& names, const std::vector<int>& chosen,
                      QWidget* parent = nullptr);

    // The ticked classes in the order they were ticked; empty when all are.
    std::vector<int> chosenClasses() const;

private:
    void applyFilter(const QString& text);
    void setAll(bool checked);
    void onItemChanged(int row);
    void updateCount();

    QLineEdit* m_filter = nullptr;
    QListWidget* m_list = nullptr;
    QLabel* m_count = nullptr;
    std::vector<int> m_order; // ticked classes, in the order they were ticked
};

} // namespace mnistx::ui
