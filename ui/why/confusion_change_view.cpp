#include "ui/why/confusion_change_view.h"

#include "ui/common/hint_stack.h"
#include "ui/explorer_session.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// A colour between white and `full` by strength in [0, 1].
QColor towards(const QColor& full, double strength)
{
    const double t = std::clamp(strength, 0.0, 1.0);
    const auto mix = [t](int c) { return static_cast<int>(std::lround(255 + (c - 255) * t)); };
    return QColor(mix(full.red()), mix(full.green()), mix(full.blue()));
}

QString signedText(long long n)
{
    if (n == 0)
        return {};
    const QString digits = QLocale().toString(std::llabs(n));
    return n > 0 ? QStringLiteral("+") + digits : QStringLiteral("−") + digits;
}

} // namespace

ConfusionChangeView::ConfusionChangeView(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_subsetBox = new QComboBox(this);
    m_subsetBox->addItem(tr("Validation"), static_cast<int>(analysis::Subset::Validation));
    m_subsetBox->addItem(tr("Training"), static_cast<int>(analysis::Subset::Train));
    m_subsetBox->setToolTip(tr("The subset whose confusion matrices are compared"));
    connect(m_subsetBox, &QComboBox::currentIndexChanged, this, [this] {
        setSubset(static_cast<analysis::Subset>(m_subsetBox->currentData().toInt()));
    });
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_model = new QStandardItemModel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setToolTip(tr("Rows: ground truth; columns: prediction. Each cell: the open run's "
                           "count minus the other run's."));
    m_stack = new HintStack(m_table, this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_subsetBox);
    top->addWidget(m_summary, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_stack, 1);
    connect(m_session, &ExplorerSession::runChanged, this, &ConfusionChangeView::refresh);
    refresh();
}

void ConfusionChangeView::setComparison(std::shared_ptr<const store::RunData> other,
                                        const QString& name)
{
    m_other = std::move(other);
    m_name = name;
    refresh();
}

void ConfusionChangeView::setSubset(analysis::Subset subset)
{
    m_subset = subset;
    {
        const QSignalBlocker block(m_subsetBox);
        m_subsetBox->setCurrentIndex(m_subsetBox->findData(static_cast<int>(subset)));
    }
    refresh();
}

long long ConfusionChangeView::change(int label, int prediction) const
{
    if (!m_other || !m_session->hasRun())
        return 0;
    const auto& b =
        m_subset == analysis::Subset::Train ? m_session->run().train : m_session->run().validation;
    const auto& a = m_subset == analysis::Subset::Train ? m_other->train : m_other->validation;
    const int C = static_cast<int>(b.confusion.rows());
    if (label < 0 || prediction < 0 || label >= C || prediction >= C || a.confusion.rows() != C ||
        a.confusion.cols() != C)
        return 0;
    return b.confusion(label, prediction) - a.confusion(label, prediction);
}

QString ConfusionChangeView::cellText(int label, int prediction) const
{
    return signedText(change(label, prediction));
}

QString ConfusionChangeView::summaryText() const
{
    return m_summary->text();
}

void ConfusionChangeView::refresh()
{
    m_model->clear();
    const bool fits = m_other && m_session->hasRun() &&
                      m_other->train.sampleCount() == m_session->trainCount() &&
                      m_other->validation.sampleCount() == m_session->validationCount() &&
                      m_other->train.classCount == m_session->classCount();
    if (!fits) {
        m_summary->clear();
        m_stack->showHint(tr("Compare the open run with another one (Run ▸ Compare With…, "
                             "Ctrl+Shift+W) to see how its confusion matrix changed."));
        return;
    }
    const int C = m_session->classCount();
    long long maxChange = 1, fewer = 0, more = 0;
    for (int g = 0; g < C; ++g)
        for (int p = 0; p < C; ++p) {
            const long long d = change(g, p);
            maxChange = std::max(maxChange, std::llabs(d));
            if (g != p)
                (d < 0 ? fewer : more) += std::llabs(d);
        }
    QStringList names;
    for (int c = 0; c < C; ++c)
        names << m_session->className(c);
    m_model->setRowCount(C);
    m_model->setColumnCount(C);
    m_model->setHorizontalHeaderLabels(names);
    m_model->setVerticalHeaderLabels(names);
    const auto& b =
        m_subset == analysis::Subset::Train ? m_session->run().train : m_session->run().validation;
    const auto& a = m_subset == analysis::Subset::Train ? m_other->train : m_other->validation;
    for (int g = 0; g < C; ++g)
        for (int p = 0; p < C; ++p) {
            const long long d = change(g, p);
            auto* item = new QStandardItem(signedText(d));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            // Errors more: red, fewer: blue; right answers more: green, fewer: red.
            const double strength = 0.15 + 0.85 * double(std::llabs(d)) / double(maxChange);
            QColor colour;
            if (d != 0) {
                if (g != p)
                    colour = d > 0 ? QColor(0xd3, 0x2f, 0x2f) : QColor(0x1e, 0x63, 0xb4);
                else
                    colour = d > 0 ? QColor(0x2e, 0x7d, 0x32) : QColor(0xd3, 0x2f, 0x2f);
                item->setBackground(towards(colour, strength * 0.6));
            }
            item->setToolTip(tr("GT %1 predicted %2: %3 in %4, %5 in the open run")
                                 .arg(names[g], names[p])
                                 .arg(a.confusion(g, p))
                                 .arg(m_name)
                                 .arg(b.confusion(g, p)));
            m_model->setItem(g, p, item);
        }
    m_summary->setText(
        tr("%1: %2 errors fewer, %3 more (%4 → the open run)")
            .arg(m_subset == analysis::Subset::Train ? tr("training") : tr("validation"))
            .arg(QLocale().toString(fewer))
            .arg(QLocale().toString(more))
            .arg(m_name));
    m_stack->showContent();
}

} // namespace mnistx::ui
