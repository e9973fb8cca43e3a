// Threads of a check: the pool that shares passes over x, and buffer advice.
#include "threads.hpp"

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace gradcheck::detail {

void populate_buffer(void* data, std::size_t bytes) {
#ifdef __linux__
  const auto interior = [&](std::uintptr_t align) {
    const auto at = reinterpret_cast<std::uintptr_t>(data);
    return std::pair{(at + align - 1) & ~(align - 1), (at + bytes) & ~(align - 1)};
  };
  // NOLINTBEGIN(performance-no-int-to-ptr): madvise takes the aligned address
  // Advice: either may fail (MADV_POPULATE_WRITE needs Linux 5.14), which costs only speed.
  if (const auto [begin, end] = interior(std::uintptr_t{1} << 21U); end > begin)  // whole 2 MiB pages
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  constexpr std::size_t populate_from = std::size_t{1} << 16U;
  static const long page = ::sysconf(_SC_PAGESIZE);
  if (bytes >= populate_from && page > 0) {
    if (const auto [begin, end] = interior(static_cast<std::uintptr_t>(page)); end > begin)
      ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
  }
#endif
  // NOLINTEND(performance-no-int-to-ptr)
#else
  (void)data;
  (void)bytes;
#endif
}

PassPool::PassPool(int threads) {
  helpers_.reserve(static_cast<std::size_t>(std::max(0, threads - 1)));
  for (int k = 1; k < threads; ++k) {
    try {
      helpers_.emplace_back([this, k] { serve(k); });
    } catch (const std::system_error&) {
      break;         // no more threads: fewer parts
    } catch (...) {  // out of memory, say: the started helpers must return before they are joined
      stop();
      throw;
    }
  }
}

PassPool::~PassPool() { stop(); }  // helpers_ joined here, before the mutex and conditions go

void PassPool::stop() noexcept {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
}

void PassPool::dispatch(Call call, const void* part) noexcept {
  const int parts = size();
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    call_ = call;
    part_ = part;
    parts_ = parts;
    busy_ = parts - 1;
    ++round_;
  }
  start_.notify_all();
  call(part, 0, parts);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return busy_ == 0; });
}

void PassPool::serve(int k) {
  long seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stop_ || round_ != seen; });
    if (stop_) return;
    seen = round_;
    const Call call = call_;
    const void* part = part_;
    const int parts = parts_;
    lock.unlock();
    call(part, k, parts);
    lock.lock();
    if (--busy_ == 0) done_.notify_one();
  }
}

}  // namespace gradcheck::detail
