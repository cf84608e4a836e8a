#pragma once

#include "core/analysis/analysis_types.h"
#include "core/why/sample_metadata.h"

#include <QColor>
#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QPainter;
class QPushButton;
class QSpinBox;

namespace mnistx::ui
{

class ExplorerSession;
class GroupedBarChart;
class PopulationMap;
class WhyContext;

// The metadata dashboard: mean loss per group of a metadata field (label,
// even/odd, closed loop, distance to own centroid, ...) of one subset,
// optionally split by a second field, as grouped bars; and a button that
// colours the population map by the field.
//
// A view of the context's metadata (WhyContext, with the ink when the
// session has images): "computing metadata…" until it is there. The
// grouping itself (why::meanLossBy) runs on the GUI thread: at most ≈ 12 ms
// for the 60,000 training samples (continuous fields sort for their
// quantiles); the chart is a GroupedBarChart.
//
// Hovering a bar shows its group, mean loss, count and error rate. The
// context menu exports the chart (PNG/SVG/PDF) as
// "mean_loss_by_<field>[_split_<field>]".
// GUI thread only.
class MetadataDashboard : public QWidget
{
    Q_OBJECT
public:
    explicit MetadataDashboard(WhyContext* context, QWidget* parent = nullptr);

    // Metadata of the session's current run (both subsets, sample counts as
    // the session's): what the context delivers, or given here. Ignored when
    // the counts do not match the run or a pointer is null.
    void setMetadata(std::shared_ptr<const why::SubsetMetadata> train,
                     std::shared_ptr<const why::SubsetMetadata> validation);
    bool hasMetadata() const { return m_train && m_validation; }
    // Null until computed (or after the run was closed).
    std::shared_ptr<const why::SubsetMetadata> metadata(analysis::Subset subset) const
    {
        return subset == analysis::Subset::Train ? m_train : m_validation;
    }

    // The map "Colour map by" recolours (may be null; not owned).
    void setMap(PopulationMap* map);

    // --- What is charted (the controls; each setter updates them) --------
    void setSubset(analysis::Subset subset);
    analysis::Subset subset() const { return m_subset; }
    // Ink is unavailable without images: ignored then.
    void setField(why::MetadataField field);
    why::MetadataField field() const { return m_field; }
    // nullopt: no split. The split field equal to the field is not offered.
    void setSplitField(std::optional<why::MetadataField> split);
    std::optional<why::MetadataField> splitField() const { return m_split; }
    // Quantile bins of continuous fields (and continuous splits), 2..20.
    void setBins(int bins);
    int bins() const { return m_bins; }
    bool isFieldAvailable(why::MetadataField field) const;
    // The built-in fields and, once the metadata is there, the user's
    // metadata.csv fields after them (why::userMetadataField).
    int fieldCount() const;
    // "Distance to own centroid", or the user's column name.
    QString fieldTitle(why::MetadataField field) const;

    // Colours the map (setMap) by a field of both subsets (metadataColoring).
    // Returns false without a map, without metadata or for an unavailable
    // field. Does not emit colorMapRequested (the View menu calls this).
    bool colorMapBy(why::MetadataField field);

    // --- What the chart shows (tests, tours) ------------------------------
    // The grouping as charted (groups × splits); empty groups when there is
    // no metadata.
    const why::GroupedLoss& groupedLoss() const { return m_grouped; }
    // What the chart says instead of bars (no run, still computing, a run
    // without model scores); empty while it shows bars.
    QString placeholderText() const
    {
        return m_grouped.groups.groupCount() > 0 ? QString() : m_placeholder;
    }
    QStringList categories() const; // axis labels as shown, one per group
    int barSetCount() const;        // splits (1 without a split)
    QString barSetName(int set) const;
    QColor barSetColor(int set) const;
    QVector<double> barValues(int set) const; // one mean loss per group, as the chart holds it
    // The hover tooltip of a bar (rich text): group, split, mean loss, count,
    // error rate.
    QString barTooltip(int group, int set) const;
    // Degrees the category labels are turned by at the current size (0, -45, -90).
    int categoryLabelAngle() const;
    // Where the category (x) axis draws its visible labels and its title, in
    // this widget's coordinates (the text items' bounding boxes, turned
    // labels included; empty when not shown), with the labels' texts as
    // drawn (maybe elided) in *texts: the title sits below the labels, which
    // are shortened or elided rather than run into it.
    QVector<QRectF> categoryLabelRects(QStringList* texts = nullptr) const;
    QRectF categoryAxisTitleRect() const;
    // Whether a low chart shows quantile bins by their lower edge ("0.12")
    // instead of their range ("0.12–0.35"), which would not fit above the
    // axis title; the axis title then says so. Where even those do not fit,
    // the axis title is left out (the chart's title names the field) and
    // categoryAxisTitleRect() is empty.
    bool categoryLabelsShortened() const;
    // "mean_loss_by_label", "mean_loss_by_label_split_parity"
    QString exportName() const;
    QString chartTitle() const;

    // Draws the chart (title, axes, bars, legend) and the summary line into
    // target at target's size, whether or not the widget is shown.
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;
    // PNG/SVG/PDF export actions (also in the context menu), to offer in a
    // File menu.
    QList<QAction*> exportActions() const { return m_exportActions; }

    QSize sizeHint() const override { return {640, 460}; }

Q_SIGNALS:
    // "Colour map by <field>" was clicked (after the map, if any, was
    // recoloured); field is a why::MetadataField.
    void colorMapRequested(int field);
    // New metadata (computed or given), or none after the run closed.
    void metadataChanged();
    // Computing the metadata failed (the message names the problem).
    void failed(const QString& message);

private:
    // Takes the context's metadata, or says what it is waiting for.
    void followContext();
    void updateControls();
    void updateChart();
    // "10,000 validation samples · mean loss … · error rate …"
    QString summaryText(bool withHint) const;

    WhyContext* m_context;
    ExplorerSession* m_session;
    QPointer<PopulationMap> m_map;
    std::shared_ptr<const why::SubsetMetadata> m_train;
    std::shared_ptr<const why::SubsetMetadata> m_validation;
    why::GroupedLoss m_grouped;
    QString m_placeholder;

    analysis::Subset m_subset = analysis::Subset::Validation;
    // The title as a sentence uses it: built-in titles in lower case, the
    // user's column names as written.
    QString fieldWords(why::MetadataField field) const;
    bool isContinuousField(why::MetadataField field) const;
    // The combos' items of the user's fields, as the metadata has them.
    void syncUserFields();

    why::MetadataField m_field = why::MetadataField::Label;
    std::optional<why::MetadataField> m_split;
    int m_bins = 10;
    bool m_updatingControls = false;

    QComboBox* m_subsetCombo = nullptr;
    QComboBox* m_fieldCombo = nullptr;
    QComboBox* m_splitCombo = nullptr;
    QSpinBox* m_binsSpin = nullptr;
    QPushButton* m_colorButton = nullptr;
    QLabel* m_summary = nullptr;
    GroupedBarChart* m_chart = nullptr;
    QList<QAction*> m_exportActions;
};

} // namespace mnistx::ui
