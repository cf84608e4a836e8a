#pragma once
// The one writer of our numeric CSV files (samples.csv, the selection export,
// label_candidates.csv, the label marks): cells separated by ',', rows ending
// in '\n', numbers in the C locale whatever the process's locale is (Qt
// installs the user's LC_NUMERIC, which would write "0,5").
//
// A plain value built on one thread; write() may then run on any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace mnistx::store
{

class CsvWriter
{
public:
    void reserve(std::size_t bytes) { m_text.reserve(bytes); }

    // A cell written as is: it must hold no ',', '"' or line break (column
    // names, "train", "mislabeled", ...): nothing here quotes.
    CsvWriter& text(std::string_view cell);
    // A cell of the user's words (a class name, a file path): in double
    // quotes, with its quotes doubled, when it holds ',', '"' or a line
    // break (RFC 4180), else as is.
    CsvWriter& quoted(std::string_view cell);
    CsvWriter& integer(long long value);
    // Like printf("%.6g"): six significant digits are more than a float loss
    // or probability carries for analysis, and keep the file a third smaller
    // than round-trip precision would.
    CsvWriter& number(float value);
    // A cell with nothing in it (a value that does not exist).
    CsvWriter& empty();
    // Ends the current row with '\n'.
    void endRow();

    const std::string& str() const { return m_text; }
    // The text so far as the file at path, atomically (writeFileAtomically);
    // throws StoreError naming the path.
    void write(const std::string& path) const;

private:
    void startCell();

    std::string m_text;
    bool m_rowStarted = false;
};

} // namespace mnistx::store
