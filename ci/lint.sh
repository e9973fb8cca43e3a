#!/usr/bin/env bash
# Linters on gradcheck's own C++ sources (src/ and checks/; not bench/, not
# third-party headers), each must be clean:
#   clang-format --dry-run --Werror   with the committed .clang-format
#   clang-tidy                        with the committed .clang-tidy (the checks and why: see there),
#                                     through $BUILD_DIR/compile_commands.json
#   cppcheck                          warning, style, performance, portability (see cppcheck_args)
# Usage: ci/lint.sh [FILE...]
# Without FILEs: every C++ file of src/ and checks/ tracked by git, except those
# listed in ci/lint-deferred.txt, which are named in the output. With FILEs:
# exactly those (headers too: clang-tidy sees a header through the files that
# include it, and only that header's findings are kept).
# Each linter's own exit code counts too: one that crashes, or exits non-zero
# without reporting a finding, fails the lint rather than reading as clean.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export BUILD_DIR="${BUILD_DIR:-build}"
start=$(date +%s)

bash ci/install-deps.sh clang-tidy clang-format cppcheck >/dev/null
CONFIGURE_ONLY=1 bash ci/build.sh >/dev/null  # compile_commands.json, nothing built
db="$REPO/$BUILD_DIR/compile_commands.json"
[[ -f $db ]] || { echo "lint: no $db" >&2; exit 2; }

mapfile -t deferred < <(grep -v -e '^#' -e '^$' ci/lint-deferred.txt)
if (($# > 0)); then
  files=()
  for f in "$@"; do
    f=$(realpath --relative-to="$REPO" "$f")
    [[ -f $f ]] || { echo "lint: no such file: $f" >&2; exit 2; }
    files+=("$f")
  done
else
  mapfile -t files < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'checks/*.cpp' 'checks/*.hpp' | grep -vxF -f <(printf '%s\n' "${deferred[@]}"))
  echo "lint: ${#files[@]} files; left out (ci/lint-deferred.txt): ${deferred[*]:-none}"
fi
sources=() headers=()
for f in "${files[@]}"; do
  case $f in
    *.cpp) sources+=("$f") ;;
    *) headers+=("$f") ;;
  esac
done
logs="$REPO/$BUILD_DIR/lint"
rm -rf "$logs"
mkdir -p "$logs"

# Keeps the findings ("FILE:LINE:COL: warning|error|style|...: ... [check]") in
# the selected files, once each, with paths from the repo root; counts the rest.
filter() {
  local log=$1 out=$2
  awk -v repo="$REPO/" -v list="$(printf '%s\n' "${files[@]}")" -v others="$out.others" '
    BEGIN { n = split(list, f, "\n"); for (i = 1; i <= n; i++) want[f[i]] = 1 }
    match($0, /^[^ :]+:[0-9]+:[0-9]+: (warning|error|style|performance|portability|information): .*\[[A-Za-z0-9_.,-]+\]$/) {
      line = $0
      if (index(line, repo) == 1) line = substr(line, length(repo) + 1)
      split(line, parts, ":")
      if (parts[1] in want) { if (!(line in seen)) { seen[line] = 1; print line } }
      else if (!(line in other)) { other[line] = 1; print line > others }
    }' "$log" >"$out"
  touch "$out.others"
}

status=0
finding='^[^ :]+:[0-9]+:[0-9]+: (warning|error|style|performance|portability|information): '
# A linter's exit code: above 1 (a crash, a signal, a bad option), or non-zero
# with no finding in its log, is a failure of its own. Prints why, if so.
broken() {
  local rc=$1 log=$2
  if ((rc > 1)) || { ((rc != 0)) && ! grep -qE "$finding" "$log"; }; then
    echo "exited $rc$( ((rc > 128)) && echo " (signal $((rc - 128)))") without a finding to show for it (see $log)"
  fi
}
# report TOOL FOUND [WHY]: its findings, else WHY it failed, else clean.
report() {
  local tool=$1 out=$2 why=${3:-} count others
  count=$(wc -l <"$out")
  others=$(wc -l <"$out.others")
  if ((count > 0)); then
    cat "$out"
    echo "lint: $tool: $count findings"
    status=1
  elif [[ -n $why ]]; then
    echo "lint: $tool: FAILED: $why"
    status=1
  else
    echo "lint: $tool: clean"
  fi
  if ((others > 0)); then
    echo "lint: $tool: $others more findings in files not selected (in $out.others)"
  fi
}

