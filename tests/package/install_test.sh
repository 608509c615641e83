#!/usr/bin/env bash
# `cmake --install` of a build folder into a temporary prefix puts every file in place (the
# binary, the man page, the bash and zsh completions, the docs, the copyright and changelog),
# the installed man page renders, and the installed binary's --version names the version and
# the commit the tree is at (or "unknown" outside git).
#
#   tests/package/install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

cmake --install "$build" --prefix "$prefix" >/dev/null
for file in bin/wsconform share/man/man1/wsconform.1.gz \
            share/bash-completion/completions/wsconform \
            share/doc/wsconform/README.md share/doc/wsconform/copyright \
            share/doc/wsconform/changelog.gz; do
  [ -f "$prefix/$file" ] || fail "not installed: $file"
done
[ -n "$(find "$prefix/share/zsh" -name _wsconform 2>/dev/null)" ] ||
  fail "not installed: _wsconform"
for doc in "$src"/docs/*.md; do
  [ -f "$prefix/share/doc/wsconform/docs/${doc##*/}" ] || fail "not installed: docs/${doc##*/}"
done
[ -x "$prefix/bin/wsconform" ] || fail "bin/wsconform is not executable"

man -l -P cat "$prefix/share/man/man1/wsconform.1.gz" 2>/dev/null |
  grep -q 'wsconform test-server' || fail "the installed man page does not render"

version=$("$prefix/bin/wsconform" --version)
project_version=$(sed -nE 's/^project\(wsconform VERSION ([0-9.]+).*/\1/p' "$src/CMakeLists.txt")
if commit=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null); then
  want="wsconform $project_version (commit $commit"
else
  want="wsconform $project_version (commit unknown"
fi
[[ $version == "$want)" || $version == "$want-dirty)" ]] ||
  fail "--version says '$version', expected '$want[-dirty])' (built before the last commit?)"

if ((failures)); then
  echo "install_test: $failures failure(s)" >&2
  exit 1
fi
echo "install_test: every file in place; $version"
