#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script for the fuzz/ targets (docs/fuzzing.md).
#
# The engine calls it with $CC $CXX $CFLAGS $CXXFLAGS (sanitizer and -fsanitize=fuzzer-no-link
# flags included), $LIB_FUZZING_ENGINE (the link flag, e.g. -fsanitize=fuzzer), $OUT and $SRC
# set. It builds fuzz/ standalone (only zlib and OpenSSL are needed) and puts in $OUT, for each
# target: the binary, <target>.options (max_len, dict), <target>.dict and
# <target>_seed_corpus.zip (corpus/<corpus>/ plus regressions/<target>/).
#
# Locally, the way the engine calls it (a copy of the tree in $SRC/wsconform, the engine's
# variables, then a check of $OUT and a 5 s run of one target): scripts/cflite-local.

# The source tree: the working directory (the Dockerfile's WORKDIR), else next to this script,
# else $SRC/wsconform.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -f "$PWD/fuzz/CMakeLists.txt" ]]; then
    root=$PWD
elif [[ -f "$here/../fuzz/CMakeLists.txt" ]]; then
    root=$(cd "$here/.." && pwd)
else
    root=$SRC/wsconform
fi
: "${OUT:?OUT must be set}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
export LIB_FUZZING_ENGINE
work=${WORK:-$(mktemp -d)}
build=$work/wsconform-fuzz-build
mkdir -p "$OUT"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# An empty build type: the engine's CFLAGS/CXXFLAGS are the whole story (no -O2/-DNDEBUG).
cmake "${generator[@]}" -S "$root/fuzz" -B "$build" \
    -DCMAKE_BUILD_TYPE= \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DWSCONFORM_BUILD_FUZZERS=ON
cmake --build "$build" --target fuzz_targets -j "$(nproc)"

# target:corpus pairs, as fuzz/CMakeLists.txt lists them; only those the build produced.
pairs=$(sed -n '/^set(WSCONFORM_FUZZ_TARGETS/,/)/p;/list(APPEND WSCONFORM_FUZZ_TARGETS/p' \
    "$root/fuzz/CMakeLists.txt" | grep -o '[a-z0-9_]*:[a-z0-9_]*')
for pair in $pairs; do
    target=${pair%%:*}
    corpus=${pair##*:}
    [[ -x "$build/$target" ]] || continue
    cp "$build/$target" "$OUT/"
    [[ -f "$root/fuzz/$target.options" ]] && cp "$root/fuzz/$target.options" "$OUT/"
    [[ -f "$root/fuzz/$target.dict" ]] && cp "$root/fuzz/$target.dict" "$OUT/"
    rm -f "$OUT/${target}_seed_corpus.zip"
    seeds=()
    [[ -d "$root/corpus/$corpus" ]] && seeds+=("$root/corpus/$corpus")
    [[ -d "$root/regressions/$target" ]] && seeds+=("$root/regressions/$target")
    if ((${#seeds[@]} > 0)); then
        find "${seeds[@]}" -type f ! -name '*.md' -print0 |
            xargs -0 zip -q -j "$OUT/${target}_seed_corpus.zip"
    fi
done
ls "$OUT"
