// Writing a file so that a reader (or a crash) sees either the old content or the new, never
// a torn one: results are written as each case ends, so an interrupted run leaves valid files.
#pragma once

#include <filesystem>
#include <string_view>

namespace wsconform::util {

// Writes `content` to a new, uniquely named temporary file in the directory of `target`,
// then renames it over `target` (no fsync: see the .cpp). The temporary file is removed on
// failure. Throws std::system_error naming the step and the path when any step fails.
// Safe to call from several threads, also for the same target (the last rename wins).
void atomic_write(const std::filesystem::path& target, std::string_view content);

}  // namespace wsconform::util
