#include "ui/why/insights_panel.h"

#include "ui/explorer_session.h"
#include "ui/export/export_notice.h"
#include "ui/why/why_context.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <exception>

namespace mnistx::ui
{

namespace
{

struct KindStyle {
    QString text;
    QString tip;
    const char* foreground;
    const char* background;
};

// Dark text on a pale tint per kind: distinct at a glance, readable in print.
KindStyle kindStyle(why::InsightKind kind)
{
    switch (kind) {
    case why::InsightKind::FeatureCluster:
        return {QObject::tr("cluster"),
                QObject::tr("A cluster of similar samples in feature space (k-means on the "
                            "penultimate layer)"),
                "#4b2a7b", "#ece4f5"};
    case why::InsightKind::ConfusionPair:
        return {QObject::tr("confusion"),
                QObject::tr("Samples of one class predicted as one other class"), "#8a3b00",
                "#fde6cf"};
    case why::InsightKind::MetadataGroup:
    default:
        return {QObject::tr("metadata"),
                QObject::tr("Samples sharing one value of a property (label, ink, confidence, "
                            "distance to the class centroid, …)"),
                "#17496f", "#deebf7"};
    }
}

QString percent(double share)
{
    return QLocale().toString(100.0 * share, 'f', share < 0.1 ? 1 : 0) + QStringLiteral(" %");
}

} // namespace

InsightsPanel::InsightsPanel(WhyContext* context, QWidget* parent)
    : QWidget(parent), m_context(context), m_session(context->session())
{
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_exportButton = new QPushButton(tr("Export JSON…"), this);
    m_exportButton->setToolTip(
        tr("Save every insight with its numbers and sample indices as a JSON file"));
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setFrameShape(QFrame::NoFrame);

    auto* top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_exportButton, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_scroll, 1);

    connect(m_exportButton, &QPushButton::clicked, this, &InsightsPanel::exportInteractively);
    m_context->follow(this, [this] { followContext(); });
    setState(State::NoRun);
    followContext();
}

const std::vector<why::Insight>& InsightsPanel::insights() const
{
    static const std::vector<why::Insight> none;
    return m_insights ? *m_insights : none;
}

void InsightsPanel::followContext()
{
    using Status = WhyContext::Status;
    const Status status = m_context->status(WhyContext::Step::Insights);
    State state = m_context->hasMetadata() ? State::FindingInsights : State::ComputingMetadata;
    if (status == Status::NoRun)
        state = State::NoRun;
    else if (status == Status::Ready)
        state = State::Ready;
    else if (status == Status::Failed)
        state = State::Failed;
    const auto insights = state == State::Ready ? m_context->insights() : nullptr;
    if (state == m_state && insights == m_insights)
        return; // the context moved on elsewhere
    m_insights = insights;
    const QString error = m_context->errorText(WhyContext::Step::Insights);
    setState(state, error);
    if (state == State::Ready)
        Q_EMIT insightsReady(static_cast<int>(m_insights->size()));
    else if (state == State::Failed)
        Q_EMIT failed(error);
}

void InsightsPanel::setState(State state, const QString& detail)
{
    m_state = state;
    switch (state) {
    case State::NoRun:
        m_status->setText(tr("No run loaded."));
        break;
    case State::ComputingMetadata:
        m_status->setText(tr("Measuring every sample (ink, confidence, distances)…"));
        break;
    case State::FindingInsights:
        m_status->setText(tr("Looking for weak groups of samples…"));
        break;
    case State::Failed:
        m_status->setText(tr("The insights could not be computed: %1").arg(detail));
        break;
    case State::Ready:
        if (m_session->hasRun() && !m_session->scored()) {
            m_status->setText(ExplorerSession::noScoresReason() +
                              tr(" The insights look for groups with a high loss, so there "
                                 "are none."));
            break;
        }
        m_status->setText(
            insights().empty()
                ? tr("No weak group found: no cluster, confusion or property group has at "
                     "least %1× the subset's mean loss.")
                      .arg(m_context->insightConfig().minLossRatio)
                : (insights().size() == 1 ? tr("1 group where the model is weak.")
                                          : tr("%1 groups where the model is weakest, "
                                               "validation first, the largest excess loss first.")
                                                .arg(insights().size())));
        break;
    }
    m_exportButton->setEnabled(state == State::Ready && !insights().empty());
    rebuildList();
}

QString InsightsPanel::statusText() const
{
    return m_status->text();
}

