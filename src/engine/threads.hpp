// engine/threads.hpp (internal): the threads a check runs on: a pool that
// shares passes over x (PassPool), and advice to the kernel on large buffers.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace gradcheck::detail {

/// Asks the kernel to map the buffer [data, data + bytes) at once, to be
/// called before it is first written: transparent huge pages where whole 2 MiB
/// pages fit (MADV_HUGEPAGE), and every whole page populated in one call
/// (MADV_POPULATE_WRITE) for a buffer of 64 KiB or more. Linux only; refused
/// advice costs only speed. On virtual machines pages faulted in one by one
/// cost more than a large directional check spends on anything else
/// (bench/README.md, microbenchmarks).
void populate_buffer(void* data, std::size_t bytes);

/// Runs work() on `threads` threads and returns when all have finished: on
/// the calling thread if threads is 1, else on as many new threads (the
/// calling thread as one of the workers made full checks measurably slower,
/// bench/README.md). The work is shared out by the callers (an
/// atomic counter), so a thread that cannot be started is left out and the
/// calling thread works too; an exception thrown on another thread is
/// rethrown here.
template <class Work>
void run_on_threads(int threads, Work&& work) {
  if (threads <= 1) {
    work();
    return;
  }
  std::exception_ptr failed;
  std::mutex guard;
  {
    std::vector<std::jthread> helpers;  // joined at the end of this block
    helpers.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t) {
      try {
        helpers.emplace_back([&] {
          try {
            work();
          } catch (...) {
            const std::lock_guard<std::mutex> lock(guard);
            if (!failed) failed = std::current_exception();
          }
        });
      } catch (const std::system_error&) {
        break;  // no more threads: the started ones share the rest
      }
    }
    if (helpers.size() < static_cast<std::size_t>(threads)) work();
  }
  if (failed) std::rethrow_exception(failed);
}

/// Threads kept for one check's passes over x (forming a point along a
/// direction or the noise probe's, restoring x): the calling thread and
/// threads − 1 helpers, started once and waiting between passes, so that a
/// pass allocates nothing. Used from one thread at a time.
class PassPool {
 public:
  /// threads − 1 helpers, or as many as can be started.
  explicit PassPool(int threads);
  ~PassPool();
  PassPool(const PassPool&) = delete;
  PassPool& operator=(const PassPool&) = delete;
  PassPool(PassPool&&) = delete;
  PassPool& operator=(PassPool&&) = delete;

  /// The calling thread and the helpers.
  int size() const { return 1 + static_cast<int>(helpers_.size()); }

  /// Calls part(k, size()) for every k in [0, size()), k = 0 on the calling
  /// thread, and returns when all have returned. part must not throw (the
  /// helpers use it until then): noexcept makes a throw terminate at once.
  template <class Part>
  void run(const Part& part) noexcept {
    if (helpers_.empty()) {
      part(0, 1);
      return;
    }
    dispatch([](const void* p, int k, int parts) { (*static_cast<const Part*>(p))(k, parts); }, &part);
  }

  /// Runs pass(lo′, len′) over [lo, lo + len) in consecutive parts of at
  /// least min_split_length / 2 entries, one per thread of the pool at most (below
  /// that, a helper's wake-up costs more than it saves); a shorter range all
  /// on the calling thread. pass must not throw.
  template <class Pass>
  void split(Eigen::Index lo, Eigen::Index len, const Pass& pass) noexcept {
    const Eigen::Index parts = std::min<Eigen::Index>(size(), len / (min_split_length / 2));
    if (parts < 2) {
      pass(lo, len);
      return;
    }
    run([&](int k, int) {
      if (k >= parts) return;
      const Eigen::Index begin = lo + len * k / parts;
      const Eigen::Index end = lo + len * (k + 1) / parts;
      pass(begin, end - begin);
    });
  }

  /// Passes shorter than this stay on the calling thread: a helper's wake-up
  /// would cost more than it saves (bench/README.md, microbenchmarks).
  static constexpr Eigen::Index min_split_length = Eigen::Index{1} << 18;

 private:
  using Call = void (*)(const void*, int, int);
  void dispatch(Call call, const void* part) noexcept;
  void stop() noexcept;  // makes the helpers return
  void serve(int k);     // a helper's loop

  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  Call call_ = nullptr;
  const void* part_ = nullptr;
  int parts_ = 1;
  long round_ = 0;  // passes dispatched so far
  int busy_ = 0;    // helpers still working on this round
  bool stop_ = false;
  std::vector<std::jthread> helpers_;  // last member: joined before the rest is destroyed
};

}  // namespace gradcheck::detail
