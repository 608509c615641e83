// The main() every fuzz target links when it is not built with libFuzzer (the normal g++
// build): runs LLVMFuzzerTestOneInput once over every file named on the command line or found
// (recursively) under a directory named there, in sorted order. CTest uses it to replay
// corpus/<target>/ and regressions/<target>/. Arguments starting with '-' are ignored, so a
// libFuzzer command line replays too. Exit status: 0 when every input ran; 2 on a usage error,
// an unreadable path or no input at all; a failed check aborts (non-zero, with its message).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& path, std::vector<fs::path>& out) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        out.push_back(path);
        return true;
    }
    if (!fs::is_directory(path, ec)) {
        std::fprintf(stderr, "replay: %s: not a file or directory\n", path.c_str());
        return false;
    }
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().filename().string().front() != '.') {
            out.push_back(it->path());
        }
    }
    if (ec) {
        std::fprintf(stderr, "replay: %s: %s\n", path.c_str(), ec.message().c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] == '-') continue;
        if (!collect(argv[i], files)) return 2;
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIR... (found no input to replay)\n", argv[0]);
        return 2;
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
            return 2;
        }
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                      std::istreambuf_iterator<char>());
        // An exact-size copy, so a read past the end of the input is a sanitizer report.
        auto buf = std::make_unique<std::uint8_t[]>(bytes.empty() ? 1 : bytes.size());
        std::copy(bytes.begin(), bytes.end(), buf.get());
        std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
        LLVMFuzzerTestOneInput(buf.get(), bytes.size());
    }
    std::fprintf(stderr, "replay: %zu inputs, no failure\n", files.size());
    return 0;
}