void InsightsPanel::rebuildList()
{
    // A fresh container each time: setWidget deletes the old one with its cards.
    auto* container = new QWidget;
    auto* list = new QVBoxLayout(container);
    list->setContentsMargins(0, 0, 0, 0);
    list->setSpacing(6);
    m_selectButtons.clear();
    const QLocale locale;
    for (int i = 0; i < static_cast<int>(insights().size()); ++i) {
        const why::Insight& insight = insights()[static_cast<std::size_t>(i)];
        auto* card = new QFrame(container);
        card->setObjectName(QStringLiteral("insightCard"));
        card->setFrameShape(QFrame::StyledPanel);
        auto* cardLayout = new QVBoxLayout(card);
        cardLayout->setContentsMargins(8, 6, 8, 6);
        cardLayout->setSpacing(3);

        const KindStyle style = kindStyle(insight.kind);
        auto* badge = new QLabel(style.text, card);
        badge->setToolTip(style.tip);
        badge->setStyleSheet(
            QStringLiteral("QLabel { color: %1; background: %2; border-radius: "
                           "3px; padding: 1px 6px; font-weight: bold; }")
                .arg(QLatin1String(style.foreground), QLatin1String(style.background)));
        auto* subset = new QLabel(
            insight.subset == analysis::Subset::Train ? tr("train") : tr("validation"), card);
        subset->setStyleSheet(QStringLiteral("color: #555;"));
        auto* select = new QPushButton(tr("Select"), card);
        select->setToolTip(tr("Select these %1 samples on the map and in the gallery")
                               .arg(locale.toString(static_cast<int>(insight.samples.size()))));
        select->setEnabled(!insight.samples.empty());
        connect(select, &QPushButton::clicked, this, [this, i] { selectInsight(i); });
        m_selectButtons.append(select);
        auto* header = new QHBoxLayout;
        header->addWidget(badge);
        header->addWidget(subset);
        header->addStretch(1);
        header->addWidget(select);
        cardLayout->addLayout(header);

        // What the group is, in a few words: a name to scan the list by
        // ("4s and 9s near the 4/9 border · 312 samples · 18 % wrong").
        auto* title = new QLabel(QString::fromStdString(insight.title), card);
        title->setObjectName(QStringLiteral("insightTitle"));
        title->setWordWrap(true);
        title->setTextFormat(Qt::PlainText);
        title->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QFont titleFont = title->font();
        titleFont.setBold(true);
        title->setFont(titleFont);
        cardLayout->addWidget(title);

        auto* sentence = new QLabel(QString::fromStdString(insight.sentence), card);
        sentence->setWordWrap(true);
        sentence->setTextFormat(Qt::PlainText);
        sentence->setTextInteractionFlags(Qt::TextSelectableByMouse);
        cardLayout->addWidget(sentence);

        // The title has the size and error rate, the sentence the losses;
        // this line adds what the ranking uses.
        auto* numbers = new QLabel(tr("Carries %1 of the subset's loss beyond its share")
                                       .arg(percent(insight.excessLossShare)),
                                   card);
        numbers->setWordWrap(true);
        numbers->setStyleSheet(QStringLiteral("color: #555;"));
        numbers->setToolTip(
            tr("count × (group mean loss − subset mean loss) / subset total loss: how much "
               "of the subset's loss this group carries beyond its fair share. Insights are "
               "ranked by it."));
        cardLayout->addWidget(numbers);
        list->addWidget(card);
    }
    list->addStretch(1);
    m_scroll->setWidget(container);
}

QVector<int> InsightsPanel::idsOf(int insight) const
{
    QVector<int> ids;
    if (insight < 0 || insight >= static_cast<int>(insights().size()) || !m_session->hasRun())
        return ids;
    const why::Insight& in = insights()[static_cast<std::size_t>(insight)];
    ids.reserve(static_cast<int>(in.samples.size()));
    // Insight samples are indices within their subset; the session numbers
    // validation samples after the training ones.
    for (int index : in.samples)
        ids.append(m_session->idOf(in.subset, index));
    return ids;
}

void InsightsPanel::selectInsight(int insight)
{
    if (insight < 0 || insight >= static_cast<int>(insights().size()))
        return;
    m_session->setSelection(
        idsOf(insight),
        QString::fromStdString(insights()[static_cast<std::size_t>(insight)].sentence));
}

QPushButton* InsightsPanel::selectButton(int insight) const
{
    return insight >= 0 && insight < m_selectButtons.size() ? m_selectButtons[insight] : nullptr;
}

bool InsightsPanel::exportJson(const QString& path, QString* error) const
{
    try {
        why::writeInsightsJson(insights(), QDir::toNativeSeparators(path).toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void InsightsPanel::exportInteractively()
{
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export insights"), QStringLiteral("insights.json"), tr("JSON file (*.json)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    QString error;
    if (!exportJson(path, &error))
        QMessageBox::warning(this, tr("Export insights"), error);
    else
        notifyExported(this, path);
}

} // namespace mnistx::ui
