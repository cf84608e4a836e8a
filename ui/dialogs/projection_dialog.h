#pragma once

#include <QDialog>
#include <map>
#include <string>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QStackedWidget;

namespace mnistx::ui
{

// Chooses the 2D projection of the features and its parameters (UMAP:
// neighbours, minimum distance, epochs; t-SNE: perplexity, iterations; PCA:
// none). The values are handed to projection::makeProjector as they are.
class ProjectionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ProjectionDialog(const QString& method, QWidget* parent = nullptr);

    QString method() const;
    std::map<std::string, double> parameters() const;

private:
    QComboBox* m_method = nullptr;
    QStackedWidget* m_pages = nullptr;
    QSpinBox* m_umapNeighbours = nullptr;
    QDoubleSpinBox* m_umapMinDist = nullptr;
    QSpinBox* m_umapEpochs = nullptr;
    QDoubleSpinBox* m_tsnePerplexity = nullptr;
    QSpinBox* m_tsneIterations = nullptr;
};

} // namespace mnistx::ui
