#pragma once

#include <QDialog>
#include <map>
#include <string>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
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
    // One number of a method's page: parameters() reports it under key;
    // with zeroIsAutomatic, 0 reads "automatic" and is left out.
    struct Field {
        QString method;
        std::string key;
        QDoubleSpinBox* box = nullptr;
        bool zeroIsAutomatic = false;
    };

    QComboBox* m_method = nullptr;
    QStackedWidget* m_pages = nullptr;
    std::vector<Field> m_fields;
};

} // namespace mnistx::ui
