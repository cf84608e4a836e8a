#include "ui/common/subset_filter.h"

#include <QComboBox>
#include <QSignalBlocker>
#include <algorithm>

namespace mnistx::ui
{

bool subsetAccepts(SubsetFilter filter, analysis::Subset subset)
{
    switch (filter) {
    case SubsetFilter::Train:
        return subset == analysis::Subset::Train;
    case SubsetFilter::Validation:
        return subset == analysis::Subset::Validation;
    case SubsetFilter::Both:
        break;
    }
    return true;
}

QComboBox* makeSubsetBox(SubsetBoxWords words, const QString& toolTip, QWidget* parent)
{
    auto* box = new QComboBox(parent);
    const bool toolbar = words == SubsetBoxWords::Toolbar;
    box->addItem(toolbar ? QComboBox::tr("Train + validation") : QComboBox::tr("both"),
                 static_cast<int>(SubsetFilter::Both));
    box->addItem(toolbar ? QComboBox::tr("Training set") : QComboBox::tr("train"),
                 static_cast<int>(SubsetFilter::Train));
    box->addItem(toolbar ? QComboBox::tr("Validation set") : QComboBox::tr("validation"),
                 static_cast<int>(SubsetFilter::Validation));
    box->setToolTip(toolTip);
    return box;
}

SubsetFilter subsetFilterOf(const QComboBox* box)
{
    return static_cast<SubsetFilter>(box->currentData().toInt());
}

void showSubsetFilter(QComboBox* box, SubsetFilter filter)
{
    const QSignalBlocker block(box);
    box->setCurrentIndex(std::max(0, box->findData(static_cast<int>(filter))));
}

} // namespace mnistx::ui
