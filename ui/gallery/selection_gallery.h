#pragma once

#include "ui/gallery/sample_list_model.h"
#include "ui/gallery/selection_sort_proxy.h"
#include "ui/gallery/selection_summary.h"

#include <QModelIndex>
#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QListView;

namespace mnistx::ui
{

class HintStack;

class ExplorerSession;
class ThumbnailDelegate;

// The session's selection as a grid of thumbnails (digit ×3, "GT→pred",
// loss; wrong predictions in red) under a summary line ("412 samples ·
// accuracy 0.71 · mean loss 0.93 · classes: 7×120, 1×98, …"), sortable by
// loss (either way) or by index. Clicking a thumbnail (or moving to it with
// the keyboard) makes it the session's current sample, so the inspector and
// the map show it; when the current sample changes elsewhere and is in the
// selection, its thumbnail is selected.
//
// Built for large selections (all 70,000 samples): a QListView with uniform
// item sizes and batched layout, one delegate painting every cell, thumbnails
// made only for the cells painted.
// GUI thread only.
class SelectionGallery : public QWidget
{
    Q_OBJECT
public:
    explicit SelectionGallery(ExplorerSession* session, QWidget* parent = nullptr);
    ~SelectionGallery() override;

    void setSortKey(SelectionSortProxy::SortKey key);
    SelectionSortProxy::SortKey sortKey() const { return m_proxy->sortKey(); }

    // The summary line as shown, plain text (with the selection's
    // description in front when it has one).
    QString summaryText() const;
    const SelectionSummary& summary() const { return m_summary; }
    // Whether the hint (nothing selected) is shown instead of the grid.
    bool isShowingHint() const;

    // Session id of the thumbnail at a position of the displayed order, -1 if none.
    int idAt(int displayRow) const { return m_proxy->idAt(displayRow); }
    // The view index of a sample, invalid when it is not in the selection.
    QModelIndex indexOf(int id) const;
    // The sample whose thumbnail is selected, -1 when none.
    int selectedId() const;

    QListView* listView() const { return m_view; }
    SampleListModel* model() const { return m_model; }
    SelectionSortProxy* proxy() const { return m_proxy; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onSelectionChanged();
    // The loss orders are disabled for a run without model scores.
    void syncSortChoices();
    void onCurrentChanged(int id);
    void onViewCurrentChanged(const QModelIndex& current);

    ExplorerSession* m_session;
    SampleListModel* m_model = nullptr;
    SelectionSortProxy* m_proxy = nullptr;
    ThumbnailDelegate* m_delegate = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QComboBox* m_sortBox = nullptr;
    HintStack* m_stack = nullptr;
    QListView* m_view = nullptr;
    SelectionSummary m_summary;
    QString m_summaryPlain;
    bool m_syncing = false; // selecting the session's current sample: do not echo it back
};

} // namespace mnistx::ui
