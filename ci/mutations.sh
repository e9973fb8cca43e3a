#!/usr/bin/env bash
# The mutation check: does the suite notice a planted bug? Each file
# ci/mutations/NN-name.pl plants one (its first line says which, `# file:` names
# the file, the rest is a Perl substitution applied with `perl -0777 -pi`).
# For each, in a scratch copy of the working tree (tracked and untracked files,
# not ignored ones) with a build of its own:
#   apply it, checking that it changed the file ("did not apply" is an error:
#   the code it targets moved, and the pattern must be updated); build
#   incrementally (ccache if installed); run the ctest suite but the package.*
#   tests (they test installing, not the checker; --no-tests=error); restore the
#   file. It prints a table, mutation | red or GREEN | the CTest tests that
#   failed (the first 10; all in SCRATCH/logs/failed.txt) | time, then the
#   Boost.Test cases that failed under each, and exits
#   non-zero if any mutation survived (GREEN), did not apply or did not build.
# The unmutated copy is built and tested first: it must pass.
#
# Usage: ci/mutations.sh [PATTERN...]   (only the mutations whose file name
# contains a PATTERN, e.g. `ci/mutations.sh rtol kink`)
# SCRATCH (default build-mutations/, gitignored) holds the copy (tree/) and its
# build (tree/build/), kept between runs so that the next run rebuilds only
# what changed; JOBS (default nproc) is make's and ctest's parallelism.
#
# When: by hand (not in .ci/run, which it would take past 30 minutes)
# before merging a change to the engine (src/engine/), the runner or the reports
# (src/runner/), the cases (checks/) or the tests. Each bug an issue fixes adds
# a mutation here. Time (2 shared cores, 20 mutations, ccache): ~25 min, most
# of it the unmutated copy and the two mutations of options.hpp.
# ci/README.md has the table of what catches what.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
SCRATCH="${SCRATCH:-$REPO/build-mutations}"
JOBS="${JOBS:-$(nproc)}"
tree="$SCRATCH/tree"
build="$tree/build"
logs="$SCRATCH/logs"
start=$(date +%s)

bash ci/install-deps.sh >/dev/null
mkdir -p "$tree" "$logs"
rm -f "$logs"/*

# 1. The copy: files whose content differs are copied (a new mtime, so make
# rebuilds what uses them), the others left alone; files gone are removed.
mapfile -t files < <(git ls-files --cached --others --exclude-standard | while read -r f; do [[ -f $f ]] && echo "$f"; done)
for f in "${files[@]}"; do
  if ! cmp -s "$f" "$tree/$f"; then
    mkdir -p "$(dirname "$tree/$f")"
    cp "$f" "$tree/$f"
  fi
done
(cd "$tree" && find . -path ./build -prune -o -type f -print | sed 's|^\./||') | sort >"$logs/copy.txt"
printf '%s\n' "${files[@]}" | sort >"$logs/tree.txt"
comm -23 "$logs/copy.txt" "$logs/tree.txt" | while read -r f; do rm -f "$tree/$f"; done

# 2. Its build: Release as ci/build.sh, but warnings are not errors (a planted
# bug need not be lint-clean), and neither the benchmark nor the install rules
# (the package.* tests are not run).
if [[ ! -f $build/CMakeCache.txt ]]; then
  launcher=()
  if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S "$tree" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGRADCHECK_WARNINGS_AS_ERRORS=OFF \
    -DGRADCHECK_BUILD_BENCH=OFF -DGRADCHECK_INSTALL=OFF "${launcher[@]}" >"$logs/configure.log"
fi

# Builds the copy and runs the suite; sets `failed` (the CTest tests that
# failed) and `cases` (their failed Boost.Test cases). Returns 2 if the build
# failed, 1 if a test failed, 0 if all passed.
suite() {
  local name=$1
  failed="" cases=""
  if ! cmake --build "$build" -j"$JOBS" >"$logs/$name.build.log" 2>&1; then return 2; fi
  local code=0
  ctest --test-dir "$build" -LE package --no-tests=error --timeout 300 -j"$JOBS" >"$logs/$name.ctest.log" 2>&1 ||
    code=$?
  ((code == 0)) && return 0
  failed=$(sed -n 's/^[0-9]*:\(.*\)$/\1/p' "$build/Testing/Temporary/LastTestsFailed.log" 2>/dev/null | sort | paste -sd' ')
  # Boost.Test names a failed case as: error: in "suite/case": ...
  cases=$(sed 's/\x1b\[[0-9;]*m//g' "$build/Testing/Temporary/LastTest.log" 2>/dev/null |
    grep -o 'error: in "[^"]*"' | sed 's/^error: in "//; s/"$//' | sort -u | paste -sd' ')
  [[ -n $failed ]] || failed="(ctest exited $code)"
  return 1
}

code=0
suite baseline || code=$?
if ((code != 0)); then
  echo "mutations: the unmutated copy $( ((code == 2)) && echo "does not build" || echo "fails: $failed") (see $logs/baseline.*.log)" >&2
  exit 2
fi
echo "mutations: the unmutated copy builds and passes ($(($(date +%s) - start)) s)"

mutations=()
for m in ci/mutations/*.pl; do
  name=$(basename "$m" .pl)
  if (($# == 0)); then mutations+=("$m"); continue; fi
  for pattern in "$@"; do [[ $name == *"$pattern"* ]] && { mutations+=("$m"); break; }; done
done
((${#mutations[@]} > 0)) || { echo "mutations: none matches: $*" >&2; exit 2; }

rows=() details=() bad=0
for m in "${mutations[@]}"; do
  name=$(basename "$m" .pl)
  target=$(sed -n 's/^# file: //p' "$m")
  t0=$(date +%s)
  result="" failed="" cases=""
  if [[ -z $target || ! -f $tree/$target ]]; then
    result="ERROR: no such file '$target'"
  else
    cp "$tree/$target" "$logs/original"
    perl -0777 -pi -e "$(grep -v '^#' "$m")" "$tree/$target"
    if cmp -s "$logs/original" "$tree/$target"; then
      result="ERROR: did not apply"
    else
      code=0
      suite "$name" || code=$?
      case $code in
        0) result="GREEN" ;;
        1) result="red" ;;
        *) result="ERROR: does not build (see $logs/$name.build.log)" ;;
      esac
    fi
    cp "$logs/original" "$tree/$target"  # a new mtime: the next build recompiles it (from ccache)
  fi
  [[ $result == red ]] || bad=1
  echo "$name: $failed" >>"$logs/failed.txt"
  read -ra names <<<"$failed"
  shown="${names[*]:0:10}"
  ((${#names[@]} <= 10)) || shown+=" ... (+$((${#names[@]} - 10)) more)"
  rows+=("$(printf '%-50s | %-5s | %s | %s s' "$name" "$result" "$shown" "$(($(date +%s) - t0))")")
  [[ -z $cases ]] || details+=("$name: $cases")
  echo "${rows[-1]}"
done

echo
echo "mutation                                           | suite | CTest tests that failed | time"
printf '%s\n' "${rows[@]}"
if ((${#details[@]} > 0)); then
  echo
  echo "Boost.Test cases that failed, per mutation:"
  printf '  %s\n' "${details[@]}"
fi
echo
verdict=$( ((bad == 0)) && echo "every mutation turned the suite red" || echo "FAILED: a mutation survived or could not be run")
echo "mutations: ${#mutations[@]} run, $verdict ($(($(date +%s) - start)) s; logs in $logs)"
# The copy is left restored, built from the mutated sources: the next run's
# first build recompiles the restored files (ccache hits) before testing it.
exit "$bad"
