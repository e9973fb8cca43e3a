#!/usr/bin/env bash
# Two `gradcheck run`s writing to the same report directory at once both
# finish (exit 0) and leave four complete reports (the JSON parses, the HTML
# and JUnit are well-formed XML, the Markdown has its last section) and no
# temporary file:
#  1. rounds of two runs of different lengths started together on a report
#     directory that does not exist yet (both create it);
#  2. a run stopped (SIGSTOP) while its temporaries are on disk, while a second
#     run prepares the directory, cleans up "temporaries of dead runs" and
#     writes its reports; then the first resumes and must still finish. The
#     second run is started in a new PID namespace when `unshare` allows it
#     (as containers sharing a workspace do), where the first run's pid means
#     nothing, so only the lock on its temporaries tells that it is alive.
#   concurrent_runs.sh GRADCHECK SCRATCH_DIR [ROUNDS]
set -euo pipefail
gradcheck=$1
dir=$2
rounds=${3:-3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
names=(gradcheck.json gradcheck.md gradcheck.html junit.xml)
shopt -s nullglob

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

check_reports() {
  local reports=$1 name file
  for name in "${names[@]}"; do
    file=$reports/$name
    [[ -s $file ]] || fail "$file is missing or empty"
    case $name in
      *.json) cmake -DFILE="$file" -P "$here/json_well_formed.cmake" >/dev/null || fail "$file does not parse" ;;
      *.md) grep -q '^## Failures$' "$file" || fail "$file is cut short" ;;
      *) xmllint --noout "$file" || fail "$file is not well-formed" ;;
    esac
  done
  local temporaries=("$reports"/.*.tmp.*)
  ((${#temporaries[@]} == 0)) || fail "temporaries left behind: ${temporaries[*]}"
}

# Whether file $1 exists and another process holds a flock() on it (opened
# for reading, so that a file renamed meanwhile is not created again).
locked() {
  local fd
  exec {fd}<"$1" || return 1
  if flock --nonblock "$fd"; then
    exec {fd}<&-
    return 1
  fi
  exec {fd}<&-
}

# Waits for run $1 and checks that it exited 0 and said so.
finished() {
  local pid=$1 out=$2 code=0
  wait "$pid" || code=$?
  ((code == 0)) || fail "a concurrent run exited $code: $(tail -n 3 "$out")"
  grep -q ' passed, 0 failed$' "$out" || fail "a concurrent run did not report its result: $(tail -n 3 "$out")"
}

command -v xmllint >/dev/null || fail "xmllint not found (libxml2-utils, installed by ci/install-deps.sh)"
command -v flock >/dev/null || fail "flock not found (util-linux)"
rm -rf "$dir"
mkdir -p "$dir"
long=(run xent_grad_logits --trials 150 --seed 3)
short=(run 'xent_*' sigmoid_derivative --trials 5 --seed 4)

# 1. Started together, on a directory both create.
for ((round = 0; round < rounds; round++)); do
  reports=$dir/together-$round/a/b
  "$gradcheck" "${long[@]}" --report_dir "$reports" >"$dir/long.out" 2>&1 &
  a=$!
  "$gradcheck" "${short[@]}" --report_dir "$reports" >"$dir/short.out" 2>&1 &
  b=$!
  finished "$a" "$dir/long.out"
  finished "$b" "$dir/short.out"
  check_reports "$reports"
done

# 2. One run stopped mid-write while the other runs from start to end.
namespace=()
if unshare --pid --fork true 2>/dev/null; then namespace=(unshare --pid --fork); fi
reports=$dir/stopped
mkdir -p "$reports"
stopped_mid_write=0
for ((attempt = 0; attempt < 5 && stopped_mid_write == 0; attempt++)); do
  "$gradcheck" "${long[@]}" --report_dir "$reports" >"$dir/long.out" 2>&1 &
  a=$!
  # Stop it once its first report is written to a temporary it has locked
  # (between creating a temporary and locking it, a clean-up may remove it:
  # the writer then notices and starts again with another).
  temporaries=()
  while kill -0 "$a" 2>/dev/null; do
    temporaries=("$reports"/.gradcheck.json.tmp."$a".*)
    if ((${#temporaries[@]} > 0)); then
      kill -STOP "$a" 2>/dev/null || break  # it has just finished
      locked "${temporaries[0]}" && break
      kill -CONT "$a" 2>/dev/null || true  # not locked yet, or already renamed
    fi
  done
  if ((${#temporaries[@]} > 0)) && [[ -e ${temporaries[0]} ]]; then
    stopped_mid_write=1
    "${namespace[@]}" "$gradcheck" "${short[@]}" --report_dir "$reports" >"$dir/short.out" 2>&1 ||
      fail "the second run exited $?: $(tail -n 3 "$dir/short.out")"
    grep -q ' passed, 0 failed$' "$dir/short.out" || fail "the second run did not report its result"
    for t in "${temporaries[@]}"; do
      [[ -e $t ]] || fail "the second run removed $(basename "$t") of the stopped, live run"
    done
  fi
  kill -CONT "$a" 2>/dev/null || true
  finished "$a" "$dir/long.out"
  check_reports "$reports"
done
((stopped_mid_write == 1)) || fail "the first run could not be stopped while writing in 5 attempts"

where="in the same PID namespace"
((${#namespace[@]} == 0)) || where="in a PID namespace of its own"
echo "$rounds rounds of two runs started together on a new report directory: both exit 0, 4 complete reports," \
  "no temporaries; a run stopped while writing kept its temporaries while a second run ($where) prepared the" \
  "directory and wrote its reports, then finished with exit 0"
