#include "ui/common/sample_proxy.h"

#include <cmath>

namespace mnistx::ui
{

SampleProxy::SampleProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
}

int SampleProxy::sourceRowAt(int proxyRow) const
{
    if (!sourceModel() || proxyRow < 0 || proxyRow >= rowCount())
        return -1;
    return mapToSource(index(proxyRow, 0)).row();
}

int SampleProxy::idAt(int proxyRow) const
{
    const int row = sourceRowAt(proxyRow);
    return row < 0 ? -1 : sourceIdAt(row);
}

bool SampleProxy::lessByValue(double a, double b, int tieA, int tieB) const
{
    const bool aNan = std::isnan(a), bNan = std::isnan(b);
    if (aNan != bNan)
        return bNan;
    if (!aNan && a != b)
        return a < b;
    return tieOrder(tieA, tieB);
}

void SampleProxy::setSubsetFilter(SubsetFilter filter)
{
    if (filter == m_subset)
        return;
    m_subset = filter;
    invalidateRowsFilter();
}

} // namespace mnistx::ui