# 1. clang-format
fmt_log="$logs/clang-format.log"
fmt_rc=0
clang-format --dry-run --Werror "${files[@]}" >"$fmt_log" 2>&1 || fmt_rc=$?
grep -E '^[^ :]+:[0-9]+:[0-9]+: (warning|error): ' "$fmt_log" | sed -E "s|^$REPO/||; s/\$/ [clang-format]/" |
  sort -u >"$logs/clang-format.found" || true
: >"$logs/clang-format.found.others"
report clang-format "$logs/clang-format.found" "$(broken "$fmt_rc" "$fmt_log")"

# 2. clang-tidy: the selected sources; every translation unit of our own when a
# header is selected (only files that include it matter, but any may).
mapfile -t units < <(grep -o '"file": "[^"]*"' "$db" | sed -E "s|^\"file\": \"||; s|\"\$||; s|^$REPO/||" |
  grep -E '^(src|checks)/' | sort -u)
tidy=()
if ((${#headers[@]} > 0)); then
  tidy=("${units[@]}")
  for f in "${sources[@]}"; do printf '%s\n' "${units[@]}" | grep -qxF "$f" || tidy+=("$f"); done
else
  tidy=("${sources[@]}")
fi
if ((${#tidy[@]} > 0)); then
  # A file not in the database (the fuzz target, the consumer example) gets the
  # flags of its nearest neighbour in it (clang's interpolation).
  # Each file's log and exit code (WarningsAsErrors: 1 with findings).
  printf '%s\n' "${tidy[@]}" | xargs -P "$(nproc)" -I{} sh -c \
    'log="$3/tidy-$(echo "$2" | tr / _).log"; clang-tidy -p "$1" --quiet "$2" >"$log" 2>&1; echo $? >"$log.rc"' \
    _ "$BUILD_DIR" {} "$logs"
fi
cat "$logs"/tidy-*.log >"$logs/clang-tidy.log" 2>/dev/null || : >"$logs/clang-tidy.log"
if grep -q 'clang-diagnostic-error\|error: unable to\|Error while processing' "$logs/clang-tidy.log"; then
  grep 'clang-diagnostic-error\|error: unable to\|Error while processing' "$logs/clang-tidy.log" | sort -u | head -20
  echo "lint: clang-tidy could not compile some files (see $logs/clang-tidy.log)"
  status=1
fi
filter "$logs/clang-tidy.log" "$logs/clang-tidy.found"
tidy_why=""
for f in "${tidy[@]}"; do
  log="$logs/tidy-$(echo "$f" | tr / _).log"
  why=$(broken "$(cat "$log.rc" 2>/dev/null || echo 255)" "$log")
  if [[ -n $why ]]; then tidy_why+="${tidy_why:+; }$f: $why"; fi
done
report clang-tidy "$logs/clang-tidy.found" "$tidy_why"

# 3. cppcheck: our sources, our include paths, no system headers (cppcheck
# needs none); its Boost configuration knows the Boost.Test macros. Off:
# useStlAlgorithm (it asks for std::transform or std::accumulate in place of
# every plain loop, a matter of taste; 33 of its 41 findings here),
# unusedStructMember (cppcheck 2.10 misses members read through a container's
# iterator: all 3 of its findings here were such false positives),
# missingIncludeSystem (system headers are left out on purpose). An inline
# `// cppcheck-suppress ID ; why` marks a checked false positive.
cppcheck_args=(--enable=warning,style,performance,portability --std=c++20 --language=c++ --library=boost
  --inline-suppr --quiet -j "$(nproc)" -I src -I src/include -I src/word2vec/include -I checks
  --suppress=missingIncludeSystem --suppress=useStlAlgorithm --suppress=unusedStructMember
  --suppress=unmatchedSuppression
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]')
cpp=("${sources[@]}")
if ((${#headers[@]} > 0)); then mapfile -t cpp < <(printf '%s\n' "${units[@]}" "${sources[@]}" | sort -u); fi
cppcheck_rc=0
if ((${#cpp[@]} > 0)); then cppcheck "${cppcheck_args[@]}" "${cpp[@]}" >"$logs/cppcheck.log" 2>&1 || cppcheck_rc=$?; fi
touch "$logs/cppcheck.log"
filter "$logs/cppcheck.log" "$logs/cppcheck.found"
report cppcheck "$logs/cppcheck.found" "$(broken "$cppcheck_rc" "$logs/cppcheck.log")"

echo "lint: $( ((status == 0)) && echo clean || echo 'findings above') (${#files[@]} files, $(($(date +%s) - start)) s)"
exit "$status"
