#include "ui/explorer_session.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

namespace mnistx::ui
{

ExplorerSession::ExplorerSession(QObject* parent) : QObject(parent) {}

void ExplorerSession::setRun(std::shared_ptr<const store::RunData> run,
                             std::shared_ptr<const data::DatasetSplits> data)
{
    if (!run)
        throw std::invalid_argument("setRun needs a run");
    if (data && (data->train.count != run->train.sampleCount() ||
                 data->validation.count != run->validation.sampleCount()))
        throw std::invalid_argument("the images do not match the run's sample counts");
    m_run = std::move(run);
    m_data = std::move(data);
    m_trainCount = m_run->train.sampleCount();
    m_validationCount = m_run->validation.sampleCount();
    m_classNames.clear();
    for (int c = 0; c < m_run->train.classCount; ++c)
        m_classNames << QString::fromStdString(m_run->className(c));
    m_positions = storedPositions(*m_run);
    m_current = -1;
    m_selection.clear();
    m_selectionDescription.clear();
    m_misclassifiedValid = false;
    Q_EMIT runChanged();
    Q_EMIT selectionChanged();
    Q_EMIT currentChanged(-1);
}

std::shared_ptr<const RowMatrixXf> ExplorerSession::storedPositions(const store::RunData& run)
{
    const auto trainCount = run.train.sampleCount(), validationCount = run.validation.sampleCount();
    auto positions = std::make_shared<RowMatrixXf>(trainCount + validationCount, 2);
    if (run.projection.train.rows() == trainCount &&
        run.projection.validation.rows() == validationCount) {
        positions->topRows(trainCount) = run.projection.train;
        positions->bottomRows(validationCount) = run.projection.validation;
    } else {
        positions->setZero();
    }
    return positions;
}

bool ExplorerSession::setProjection(std::shared_ptr<const store::RunData> run)
{
    if (!run || !m_run || run->train.labels != m_run->train.labels ||
        run->validation.labels != m_run->validation.labels)
        return false;
    m_run = std::move(run);
    m_positions = storedPositions(*m_run);
    Q_EMIT layoutChanged();
    return true;
}

void ExplorerSession::clear()
{
    m_run.reset();
    m_data.reset();
    m_positions.reset();
    m_trainCount = m_validationCount = 0;
    m_current = -1;
    m_selection.clear();
    m_misclassifiedValid = false;
    Q_EMIT runChanged();
}

int ExplorerSession::classCount() const
{
    return m_run ? m_run->train.classCount : 0;
}

QString ExplorerSession::className(int c) const
{
    return c >= 0 && c < m_classNames.size() ? m_classNames[c] : QString::number(c);
}

QString ExplorerSession::source(int id) const
{
    if (!m_run || id < 0 || id >= sampleCount())
        return {};
    const analysis::SubsetAnalysis& a =
        subsetOf(id) == analysis::Subset::Train ? m_run->train : m_run->validation;
    const auto i = static_cast<std::size_t>(indexInSubset(id));
    return i < a.sources.size() ? QString::fromStdString(a.sources[i]) : QString();
}

QString ExplorerSession::describe(int id) const
{
    return QStringLiteral("%1 #%2")
        .arg(subsetOf(id) == analysis::Subset::Train ? tr("train") : tr("validation"))
        .arg(indexInSubset(id));
}

void ExplorerSession::setMapLayout(std::shared_ptr<const RowMatrixXf> positions)
{
    if (!positions || positions->rows() != sampleCount() || positions->cols() != 2)
        return; // a layout of another run (late signal after a reload): ignore it
    m_positions = std::move(positions);
    Q_EMIT layoutChanged();
}

QImage ExplorerSession::image(int id) const
{
    if (!m_data || id < 0 || id >= sampleCount())
        return {};
    const data::Dataset& d = id < m_trainCount ? m_data->train : m_data->validation;
    const bool colour = d.channels == 3;
    QImage img(d.image(indexInSubset(id)), d.cols, d.rows, d.cols * d.channels,
               colour ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    return img.copy(); // detach from the dataset's buffer
}

QImage ExplorerSession::centroidImage(int classIndex) const
{
    if (!m_run || classIndex < 0 || classIndex >= m_run->centroids.classCount())
        return {};
    // A colour dataset's centroids are colour images (the mean of every channel).
    const auto& c = m_run->centroids;
    const int values = c.cols * c.channels;
    QImage img(c.cols, c.rows, c.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    for (int y = 0; y < c.rows; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < values; ++x)
            line[x] = static_cast<uchar>(
                std::clamp(c.means(classIndex, y * values + x), 0.0f, 1.0f) * 255.0f + 0.5f);
    }
    return img;
}

void ExplorerSession::setCurrent(int id)
{
    if (id < -1 || id >= sampleCount())
        id = -1;
    if (id == m_current)
        return;
    m_current = id;
    Q_EMIT currentChanged(id);
}

void ExplorerSession::setSelection(QVector<int> ids, const QString& description)
{
    m_selection = std::move(ids);
    m_selectionDescription = description;
    Q_EMIT selectionChanged();
}

const std::vector<int>& ExplorerSession::misclassifiedByLoss() const
{
    if (!m_misclassifiedValid) {
        m_misclassified.clear();
        for (int id = 0; scored() && id < sampleCount(); ++id)
            if (!correct(id))
                m_misclassified.push_back(id);
        std::stable_sort(m_misclassified.begin(), m_misclassified.end(),
                         [this](int a, int b) { return loss(a) > loss(b); });
        m_misclassifiedValid = true;
    }
    return m_misclassified;
}

QString ExplorerSession::noScoresReason()
{
    return tr("This run has no model scores: its embeddings came without logits.npy or "
              "probabilities.npy, so there are no predictions or losses.");
}

QColor classColor(int classIndex)
{
    // Tableau 10 (hues chosen to stay distinct for most colour vision), then
    // ten more from Tableau 20 and Category 20, each at least 55 apart (sum of
    // the RGB differences) from every other: 20 classes each get their own.
    static const QColor colors[] = {
        QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59),
        QColor(0x76, 0xb7, 0xb2), QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48),
        QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f),
        QColor(0xba, 0xb0, 0xac), QColor(0xa0, 0xcb, 0xe8), QColor(0xff, 0xbe, 0x7d),
        QColor(0x8c, 0xd1, 0x7d), QColor(0xb6, 0x99, 0x2d), QColor(0x49, 0x98, 0x94),
        QColor(0x39, 0x3b, 0x79), QColor(0xd3, 0x72, 0x95), QColor(0xd4, 0xa6, 0xc8),
        QColor(0x17, 0xbe, 0xcf), QColor(0x79, 0x70, 0x6e)};
    constexpr int kNamed = static_cast<int>(std::size(colors));
    if (classIndex < 0)
        return Qt::gray;
    if (classIndex < kNamed)
        return colors[classIndex];
    // Beyond: hues a golden angle apart, in three lightness steps, so that
    // neighbouring class numbers still differ (no palette keeps hundreds of
    // classes apart: the map's class subset colouring is for that).
    const int k = classIndex - kNamed;
    const double hue = std::fmod(k * 137.508, 360.0);
    static const int lightness[] = {120, 165, 90};
    return QColor::fromHsl(static_cast<int>(hue), 150, lightness[k % 3]);
}

} // namespace mnistx::ui
