#include "core/store/csv_writer.h"

#include "core/store/file_io.h"

#include <charconv>

namespace mnistx::store
{

void CsvWriter::startCell()
{
    if (m_rowStarted)
        m_text += ',';
    m_rowStarted = true;
}

CsvWriter& CsvWriter::text(std::string_view cell)
{
    startCell();
    m_text += cell;
    return *this;
}

CsvWriter& CsvWriter::quoted(std::string_view cell)
{
    if (cell.find_first_of(",\"\r\n") == std::string_view::npos)
        return text(cell);
    startCell();
    m_text += '"';
    for (const char c : cell) {
        if (c == '"')
            m_text += '"';
        m_text += c;
    }
    m_text += '"';
    return *this;
}

CsvWriter& CsvWriter::integer(long long value)
{
    startCell();
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    m_text.append(buffer, r.ptr);
    return *this;
}

CsvWriter& CsvWriter::number(float value)
{
    startCell();
    char buffer[32];
    const auto r =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6);
    m_text.append(buffer, r.ptr);
    return *this;
}

CsvWriter& CsvWriter::empty()
{
    startCell();
    return *this;
}

void CsvWriter::endRow()
{
    m_text += '\n';
    m_rowStarted = false;
}

void CsvWriter::write(const std::string& path) const
{
    writeTextAtomically(path, m_text);
}

} // namespace mnistx::store
