#!/usr/bin/env bash
# valgrind memcheck on the gradcheck CLI, built as ci/build.sh builds it:
# `gradcheck run ID` of every case and `gradcheck formula` of every shipped
# formula file, each with few trials (TRIALS, default 2), two at a time (JOBS,
# default nproc). Each must exit 0 (every check passed, as it does without
# valgrind) with no memcheck error and no definite or indirect leak
# (--error-exitcode=1 --leak-check=full); logs go to $BUILD_DIR/valgrind/.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export BUILD_DIR="${BUILD_DIR:-build}"
TRIALS="${TRIALS:-2}"
JOBS="${JOBS:-$(nproc)}"
start=$(date +%s)

bash ci/install-deps.sh valgrind
bash ci/build.sh
gradcheck="$REPO/$BUILD_DIR/src/gradcheck"
logs="$REPO/$BUILD_DIR/valgrind"
rm -rf "$logs"
mkdir -p "$logs"

# One job per line: a name and the gradcheck arguments.
jobs=()
for id in $("$gradcheck" list --ids); do jobs+=("run-$id run $id"); done
for file in fixtures/formulas/*.gcf; do
  jobs+=("formula-$(basename "$file" .gcf) formula $file")  # relative: no spaces
done

memcheck() {
  local name=$1
  shift
  local code=0
  valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --track-origins=yes --log-file="$logs/$name.log" \
    "$gradcheck" "$@" --trials "$TRIALS" --report_dir "$logs/$name-reports" >"$logs/$name.out" 2>&1 || code=$?
  local summary
  summary=$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$logs/$name.log" || echo 'no ERROR SUMMARY')
  if ((code != 0)) || [[ $summary != "ERROR SUMMARY: 0 errors" ]]; then
    echo "valgrind: FAIL $name: exit $code, $summary (see $logs/$name.log and $name.out)"
    return 1
  fi
  echo "valgrind: ok   $name"
}
export -f memcheck
export gradcheck logs TRIALS

failed=0
printf '%s\n' "${jobs[@]}" | xargs -P "$JOBS" -L 1 bash -c 'memcheck "$@"' _ || failed=1
if ((failed)); then
  echo "valgrind: memcheck found errors or a run failed (logs in $logs)" >&2
  exit 1
fi
echo "valgrind: ${#jobs[@]} runs clean under memcheck ($TRIALS trials each) in $(($(date +%s) - start)) s"
