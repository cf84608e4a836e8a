#include "ui/dialogs/projection_dialog.h"

#include "core/projection/tsne.h"
#include "core/projection/umap.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <vector>

namespace mnistx::ui
{

namespace
{

// A number on a method's page, as the user sees it.
struct FieldSpec {
    QString method;
    std::string key;
    QString label;
    QString tip;
    double min = 0.0;
    double max = 0.0;
    double value = 0.0;
    int decimals = 0; // 0: whole numbers
    double step = 1.0;
    bool zeroIsAutomatic = false;
};

// The parameters makeProjector reads, with the projectors' own defaults
// (UmapConfig, TsneConfig) and sensible ranges; a method's page shows them in
// this order.
std::vector<FieldSpec> fieldSpecs()
{
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("ProjectionDialog", text);
    };
    const projection::UmapConfig umap;
    const projection::TsneConfig tsne;
    return {
        {"umap", "n_neighbors", tr("&Neighbours:"),
         tr("Size of the neighbourhood UMAP preserves (n_neighbors)"), 2, 200,
         double(umap.nNeighbors)},
        {"umap", "min_dist", tr("M&inimum distance:"),
         tr("How tightly points may pack in the map (min_dist)"), 0.0, 1.0, umap.minDist, 2, 0.05},
        {"umap", "epochs", tr("&Epochs:"), tr("Optimisation epochs; automatic picks by data size"),
         0, 5000, double(umap.epochs), 0, 1.0, true},
        {"tsne", "perplexity", tr("&Perplexity:"),
         tr("Effective number of neighbours of every point"), 2.0, 200.0, tsne.perplexity, 2},
        {"tsne", "iterations", tr("&Iterations:"),
         tr("Gradient-descent iterations (early exaggeration included)"), 50, 10000,
         double(tsne.iterations)},
    };
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
    const std::vector<FieldSpec> specs = fieldSpecs();
    for (int page = 0; page < m_method->count(); ++page) {
        const QString method = m_method->itemData(page).toString();
        auto* widget = new QWidget(m_pages);
        auto* form = new QFormLayout(widget);
        form->setContentsMargins(0, 0, 0, 0);
        for (const FieldSpec& spec : specs) {
            if (spec.method != method)
                continue;
            auto* box = new QDoubleSpinBox(widget);
            box->setDecimals(spec.decimals);
            box->setRange(spec.min, spec.max);
            box->setSingleStep(spec.step);
            if (spec.zeroIsAutomatic)
                box->setSpecialValueText(tr("automatic"));
            box->setValue(spec.value);
            box->setToolTip(spec.tip);
            form->addRow(spec.label, box);
            m_fields.push_back({method, spec.key, box, spec.zeroIsAutomatic});
        }
        if (form->rowCount() == 0)
            form->addRow(new QLabel(tr("%1 has no parameters.").arg(method.toUpper()), widget));
        m_pages->addWidget(widget);
    }
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
    std::map<std::string, double> p;
    for (const Field& field : m_fields)
        if (field.method == method() && !(field.zeroIsAutomatic && field.box->value() == 0.0))
            p[field.key] = field.box->value();
    return p;
}

} // namespace mnistx::ui
