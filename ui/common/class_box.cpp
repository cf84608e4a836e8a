#include "ui/common/class_box.h"

#include "ui/explorer_session.h"

#include <QComboBox>
#include <QSignalBlocker>
#include <algorithm>

namespace mnistx::ui
{

void fillClassBox(QComboBox* box, const ExplorerSession& session)
{
    const int classes = session.hasRun() ? session.classCount() : 0;
    const int previous = box->currentData().isValid() ? box->currentData().toInt() : -1;
    const QSignalBlocker block(box);
    box->clear();
    box->addItem(QComboBox::tr("any"), -1);
    for (int c = 0; c < classes; ++c)
        box->addItem(session.className(c), c);
    box->setCurrentIndex(std::max(0, box->findData(previous < classes ? previous : -1)));
}

} // namespace mnistx::ui
