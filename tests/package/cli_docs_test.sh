#!/usr/bin/env bash
# The man page (docs/man/wsconform.1) and the completions (completions/) against the binary's
# own --help, so that neither goes stale when a flag or a subcommand is added:
#  - every subcommand has its section in the man page, and no section names one that is gone;
#  - every flag of a subcommand is named in its section, and every flag a section describes
#    (its .TP/.TQ tags) exists; every top-level flag is named in the page;
#  - the page's version is the binary's, and groff renders it without a warning;
#  - the bash completion offers the subcommands, a subcommand's flags and a flag's choices;
#    the zsh one parses (zsh -n), when zsh is installed.
#
#   tests/package/cli_docs_test.sh WSCONFORM SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
page=$src/docs/man/wsconform.1
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

subcommands=$("$bin" --help | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 }')
[ -n "$subcommands" ] || fail "no subcommands in wsconform --help"
# The flags of `wsconform [SUB] --help`, one a line (-j and --jobs apart), but -h and --help:
# the page says once that every subcommand takes them.
flags_of() {
  "$bin" "$@" --help | sed -nE 's/^ +(-[A-Za-z],)?(--[A-Za-z0-9-]+).*/\1\2/p' | tr ',' '\n' |
    { grep -vxE -- '-h|--help' || true; }
}
# The man page text of one subcommand's section (from its .SS to the next .SS or .SH).
section_of() {
  sed 's/\\-/-/g' "$page" |
    awk -v name="$1" '/^\.S[SH] / { on = ($0 ~ "^\\.SS \"wsconform " name "( |\")") } on'
}

for sub in $subcommands; do
  section=$(section_of "$sub")
  if [ -z "$section" ]; then
    fail "the man page has no section for subcommand $sub"
    continue
  fi
  for flag in $(flags_of "$sub"); do
    grep -qE -- "(^|[^A-Za-z0-9-])$flag([^A-Za-z0-9-]|\$)" <<<"$section" ||
      fail "man page, section $sub: $flag is not named"
  done
  # The flags the section describes: the first words of its .TP/.TQ tag lines.
  described=$(awk '/^\.T[PQ]$/ { getline; print }' <<<"$section" |
                { grep -oE -- '(^|[ "])--?[A-Za-z][A-Za-z0-9-]*' || true; } | tr -d ' "' | sort -u)
  known=$(flags_of "$sub")
  for flag in $described; do
    grep -qxF -- "$flag" <<<"$known" || fail "man page, section $sub: $flag is not a flag of $sub"
  done
done
for section in $(sed 's/\\-/-/g' "$page" | grep -oE '^\.SS "wsconform [a-z-]+' |
                   awk '{print $3}'); do
  grep -qxF "$section" <<<"$subcommands" ||
    fail "man page: a section for $section, no such subcommand"
done
whole=$(sed 's/\\-/-/g' "$page")
for flag in $(flags_of); do
  grep -qE -- "(^|[^A-Za-z0-9-])$flag([^A-Za-z0-9-]|\$)" <<<"$whole" ||
    fail "man page: top-level flag $flag is not named"
done

version=$("$bin" --version | awk '{print $2}')
grep -qE "^\.TH WSCONFORM 1 \"[0-9-]+\" \"wsconform $version\"" "$page" ||
  fail "man page: .TH does not say wsconform $version"
warnings=$(groff -man -ww -z "$page" 2>&1)
[ -z "$warnings" ] || fail "groff warns about the man page: $warnings"

# The bash completion, asked as bash asks it.
complete_words() {
  bash -c 'source "$1/completions/wsconform.bash"; shift
           COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _wsconform
           printf "%s\n" "${COMPREPLY[@]}"' bash "$src" "$bin" "$@"
}
expect_completion() {
  local want=$1
  shift
  local got
  got=$(complete_words "$@" | xargs)
  [ "$got" = "$want" ] || fail "bash completion of '$*': '$got', expected '$want'"
}
expect_completion "$(xargs <<<"$subcommands")" ""
expect_completion "$(flags_of test-server | grep -- '^--ca' | xargs)" test-server --ca
expect_completion "auto always never" test-server --color ""
expect_completion "" test-server --jobs ""
expect_completion "$(flags_of serve | grep -- '^--deflate-client' | xargs)" serve --deflate-client
expect_completion "$src/README.md" report "$src/README."
if command -v zsh >/dev/null; then
  zsh -n "$src/completions/_wsconform" || fail "zsh cannot parse completions/_wsconform"
fi

if ((failures)); then
  echo "cli_docs_test: $failures failure(s)" >&2
  exit 1
fi
echo "cli_docs_test: the man page and the completions know every subcommand and flag"
