#include "report/atomic_write.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <random>
#include <system_error>

#include "gradcheck/error.hpp"

namespace gradcheck::report {
namespace {

namespace fs = std::filesystem;

// A temporary is named ".<report>.tmp.<pid>.<n>-<random>". The pid is for
// people; the random part makes the name unique even between processes that
// share a pid: runs in different PID namespaces (containers) or on different
// hosts (NFS) writing to one report directory. Whether a temporary's writer is
// alive is told by a lock, not by its pid (which means nothing outside its own
// namespace): the writer holds an exclusive flock() on the temporary from
// creating it until it is renamed into place or removed, and the kernel drops
// the lock when the writer dies, however it dies.
std::string temporary_name(const std::string& report) {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  return fmt::format(".{}.tmp.{}.{}-{:08x}", report, ::getpid(), counter++, salt);
}

// Whether `name` is a temporary of write_atomically: ".<name>.tmp.<pid>.<rest>".
bool is_temporary_name(const std::string& name) {
  const auto at = name.rfind(".tmp.");
  if (name.empty() || name[0] != '.' || at == std::string::npos || at == 0) return false;
  const char* first = name.data() + at + 5;
  const char* last = name.data() + name.size();
  long pid = 0;
  const auto [end, ec] = std::from_chars(first, last, pid);
  return ec == std::errc() && end != last && *end == '.' && pid > 0;
}

std::error_code last_error() { return {errno, std::generic_category()}; }

// A temporary file created by this process and locked until it is closed.
class Temporary {
 public:
  Temporary() = default;
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;
  Temporary(Temporary&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
  Temporary& operator=(Temporary&&) = delete;
  ~Temporary() { close(); }

  // Creates and locks a new temporary in `dir` for report `report`.
  static Temporary create(const fs::path& dir, const std::string& report, std::error_code& ec) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      Temporary t;
      t.path_ = dir / temporary_name(report);
      t.fd_ = ::open(t.path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (t.fd_ < 0) {
        if (errno == EEXIST) continue;
        ec = last_error();
        return {};
      }
      // Another run's clean-up may have taken the lock of the brand-new, still
      // unlocked file and be removing it: wait for the lock, then make sure the
      // name still leads to this file, or start again with a new one.
      while (::flock(t.fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
          ec = last_error();
          t.remove();
          return {};
        }
      }
      struct stat mine {};
      struct stat named {};
      if (::fstat(t.fd_, &mine) == 0 && ::lstat(t.path_.c_str(), &named) == 0 && mine.st_dev == named.st_dev &&
          mine.st_ino == named.st_ino) {
        ec.clear();
        return t;
      }
      t.close();  // removed under us: not ours to unlink any more
    }
    ec = std::make_error_code(std::errc::file_exists);
    return {};
  }

  const fs::path& path() const { return path_; }

  // Writes `text` and flushes it to disk.
  std::error_code write(const std::string& text) const {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return last_error();
      if (n == 0) return std::make_error_code(std::errc::io_error);
      done += static_cast<std::size_t>(n);
    }
    // fsync before rename: after a crash the name points to the whole new file
    // or the old one, not to an empty one (ext4, xfs).
    if (::fsync(fd_) != 0) return last_error();
    return {};
  }

  // After a successful rename the file is the report: only unlock it.
  void release() {
    path_.clear();
    close();
  }

  void remove() {
    if (!path_.empty()) ::unlink(path_.c_str());
    path_.clear();
    close();
  }

 private:
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  fs::path path_;
  int fd_ = -1;
};

// Removes the temporaries of runs that died while writing: those whose lock
// can be taken. A live writer's temporaries (locked) are left alone, whatever
// its pid or PID namespace.
void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path path = it->path();
    if (!is_temporary_name(path.filename().string())) continue;
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;  // renamed or removed meanwhile, or not a regular file of ours
    struct stat opened {};
    struct stat named {};
    // Still the same file under that name once locked: its writer is gone.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &opened) == 0 && ::lstat(path.c_str(), &named) == 0 &&
        opened.st_dev == named.st_dev && opened.st_ino == named.st_ino && S_ISREG(opened.st_mode)) {
      ::unlink(path.c_str());
    }
    ::close(fd);
  }
}

}  // namespace

void prepare_report_dir(const fs::path& dir) {
  if (dir.empty()) throw Error("report directory '' is invalid: expected the path of a directory");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw Error(fmt::format("report directory '{}' exists and is not a directory", dir.string()));
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create report directory '{}': {}", dir.string(), ec.message()));
  // Probe by creating a file: access(2) says yes to root even where writing fails.
  Temporary probe = Temporary::create(dir, "gradcheck-probe", ec);
  if (ec) {
    throw Error(fmt::format("report directory '{}' is not writable: cannot create a file in it ({})", dir.string(),
                            ec.message()));
  }
  probe.remove();
  remove_stale_temporaries(dir);
}

void write_atomically(const fs::path& path, const std::string& text) { write_atomically({{path, text}}); }

void write_atomically(const std::vector<std::pair<fs::path, std::string>>& files) {
  // Every temporary stays locked until all are renamed (or removed on an error).
  std::vector<Temporary> temporaries;
  temporaries.reserve(files.size());
  const auto clean_up = [&temporaries] {
    for (Temporary& t : temporaries) t.remove();
  };
  for (const auto& [path, text] : files) {
    std::error_code ec;
    temporaries.push_back(Temporary::create(path.parent_path(), path.filename().string(), ec));
    if (!ec) ec = temporaries.back().write(text);
    if (ec) {
      clean_up();
      throw Error(fmt::format("cannot write report '{}': {}", path.string(), ec.message()));
    }
  }
  for (std::size_t k = 0; k < files.size(); ++k) {
    std::error_code ec;
    fs::rename(temporaries[k].path(), files[k].first, ec);
    if (ec) {
      clean_up();
      throw Error(fmt::format("cannot write report '{}': {}", files[k].first.string(), ec.message()));
    }
    temporaries[k].release();
  }
}

}  // namespace gradcheck::report
