#include "ui/dialogs/train_dialog.h"

#include "core/projection/projector_factory.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <limits>

namespace mnistx::ui
{

TrainDialog::TrainDialog(const pipeline::PipelineConfig& initial, QWidget* parent)
    : QDialog(parent), m_initial(initial)
{
    setWindowTitle(tr("Train a New Model"));
    auto* form = new QFormLayout;

    m_epochs = new QSpinBox(this);
    // 0 shows as "auto": chosen from the dataset's size when training starts.
    m_epochs->setRange(training::kAutoEpochs, training::kMaxEpochs);
    m_epochs->setSpecialValueText(tr("auto"));
    m_epochs->setValue(initial.train.epochs);
    m_epochs->setToolTip(
        tr("Passes over the training images; auto: about %L1 optimiser steps, from %2 epochs "
           "(large datasets; MNIST gets 3) to %3 (small ones)")
            .arg(training::kAutoSteps)
            .arg(training::kMinAutoEpochs)
            .arg(training::kMaxAutoEpochs));
    form->addRow(tr("&Epochs:"), m_epochs);

    m_seed = new QSpinBox(this);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(static_cast<int>(initial.train.seed));
    m_seed->setToolTip(tr("Seeds weight initialisation and shuffling: same seed, same model"));
    form->addRow(tr("&Seed:"), m_seed);

    m_batchSize = new QSpinBox(this);
    m_batchSize->setRange(1, 4096);
    m_batchSize->setValue(initial.train.batchSize);
    m_batchSize->setToolTip(tr("Samples per optimiser step"));
    form->addRow(tr("&Batch size:"), m_batchSize);

    m_learningRate = new QDoubleSpinBox(this);
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(1e-5, 1.0);
    m_learningRate->setSingleStep(1e-4);
    m_learningRate->setValue(initial.train.learningRate);
    m_learningRate->setToolTip(tr("Peak Adam learning rate of the one-cycle schedule"));
    form->addRow(tr("&Learning rate:"), m_learningRate);

    m_architecture = new QComboBox(this);
    m_architecture->addItem(tr("compact (batch norm, fast)"), QStringLiteral("compact"));
    m_architecture->addItem(tr("reference (original study)"), QStringLiteral("reference"));
    m_architecture->setCurrentIndex(
        m_architecture->findData(QString::fromStdString(initial.train.architecture)));
    m_architecture->setToolTip(tr("Network architecture"));
    form->addRow(tr("&Architecture:"), m_architecture);

    m_projection = new QComboBox(this);
    for (const auto& name : projection::projectorNames())
        m_projection->addItem(QString::fromStdString(projection::projectorTitle(name)),
                              QString::fromStdString(name));
    m_projection->setCurrentIndex(
        std::max(0, m_projection->findData(QString::fromStdString(initial.projection))));
    m_projection->setToolTip(tr("How the features are mapped to 2D"));
    form->addRow(tr("&Projection:"), m_projection);

    m_outDir = new QLineEdit(QString::fromStdString(initial.outDir), this);
    m_outDir->setToolTip(tr("Folder the run is stored in (reopened instantly next time)"));
    form->addRow(tr("&Store in:"), m_outDir);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Train"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    setLayout(form);
}

pipeline::PipelineConfig TrainDialog::config() const
{
    pipeline::PipelineConfig c = m_initial;
    c.train.epochs = m_epochs->value();
    c.train.seed = static_cast<std::uint64_t>(m_seed->value());
    c.train.batchSize = m_batchSize->value();
    c.train.learningRate = m_learningRate->value();
    c.train.architecture = m_architecture->currentData().toString().toStdString();
    c.projection = m_projection->currentData().toString().toStdString();
    c.outDir = m_outDir->text().toStdString();
    c.retrain = true;
    return c;
}

} // namespace mnistx::ui
