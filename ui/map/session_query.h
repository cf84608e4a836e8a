#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// A query (core/query/sample_query.h) over the session's run and the user's
// metadata.csv of its dataset, for the map's filter box.
struct SessionQueryResult {
    // One flag per session id (1: matches); null on an error.
    std::shared_ptr<const std::vector<std::uint8_t>> matches;
    int matchCount = 0;
    // What is wrong, and where in the text (QString positions); empty when
    // the query is fine.
    QString error;
    int errorStart = 0;
    int errorLength = 0;
    bool ok() const { return error.isEmpty(); }
};

// Checks and evaluates text against the session's run (an error without a
// run). 70,000 samples take a few milliseconds: GUI thread.
SessionQueryResult evaluateSessionQuery(const ExplorerSession& session, const QString& text);

// The words a query over the session's run can use: its fields (the user's
// included, in backticks when needed), then the keywords.
QStringList sessionQueryWords(const ExplorerSession& session);

} // namespace mnistx::ui
