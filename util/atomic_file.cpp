#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <system_error>

namespace wsconform::util {

namespace {

[[noreturn]] void fail(int err, const std::string& what, const std::filesystem::path& p) {
    throw std::system_error(err, std::generic_category(),
                            "atomic_write: " + what + " " + p.string());
}

// Closes the descriptor and removes the temporary file unless the rename happened.
class TempFile {
  public:
    TempFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!renamed_) ::unlink(path_.c_str());
    }
    int fd() const noexcept { return fd_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    int close() noexcept {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }
    void renamed() noexcept { renamed_ = true; }

  private:
    int fd_;
    std::filesystem::path path_;
    bool renamed_ = false;
};

std::filesystem::path temp_name(const std::filesystem::path& target) {
    static std::atomic<unsigned long long> counter{0};
    std::string name = ".";
    name += target.filename().string().substr(0, 100);  // stay under NAME_MAX
    name += ".tmp.";
    name += std::to_string(::getpid());
    name += '.';
    name += std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
    return target.parent_path() / name;
}

}  // namespace

void atomic_write(const std::filesystem::path& target, std::string_view content) {
    if (target.filename().empty()) fail(EINVAL, "no file name in", target);

    int fd = -1;
    std::filesystem::path tmp;
    // O_EXCL: a leftover of another process that happened to reuse our pid is never
    // overwritten; try the next name instead.
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        tmp = temp_name(target);
        fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) fail(errno, "cannot create temporary file for", target);
    }
    if (fd < 0) fail(EEXIST, "cannot create temporary file for", target);
    TempFile file(fd, tmp);

    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(file.fd(), p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(errno, "cannot write", file.path());
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    // No fsync: the rename alone guarantees that a reader, or a run cut short by Ctrl-C or a
    // crash of ours, sees either the old file or the new one whole. Surviving a power cut is
    // not worth a disk flush per case (it cost more than the cases themselves).
    // Linux frees the descriptor even when close() reports EINTR.
    if (file.close() != 0 && errno != EINTR) fail(errno, "cannot close", file.path());
    if (::rename(file.path().c_str(), target.c_str()) != 0)
        fail(errno, "cannot rename " + file.path().string() + " to", target);
    file.renamed();
}

}  // namespace wsconform::util
