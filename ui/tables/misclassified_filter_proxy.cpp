#include "ui/tables/misclassified_filter_proxy.h"

#include "ui/explorer_session.h"
#include "ui/tables/misclassified_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace mnistx::ui
{

MisclassifiedFilterProxy::MisclassifiedFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(MisclassifiedModel::SortRole);
    setDynamicSortFilter(true);
}

void MisclassifiedFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    m_source = qobject_cast<const MisclassifiedModel*>(model);
    assert(m_source || !model); // filterAcceptsRow and lessThan read it directly
    QSortFilterProxyModel::setSourceModel(model);
}

void MisclassifiedFilterProxy::setGroundTruthFilter(int classIndex)
{
    setPairFilter(classIndex, m_prediction);
}

void MisclassifiedFilterProxy::setPredictionFilter(int classIndex)
{
    setPairFilter(m_groundTruth, classIndex);
}

void MisclassifiedFilterProxy::setPairFilter(int groundTruth, int prediction)
{
    groundTruth = std::max(-1, groundTruth);
    prediction = std::max(-1, prediction);
    if (groundTruth == m_groundTruth && prediction == m_prediction)
        return;
    m_groundTruth = groundTruth;
    m_prediction = prediction;
    invalidateRowsFilter();
}

void MisclassifiedFilterProxy::setSubsetFilter(SubsetFilter filter)
{
    if (filter == m_subset)
        return;
    m_subset = filter;
    invalidateRowsFilter();
}

int MisclassifiedFilterProxy::idAt(int proxyRow) const
{
    if (!m_source || proxyRow < 0 || proxyRow >= rowCount())
        return -1;
    return m_source->idAt(mapToSource(index(proxyRow, 0)).row());
}

bool MisclassifiedFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const int id = m_source->idAt(sourceRow);
    if (id < 0)
        return false;
    const ExplorerSession* s = m_source->session();
    if (m_groundTruth >= 0 && s->label(id) != m_groundTruth)
        return false;
    if (m_prediction >= 0 && s->prediction(id) != m_prediction)
        return false;
    if (m_subset == SubsetFilter::Train && s->subsetOf(id) != analysis::Subset::Train)
        return false;
    if (m_subset == SubsetFilter::Validation && s->subsetOf(id) != analysis::Subset::Validation)
        return false;
    return true;
}

bool MisclassifiedFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const double a = m_source->sortValue(left.row(), left.column());
    const double b = m_source->sortValue(right.row(), right.column());
    // NaN (no distances in the run) sorts after every number.
    const bool aNan = std::isnan(a), bNan = std::isnan(b);
    if (aNan != bNan)
        return bNan;
    if (!aNan && a != b)
        return a < b;
    const int ia = m_source->idAt(left.row());
    const int ib = m_source->idAt(right.row());
    return sortOrder() == Qt::DescendingOrder ? ia > ib : ia < ib;
}

} // namespace mnistx::ui
