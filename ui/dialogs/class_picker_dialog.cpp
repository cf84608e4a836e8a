#include "ui/dialogs/class_picker_dialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <algorithm>

namespace mnistx::ui
{

namespace
{
// Classes the palette keeps apart (classColor): more chosen ones repeat hues.
constexpr int kDistinctColours = 20;
} // namespace

ClassPickerDialog::ClassPickerDialog(const QStringList& names, const std::vector<int>& chosen,
                                     QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Colour Classes"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("The class colourings give each ticked class its own colour, in "
                                "the order ticked; the other classes are grey."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter classes"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Shows only the classes whose name or number holds this text"));
    connect(m_filter, &QLineEdit::textChanged, this, &ClassPickerDialog::applyFilter);
    layout->addWidget(m_filter);

    m_list = new QListWidget(this);
    m_list->setUniformItemSizes(true); // a thousand classes stay quick to lay out
    const bool all = chosen.empty();
    m_order = chosen;
    for (int c = 0; c < names.size(); ++c) {
        auto* item = new QListWidgetItem(
            names[c] == QString::number(c) ? names[c] : tr("%1 (%2)").arg(names[c]).arg(c), m_list);
        item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        const bool ticked = all || std::find(chosen.begin(), chosen.end(), c) != chosen.end();
        item->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
    }
    if (all)
        for (int c = 0; c < names.size(); ++c)
            m_order.push_back(c);
    connect(m_list, &QListWidget::itemChanged, this,
            [this](QListWidgetItem* item) { onItemChanged(m_list->row(item)); });
    layout->addWidget(m_list, 1);

    auto* row = new QHBoxLayout;
    auto* allButton = new QPushButton(tr("&All"), this);
    allButton->setToolTip(tr("Tick every class shown by the filter"));
    connect(allButton, &QPushButton::clicked, this, [this] { setAll(true); });
    auto* noneButton = new QPushButton(tr("&None"), this);
    noneButton->setToolTip(tr("Untick every class shown by the filter"));
    connect(noneButton, &QPushButton::clicked, this, [this] { setAll(false); });
    m_count = new QLabel(this);
    row->addWidget(allButton);
    row->addWidget(noneButton);
    row->addWidget(m_count, 1);
    layout->addLayout(row);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    updateCount();
    resize(360, 480);
}

std::vector<int> ClassPickerDialog::chosenClasses() const
{
    if (static_cast<int>(m_order.size()) == m_list->count())
        return {};
    return m_order;
}

void ClassPickerDialog::applyFilter(const QString& text)
{
    for (int r = 0; r < m_list->count(); ++r) {
        QListWidgetItem* item = m_list->item(r);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive));
    }
}

void ClassPickerDialog::setAll(bool checked)
{
    {
        const QSignalBlocker block(m_list);
        for (int r = 0; r < m_list->count(); ++r) {
            QListWidgetItem* item = m_list->item(r);
            if (item->isHidden() || (item->checkState() == Qt::Checked) == checked)
                continue;
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            if (checked)
                m_order.push_back(r);
            else
                m_order.erase(std::remove(m_order.begin(), m_order.end(), r), m_order.end());
        }
    }
    updateCount();
}

void ClassPickerDialog::onItemChanged(int row)
{
    m_order.erase(std::remove(m_order.begin(), m_order.end(), row), m_order.end());
    if (m_list->item(row)->checkState() == Qt::Checked)
        m_order.push_back(row);
    updateCount();
}

void ClassPickerDialog::updateCount()
{
    const int n = static_cast<int>(m_order.size());
    QString text = tr("%1 of %2 classes ticked").arg(n).arg(m_list->count());
    if (n > kDistinctColours)
        text += tr("; past %1, colours get hard to tell apart").arg(kDistinctColours);
    m_count->setText(text);
    // Nothing ticked would grey out every dot.
    if (auto* box = findChild<QDialogButtonBox*>())
        box->button(QDialogButtonBox::Ok)->setEnabled(n > 0);
}

} // namespace mnistx::ui
