#include "ui/dialogs/projection_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace mnistx::ui
{

namespace
{

QWidget* formPage(QWidget* parent, QFormLayout** form)
{
    auto* page = new QWidget(parent);
    *form = new QFormLayout(page);
    (*form)->setContentsMargins(0, 0, 0, 0);
    return page;
}

} // namespace

ProjectionDialog::ProjectionDialog(const QString& method, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Recompute the Map"));
    auto* layout = new QVBoxLayout(this);
    auto* top = new QFormLayout;
    m_method = new QComboBox(this);
    m_method->addItem(tr("UMAP (fast, keeps clusters and their neighbours)"),
                      QStringLiteral("umap"));
    m_method->addItem(tr("t-SNE (FFT-accelerated, tight clusters)"), QStringLiteral("tsne"));
    m_method->addItem(tr("PCA (instant, linear: classes overlap)"), QStringLiteral("pca"));
    m_method->setToolTip(tr("How the 64 features of every sample are mapped to 2D"));
    top->addRow(tr("&Method:"), m_method);
    layout->addLayout(top);

    m_pages = new QStackedWidget(this);
    QFormLayout* form = nullptr;

    QWidget* umap = formPage(m_pages, &form);
    m_umapNeighbours = new QSpinBox(umap);
    m_umapNeighbours->setRange(2, 200);
    m_umapNeighbours->setValue(15);
    m_umapNeighbours->setToolTip(tr("Size of the neighbourhood UMAP preserves (n_neighbors)"));
    form->addRow(tr("&Neighbours:"), m_umapNeighbours);
    m_umapMinDist = new QDoubleSpinBox(umap);
    m_umapMinDist->setRange(0.0, 1.0);
    m_umapMinDist->setSingleStep(0.05);
    m_umapMinDist->setValue(0.1);
    m_umapMinDist->setToolTip(tr("How tightly points may pack in the map (min_dist)"));
    form->addRow(tr("M&inimum distance:"), m_umapMinDist);
    m_umapEpochs = new QSpinBox(umap);
    m_umapEpochs->setRange(0, 5000);
    m_umapEpochs->setSpecialValueText(tr("automatic"));
    m_umapEpochs->setValue(0);
    m_umapEpochs->setToolTip(tr("Optimisation epochs; automatic picks by data size"));
    form->addRow(tr("&Epochs:"), m_umapEpochs);
    m_pages->addWidget(umap);

    QWidget* tsne = formPage(m_pages, &form);
    m_tsnePerplexity = new QDoubleSpinBox(tsne);
    m_tsnePerplexity->setRange(2.0, 200.0);
    m_tsnePerplexity->setValue(30.0);
    m_tsnePerplexity->setToolTip(tr("Effective number of neighbours of every point"));
    form->addRow(tr("&Perplexity:"), m_tsnePerplexity);
    m_tsneIterations = new QSpinBox(tsne);
    m_tsneIterations->setRange(50, 10000);
    m_tsneIterations->setValue(750);
    m_tsneIterations->setToolTip(tr("Gradient-descent iterations (early exaggeration included)"));
    form->addRow(tr("&Iterations:"), m_tsneIterations);
    m_pages->addWidget(tsne);

    auto* pca = new QLabel(tr("PCA has no parameters."), m_pages);
    m_pages->addWidget(pca);
    layout->addWidget(m_pages);

    connect(m_method, &QComboBox::currentIndexChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_method->setCurrentIndex(std::max(0, m_method->findData(method)));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Recompute"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString ProjectionDialog::method() const
{
    return m_method->currentData().toString();
}

std::map<std::string, double> ProjectionDialog::parameters() const
{
    const QString m = method();
    if (m == QLatin1String("umap")) {
        std::map<std::string, double> p{{"n_neighbors", m_umapNeighbours->value()},
                                        {"min_dist", m_umapMinDist->value()}};
        if (m_umapEpochs->value() > 0)
            p["epochs"] = m_umapEpochs->value();
        return p;
    }
    if (m == QLatin1String("tsne"))
        return {{"perplexity", m_tsnePerplexity->value()},
                {"iterations", m_tsneIterations->value()}};
    return {};
}

} // namespace mnistx::ui
