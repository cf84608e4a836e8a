#include "ui/map/map_filter_state.h"

#include "ui/common/radix_order.h"
#include "ui/explorer_session.h"
#include "ui/map/map_style.h"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace mnistx::ui
{

std::vector<int> MapFilterState::drawOrderOf(const std::vector<int>& labels,
                                             const std::vector<int>& predictions,
                                             const std::vector<float>& losses)
{
    // Keys (wrong, loss): 33 bits.
    const size_t n = labels.size();
    std::vector<std::uint64_t> packed(n);
    for (size_t id = 0; id < n; ++id) {
        const float loss = losses[id];
        const std::uint64_t wrong = labels[id] != predictions[id] ? 1u : 0u;
        const std::uint32_t key =
            orderedFloatBits(std::isfinite(loss) ? loss : std::numeric_limits<float>::max());
        packed[id] = (((wrong << 32) | key) << kRadixIdBits) | id;
    }
    radixSortByKey(packed, 33);
    return radixIds(packed);
}

bool MapFilterState::setSamples(Samples samples, std::vector<int> drawOrder)
{
    const size_t count = samples.labels.size();
    if (samples.predictions.size() != count || samples.inTraining.size() != count ||
        samples.losses.size() != count)
        samples = Samples{};
    m_samples = std::move(samples);
    m_queryText.clear();
    m_queryMatches.reset();
    const size_t n = m_samples.labels.size();
    m_customName.clear();
    m_customColors.clear();
    m_customLegend.clear();
    m_customEntryOf.clear();
    m_coloredClasses.clear();
    // A custom colouring described the old run; samples without scores
    // have no prediction to colour by.
    const bool coloringReset =
        m_colorBy == ColorBy::Custom || (!m_samples.scored && (m_colorBy == ColorBy::Prediction ||
                                                               m_colorBy == ColorBy::Correctness));
    if (coloringReset)
        m_colorBy = ColorBy::GroundTruth;
    if (!m_samples.scored)
        m_misclassifiedOnly = false;

    // Wrong samples after all correct ones, each group by ascending loss:
    // what we look for is drawn last, on top.
    m_drawOrder = drawOrder.size() == n && n > 0
                      ? std::move(drawOrder)
                      : drawOrderOf(m_samples.labels, m_samples.predictions, m_samples.losses);
    applyColoring(); // also updates what is shown
    return coloringReset;
}

// ---------------------------------------------------------------- colouring

QString MapFilterState::colorByName(ColorBy colorBy)
{
    switch (colorBy) {
    case ColorBy::GroundTruth:
        return tr("ground-truth class");
    case ColorBy::Prediction:
        return tr("prediction");
    case ColorBy::Correctness:
        return tr("correct / wrong");
    case ColorBy::Subset:
        return tr("subset");
    case ColorBy::Custom:
        return tr("custom");
    }
    return {};
}

QString MapFilterState::colorByName() const
{
    return m_colorBy == ColorBy::Custom && !m_customName.isEmpty() ? m_customName
                                                                   : colorByName(m_colorBy);
}

bool MapFilterState::setColorBy(ColorBy colorBy)
{
    if (colorBy == ColorBy::Custom && m_customColors.empty())
        return false; // nothing to show: setCustomColoring first
    if (!m_samples.scored && (colorBy == ColorBy::Prediction || colorBy == ColorBy::Correctness))
        return false;
    if (colorBy == m_colorBy)
        return false;
    m_colorBy = colorBy;
    applyColoring();
    return true;
}

bool MapFilterState::setColoredClasses(std::vector<int> classes)
{
    std::vector<int> kept;
    std::vector<bool> seen(static_cast<size_t>(std::max(m_samples.classCount, 0)), false);
    for (const int c : classes)
        if (c >= 0 && c < m_samples.classCount && !seen[static_cast<size_t>(c)]) {
            seen[static_cast<size_t>(c)] = true;
            kept.push_back(c);
        }
    if (static_cast<int>(kept.size()) == m_samples.classCount)
        kept.clear(); // all of them, in any order: the plain colouring
    if (kept == m_coloredClasses)
        return false;
    m_coloredClasses = std::move(kept);
    if (m_colorBy == ColorBy::GroundTruth || m_colorBy == ColorBy::Prediction)
        applyColoring();
    return true;
}

bool MapFilterState::setCustomColoring(const QString& name, std::vector<QRgb> perSample,
                                       QVector<MapLegendEntry> legend,
                                       std::vector<int> entryOfSample)
{
    const auto n = static_cast<size_t>(sampleCount());
    if (n == 0 || perSample.size() != n || (!entryOfSample.empty() && entryOfSample.size() != n))
        return false;
    m_customName = name;
    m_customColors = std::move(perSample);
    m_customLegend = std::move(legend);
    m_customEntryOf = std::move(entryOfSample);
    m_colorBy = ColorBy::Custom;
    applyColoring();
    return true;
}

void MapFilterState::applyColoring()
{
    const int n = sampleCount();
    m_colors.assign(static_cast<size_t>(n), qRgb(0x80, 0x80, 0x80));
    m_entryOf.assign(static_cast<size_t>(n), -1);
    QVector<MapLegendEntry> entries;
    QString legendTitle;

    switch (m_colorBy) {
    case ColorBy::GroundTruth:
    case ColorBy::Prediction: {
        const bool gt = m_colorBy == ColorBy::GroundTruth;
        legendTitle = gt ? tr("Ground truth") : tr("Prediction");
        const int classes = n > 0 ? m_samples.classCount : 0;
        // Each class's legend entry: itself, or with a chosen few, its place
        // among them (colours by that place) and "other classes" after them.
        std::vector<int> entryOfClass(static_cast<size_t>(classes), -1);
        if (m_coloredClasses.empty()) {
            for (int c = 0; c < classes; ++c) {
                entryOfClass[static_cast<size_t>(c)] = c;
                entries.append({className(c), classColor(c), 0});
            }
        } else {
            for (const int c : m_coloredClasses) {
                entryOfClass[static_cast<size_t>(c)] = static_cast<int>(entries.size());
                entries.append({className(c), classColor(static_cast<int>(entries.size())), 0});
            }
            const int other = static_cast<int>(entries.size());
            entries.append({tr("other classes"), QColor(mapstyle::otherClassesColor()), 0});
            for (int& e : entryOfClass)
                if (e < 0)
                    e = other;
        }
        const std::vector<int>& classOf = gt ? m_samples.labels : m_samples.predictions;
        for (int id = 0; id < n; ++id) {
            const int c = classOf[static_cast<size_t>(id)];
            if (c >= 0 && c < classes) {
                const int e = entryOfClass[static_cast<size_t>(c)];
                m_colors[static_cast<size_t>(id)] = entries[e].color.rgb();
                m_entryOf[static_cast<size_t>(id)] = e;
            }
        }
        break;
    }
    case ColorBy::Correctness:
        legendTitle = tr("Outcome");
        entries = {{tr("correct"), QColor(mapstyle::correctColor()), 0},
                   {tr("wrong"), QColor(mapstyle::wrongColor()), 0}};
        for (int id = 0; id < n; ++id) {
            const auto i = static_cast<size_t>(id);
            const bool ok = m_samples.labels[i] == m_samples.predictions[i];
            m_colors[i] = ok ? mapstyle::correctColor() : mapstyle::wrongColor();
            m_entryOf[i] = ok ? 0 : 1;
        }
        break;
    case ColorBy::Subset:
        legendTitle = tr("Subset");
        entries = {{tr("train"), QColor(mapstyle::trainColor()), 0},
                   {tr("validation"), QColor(mapstyle::validationColor()), 0}};
        for (int id = 0; id < n; ++id) {
            const bool train = m_samples.inTraining[static_cast<size_t>(id)];
            m_colors[static_cast<size_t>(id)] =
                train ? mapstyle::trainColor() : mapstyle::validationColor();
            m_entryOf[static_cast<size_t>(id)] = train ? 0 : 1;
        }
        break;
    case ColorBy::Custom:
        legendTitle = m_customName;
        entries = m_customLegend;
        for (int id = 0; id < n; ++id) {
            m_colors[static_cast<size_t>(id)] =
                m_customColors[static_cast<size_t>(id)] | 0xff000000u;
            if (!m_customEntryOf.empty()) {
                const int e = m_customEntryOf[static_cast<size_t>(id)];
                m_entryOf[static_cast<size_t>(id)] = e >= 0 && e < entries.size() ? e : -1;
            }
        }
        break;
    }
    m_legendTitle = legendTitle;
    m_legendEntries = entries;
    m_hiddenEntries.assign(static_cast<size_t>(entries.size()), false);
    m_isolatedEntry = -1;
    updateShown();
}

// ---------------------------------------------------------------- filters

void MapFilterState::updateShown()
{
    const int n = sampleCount();
    const int entryCount = static_cast<int>(m_hiddenEntries.size());
    std::vector<qint64> counts(static_cast<size_t>(entryCount), 0);
    m_shown.assign(static_cast<size_t>(n), 0);
    for (int id = 0; id < n; ++id) {
        const auto i = static_cast<size_t>(id);
        const bool train = m_samples.inTraining[i];
        if (!subsetAccepts(m_subsetFilter, train))
            continue;
        const int gt = m_samples.labels[i], pred = m_samples.predictions[i];
        if (m_misclassifiedOnly && gt == pred)
            continue;
        if ((m_pairGroundTruth >= 0 && gt != m_pairGroundTruth) ||
            (m_pairPrediction >= 0 && pred != m_pairPrediction))
            continue;
        if (m_queryMatches && !(*m_queryMatches)[i])
            continue;
        // Counts ignore hidden entries, so a hidden class still shows how
        // many dots it would bring back.
        const int e = m_entryOf[i];
        if (e >= 0 && e < entryCount) {
            ++counts[static_cast<size_t>(e)];
            if (m_hiddenEntries[static_cast<size_t>(e)])
                continue;
        }
        m_shown[i] = 1;
    }
    m_shownOrder.clear();
    m_shownOrder.reserve(static_cast<size_t>(n));
    for (int id : m_drawOrder)
        if (m_shown[static_cast<size_t>(id)])
            m_shownOrder.push_back(id);

    // Custom legends without per-sample entries keep the caller's counts.
    const bool counted = m_colorBy != ColorBy::Custom || !m_customEntryOf.empty();
    if (counted)
        for (int i = 0; i < m_legendEntries.size() && i < entryCount; ++i)
            m_legendEntries[i].count = counts[static_cast<size_t>(i)];
}

bool MapFilterState::isEntryHidden(int entry) const
{
    return entry >= 0 && entry < static_cast<int>(m_hiddenEntries.size()) &&
           m_hiddenEntries[static_cast<size_t>(entry)];
}

bool MapFilterState::setEntryHidden(int entry, bool hidden)
{
    if (entry < 0 || entry >= static_cast<int>(m_hiddenEntries.size()) ||
        m_hiddenEntries[static_cast<size_t>(entry)] == hidden)
        return false;
    // Toggling the isolated entry itself is the first click of the double-
    // click that undoes the isolation: keep remembering it.
    if (entry != m_isolatedEntry)
        m_isolatedEntry = -1;
    m_hiddenEntries[static_cast<size_t>(entry)] = hidden;
    updateShown();
    return true;
}

bool MapFilterState::isolateEntry(int entry)
{
    if (entry < 0 || entry >= static_cast<int>(m_hiddenEntries.size()))
        return false;
    if (m_isolatedEntry == entry) {
        showAllEntries();
        return true;
    }
    std::fill(m_hiddenEntries.begin(), m_hiddenEntries.end(), true);
    m_hiddenEntries[static_cast<size_t>(entry)] = false;
    m_isolatedEntry = entry;
    updateShown();
    return true;
}

void MapFilterState::showAllEntries()
{
    std::fill(m_hiddenEntries.begin(), m_hiddenEntries.end(), false);
    m_isolatedEntry = -1;
    updateShown();
}

bool MapFilterState::setSubsetFilter(SubsetFilter filter)
{
    if (filter == m_subsetFilter)
        return false;
    m_subsetFilter = filter;
    updateShown();
    return true;
}

bool MapFilterState::setMisclassifiedOnly(bool on)
{
    if (on == m_misclassifiedOnly || (on && !m_samples.scored))
        return false;
    m_misclassifiedOnly = on;
    updateShown();
    return true;
}

bool MapFilterState::setPairFilter(int groundTruth, int prediction)
{
    groundTruth = std::max(groundTruth, -1);
    prediction = std::max(prediction, -1);
    if (groundTruth == m_pairGroundTruth && prediction == m_pairPrediction)
        return false;
    m_pairGroundTruth = groundTruth;
    m_pairPrediction = prediction;
    updateShown();
    return true;
}

bool MapFilterState::setQueryFilter(const QString& text,
                                    std::shared_ptr<const std::vector<std::uint8_t>> matches)
{
    if (text.isEmpty() || !matches) {
        if (!m_queryMatches)
            return false;
        m_queryText.clear();
        m_queryMatches.reset();
    } else {
        if (matches->size() != static_cast<size_t>(sampleCount()))
            return false;
        m_queryText = text;
        m_queryMatches = std::move(matches);
    }
    updateShown();
    return true;
}

bool MapFilterState::hasFilters() const
{
    return m_subsetFilter != SubsetFilter::Both || m_misclassifiedOnly || m_pairGroundTruth >= 0 ||
           m_pairPrediction >= 0 || m_queryMatches ||
           std::find(m_hiddenEntries.begin(), m_hiddenEntries.end(), true) != m_hiddenEntries.end();
}

bool MapFilterState::clearFilters()
{
    if (!hasFilters())
        return false;
    m_subsetFilter = SubsetFilter::Both;
    m_misclassifiedOnly = false;
    m_pairGroundTruth = m_pairPrediction = -1;
    m_queryText.clear();
    m_queryMatches.reset();
    std::fill(m_hiddenEntries.begin(), m_hiddenEntries.end(), false);
    m_isolatedEntry = -1;
    updateShown();
    return true;
}

QStringList MapFilterState::revealSamples(const QVector<int>& ids)
{
    QStringList cleared;
    const int n = sampleCount();
    bool train = false, validation = false, correct = false, offPair = false, unmatched = false;
    std::vector<bool> entries(m_hiddenEntries.size(), false);
    for (int id : ids) {
        if (id < 0 || id >= n)
            continue;
        const auto i = static_cast<size_t>(id);
        (m_samples.inTraining[i] ? train : validation) = true;
        const int gt = m_samples.labels[i], pred = m_samples.predictions[i];
        correct = correct || gt == pred;
        offPair = offPair || (m_pairGroundTruth >= 0 && gt != m_pairGroundTruth) ||
                  (m_pairPrediction >= 0 && pred != m_pairPrediction);
        unmatched = unmatched || (m_queryMatches && !(*m_queryMatches)[i]);
        const int e = m_entryOf[i];
        if (e >= 0 && e < static_cast<int>(entries.size()))
            entries[static_cast<size_t>(e)] = true;
    }
    if ((m_subsetFilter == SubsetFilter::Train && validation) ||
        (m_subsetFilter == SubsetFilter::Validation && train)) {
        cleared << (m_subsetFilter == SubsetFilter::Train ? tr("training set only")
                                                          : tr("validation set only"));
        m_subsetFilter = SubsetFilter::Both;
    }
    if (m_misclassifiedOnly && correct) {
        cleared << tr("misclassified only");
        m_misclassifiedOnly = false;
    }
    if (offPair) {
        cleared << pairFilterText();
        m_pairGroundTruth = m_pairPrediction = -1;
    }
    if (unmatched) {
        cleared << tr("the query “%1”").arg(m_queryText);
        m_queryText.clear();
        m_queryMatches.reset();
    }
    bool shownEntry = false;
    for (size_t e = 0; e < entries.size(); ++e)
        if (entries[e] && m_hiddenEntries[e]) {
            m_hiddenEntries[e] = false;
            shownEntry = true;
        }
    if (shownEntry) {
        cleared << tr("hidden legend entries");
        m_isolatedEntry = -1;
    }
    if (!cleared.isEmpty())
        updateShown();
    return cleared;
}

// ---------------------------------------------------------------- texts

QString MapFilterState::samplesText(int n)
{
    return n == 1 ? tr("1 sample") : tr("%1 samples").arg(QLocale(QLocale::English).toString(n));
}

QString MapFilterState::className(int c) const
{
    return c >= 0 && c < m_samples.classNames.size() ? m_samples.classNames[c] : QString::number(c);
}

QString MapFilterState::pairFilterText() const
{
    auto any = [this](int c) { return c >= 0 ? className(c) : tr("any"); };
    return tr("GT %1 → predicted %2").arg(any(m_pairGroundTruth), any(m_pairPrediction));
}

QString MapFilterState::summary() const
{
    if (sampleCount() == 0)
        return {};
    const QLocale en(QLocale::English);
    QStringList parts;
    parts << tr("%1 of %2 shown").arg(en.toString(shownCount()), samplesText(sampleCount()));
    if (m_subsetFilter == SubsetFilter::Train)
        parts << tr("training set");
    else if (m_subsetFilter == SubsetFilter::Validation)
        parts << tr("validation set");
    if (m_misclassifiedOnly)
        parts << tr("misclassified only");
    if (m_pairGroundTruth >= 0 || m_pairPrediction >= 0)
        parts << pairFilterText();
    if (m_queryMatches)
        parts << tr("query: %1").arg(m_queryText);
    const auto hidden = std::count(m_hiddenEntries.begin(), m_hiddenEntries.end(), true);
    if (hidden > 0)
        parts << tr("%1 of %2 legend entries hidden").arg(hidden).arg(m_hiddenEntries.size());
    return parts.join(QStringLiteral(" · "));
}

} // namespace mnistx::ui
