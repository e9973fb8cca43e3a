// report/atomic_write.hpp: writing reports so that a reader, or a run killed
// at any moment, sees each report whole (old or new), and several runs can
// share one report directory.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace gradcheck::report {

/// Creates `dir` if missing and checks that a file can be created in it;
/// throws gradcheck::Error naming the path otherwise. Removes the temporaries
/// of write_atomically left behind by runs that were killed while writing
/// (found by their lock, see below), never those of a run still writing.
void prepare_report_dir(const std::filesystem::path& dir);
/// Writes `text` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then rename(), so readers see the old or the new report,
/// never half of one, even if the process is killed mid-write. Temporaries are
/// named ".<report>.tmp.<pid>.<unique>", created exclusively (O_EXCL) and held
/// under an exclusive flock() until renamed, so several runs, in any PID
/// namespaces, can write to one directory at once: each report left behind is
/// whole (that of whichever run renamed it last).
void write_atomically(const std::filesystem::path& path, const std::string& text);
/// The same for several files: every temporary is written before the first
/// rename, so a run killed while writing leaves each report either complete
/// and old or complete and new, and the window where they disagree is a few
/// renames wide.
void write_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

}  // namespace gradcheck::report
