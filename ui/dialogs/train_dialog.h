#pragma once

#include "core/pipeline/pipeline.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QLineEdit;

namespace mnistx::ui
{

// "Train…" dialog: the settings of a new training run (epochs, seed, batch
// size, learning rate, architecture, projection). Pre-filled with the given
// config; config() returns what the user chose.
class TrainDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TrainDialog(const pipeline::PipelineConfig& initial, QWidget* parent = nullptr);
    pipeline::PipelineConfig config() const;

private:
    pipeline::PipelineConfig m_initial;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
    QComboBox* m_architecture = nullptr;
    QComboBox* m_projection = nullptr;
    QLineEdit* m_outDir = nullptr;
};

} // namespace mnistx::ui
