#include "ui/map/session_query.h"

#include "core/query/sample_query.h"
#include "ui/explorer_session.h"

namespace mnistx::ui
{

namespace
{

const data::UserMetadata* metadataOf(const ExplorerSession& session)
{
    const auto data = session.dataPtr();
    return data && !data->metadata.empty() ? &data->metadata : nullptr;
}

// The QString position of a UTF-8 byte offset into utf8.
int positionOf(const QByteArray& utf8, int offset)
{
    return static_cast<int>(QString::fromUtf8(utf8.left(offset)).size());
}

} // namespace

SessionQueryResult evaluateSessionQuery(const ExplorerSession& session, const QString& text)
{
    SessionQueryResult result;
    if (!session.hasRun()) {
        result.error = QObject::tr("no run to query yet");
        result.errorLength = static_cast<int>(text.size());
        return result;
    }
    const QByteArray utf8 = text.toUtf8();
    try {
        const query::SampleQuery q(utf8.toStdString(), session.run(), metadataOf(session));
        auto flags = std::make_shared<std::vector<std::uint8_t>>(q.matchFlags());
        for (const std::uint8_t f : *flags)
            result.matchCount += f;
        result.matches = std::move(flags);
    } catch (const query::QueryError& e) {
        result.error = QString::fromUtf8(e.what());
        result.errorStart = positionOf(utf8, e.offset());
        result.errorLength =
            std::max(1, positionOf(utf8, e.offset() + e.length()) - result.errorStart);
    }
    return result;
}

QStringList sessionQueryWords(const ExplorerSession& session)
{
    QStringList words;
    if (session.hasRun())
        for (const query::QueryField& f : query::queryFields(session.run(), metadataOf(session)))
            words << QString::fromStdString(f.name);
    for (const std::string& k : query::queryKeywords())
        words << QString::fromStdString(k);
    words << QStringLiteral("train") << QStringLiteral("validation");
    return words;
}

} // namespace mnistx::ui
