#!/usr/bin/env bash
# Checks that a wsconform binary runs on the oldest glibc the release tarball claims: no
# GLIBC_x.y symbol version newer than that (objdump -T), and, unless --glibc-only, that it
# loads no shared library but glibc's own (ldd): OpenSSL, zlib, libstdc++ and libgcc are linked
# in (WSCONFORM_STATIC_DEPS). scripts/package runs it on the tarball's binary; CTest runs the
# symbol half on the normal build (the libraries' own symbols aside, the same code).
#
#   tests/package/portable_binary.sh [--glibc-only] [--max-glibc X.Y] BINARY
#
# The claim: glibc 2.35, GitHub's ubuntu-22.04 runner (ubuntu-24.04 has 2.39, Debian 12 2.36).
set -euo pipefail
max_glibc=2.35
glibc_only=false
while (($# > 1)); do
  case $1 in
    --glibc-only) glibc_only=true ;;
    --max-glibc) max_glibc=$2; shift ;;
    *) break ;;
  esac
  shift
done
binary=${1:?usage: portable_binary.sh [--glibc-only] [--max-glibc X.Y] BINARY}
status=0

newest=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV |
           tail -n 1)
if [ -z "$newest" ]; then
  echo "portable_binary: no GLIBC_ symbol versions in $binary" >&2
  exit 1
fi
if [ "$(printf '%s\n%s\n' "$newest" "$max_glibc" | sort -V | tail -n 1)" != "$max_glibc" ]; then
  echo "portable_binary: $binary needs glibc $newest, newer than the $max_glibc claimed:" >&2
  objdump -T "$binary" | grep -E "GLIBC_$newest\b" | sed 's/^/  /' >&2
  status=1
else
  echo "portable_binary: newest glibc symbol version GLIBC_$newest (claimed: $max_glibc or newer)"
fi

if ! $glibc_only; then
  # Whatever ldd lists that is neither glibc (libc, libm, libpthread, libdl, librt, the
  # dynamic loader) nor the kernel's vDSO.
  others=$(ldd "$binary" | grep -vE '^\s*(linux-vdso\.so|/lib(64)?/ld-linux|ld-linux)' |
             grep -vE '^\s*(libc|libm|libpthread|libdl|librt)\.so\.[0-9]+ ' || true)
  if [ -n "$others" ]; then
    echo "portable_binary: $binary loads libraries beyond glibc:" >&2
    echo "$others" >&2
    status=1
  else
    echo "portable_binary: ldd lists only glibc: $(ldd "$binary" | awk '{print $1}' | xargs)"
  fi
fi
exit $status
