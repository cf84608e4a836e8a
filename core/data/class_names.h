#pragma once
// Class names: from a classes.txt beside the data (one name per line, in
// label order), from image folders' names, or the label numbers.

#include <string>
#include <string_view>
#include <vector>

namespace mnistx::data
{

// "0", "1", …, "classCount − 1".
std::vector<std::string> defaultClassNames(int classCount);

// The names in a classes.txt: one per line, in label order, UTF-8. A byte
// order mark, carriage returns, spaces around a name and empty lines at the
// end are ignored. Throws DataError naming the file and line when a name is
// empty or repeated or holds a control character, a line is longer than 200
// bytes, or (classCount > 0) the
// file names another number of classes than the labels have.
std::vector<std::string> parseClassNames(std::string_view text, const std::string& path,
                                         int classCount);
// Reads and parses the file (DataError when it cannot be read).
std::vector<std::string> readClassNames(const std::string& path, int classCount);

} // namespace mnistx::data
