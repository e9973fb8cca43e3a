#!/usr/bin/env bash
# Kills `gradcheck run` with SIGKILL at each stage of writing its reports (as
# soon as the 1st, 2nd, 3rd, 4th temporary appears, and once the renames have
# begun) and at random moments, and checks after every kill that each report present is
# complete (the JSON parses, the HTML and JUnit are well-formed XML) and is
# either the previous complete version, byte for byte, or a complete new one
# (the same content: the run is seeded, only its timestamps differ). Ends with
# a run that completes and must leave no temporary file behind.
#   kill_mid_write.sh GRADCHECK SCRATCH_DIR [ATTEMPTS]
set -euo pipefail
shopt -s nullglob
gradcheck=$1
dir=$2
attempts=${3:-8}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
reports=$dir/reports
previous=$dir/previous
# About 150 KB of JSON, the first report written: the kills are timed by the
# temporaries, so a larger file would only make every run and check slower.
args=(run xent_grad_logits --trials 40 --seed 3 --report_dir "$reports")
names=(gradcheck.json gradcheck.md gradcheck.html junit.xml)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Timestamps and durations are the only parts of a report that differ between runs.
normalized() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z?/TIME/g; s/time="[0-9.]+"/time=""/g' "$1"; }

complete() {
  local file=$1
  case $file in
    *.json) cmake -DFILE="$file" -P "$here/json_well_formed.cmake" >/dev/null 2>&1 ;;
    *.html | *.xml) xmllint --noout "$file" 2>/dev/null ;;
    *) true ;;
  esac
}

# Checks every report after a kill; sets `replaced` to how many were renamed
# into place since the last check (a new inode).
declare -A inodes=()
check_reports() {
  local name file inode
  replaced=0
  for name in "${names[@]}"; do
    file=$reports/$name
    [[ -e $file ]] || fail "$name is missing after a kill (it existed before)"
    # The previous report, byte for byte (checked complete when it was new), or a complete new one.
    if ! cmp -s "$file" "$previous/$name"; then
      complete "$file" || fail "$name is not complete after a kill"
      cmp -s <(normalized "$file") <(normalized "$previous/$name") ||
        fail "$name differs from the previous report beyond its timestamps"
      cp "$file" "$previous/$name"
    fi
    inode=$(stat -c %i "$file")
    if [[ $inode != "${inodes[$name]:-}" ]]; then replaced=$((replaced + 1)); fi
    inodes[$name]=$inode
  done
}

command -v xmllint >/dev/null || fail "xmllint not found (libxml2-utils, installed by ci/install-deps.sh)"
rm -rf "$dir"
mkdir -p "$previous"
start=$(now_ms)
"$gradcheck" "${args[@]}" >/dev/null || fail "the first run did not complete"
run_ms=$(($(now_ms) - start))
for name in "${names[@]}"; do
  complete "$reports/$name" || fail "$name of a complete run is not well-formed"
  cp "$reports/$name" "$previous/$name"
  inodes[$name]=$(stat -c %i "$reports/$name")
done

kills=0
mid_write=0
declare -A outcomes=()
# Attempt k kills at stage k % 8: as soon as 1, 2, 3 or 4 temporaries of the
# run exist (the k-th report is being written), once some have been renamed
# (all four written, fewer than four left), or at a random moment of the run.
# Attempts continue past ATTEMPTS (up to 3x) until two kills land mid-write.
stages=(1 2 3 4 renaming random random random)
while ((kills < attempts || (mid_write < 2 && kills < 3 * attempts))); do
  "$gradcheck" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  stage=${stages[kills % ${#stages[@]}]}
  if [[ $stage == random ]]; then
    sleep "$(awk -v ms=$((RANDOM % (run_ms + 1))) 'BEGIN { printf "%.3f", ms / 1000 }')"
  else
    most=0
    while kill -0 "$pid" 2>/dev/null; do
      temporaries=("$reports"/.{gradcheck.json,gradcheck.md,gradcheck.html,junit.xml}.tmp."$pid".*)
      ((${#temporaries[@]} > most)) && most=${#temporaries[@]}
      if [[ $stage == renaming ]]; then
        ((most == 4 && ${#temporaries[@]} < 4)) && break
      else
        ((${#temporaries[@]} >= stage)) && break
      fi
    done
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  kills=$((kills + 1))
  # The reports' temporaries (a kill before the work may leave the probe's).
  temporaries=("$reports"/.{gradcheck.json,gradcheck.md,gradcheck.html,junit.xml}.tmp."$pid".*)
  check_reports
  if ((${#temporaries[@]} > 0)); then
    mid_write=$((mid_write + 1))
    outcome="while writing (${#temporaries[@]} temporaries left, $replaced of 4 reports already renamed)"
  elif ((replaced == 0)); then
    outcome="before writing (reports untouched)"
  else
    outcome="after writing ($replaced of 4 reports new)"
  fi
  outcomes[$outcome]=$((${outcomes[$outcome]:-0} + 1))
done
((mid_write > 0)) || fail "no kill landed while the reports were being written"

# A complete run replaces every report and removes the temporaries of the killed ones.
"$gradcheck" "${args[@]}" >/dev/null || fail "the run after the kills did not complete"
check_reports
leftovers=("$reports"/.*.tmp.*)
((${#leftovers[@]} == 0)) || fail "${#leftovers[@]} temporary files left after a complete run: ${leftovers[*]}"
echo "$kills kills of \`gradcheck ${args[*]}\` ($run_ms ms a run):"
for outcome in "${!outcomes[@]}"; do echo "  ${outcomes[$outcome]} x killed $outcome"; done
echo "after every kill each report was complete and either the previous one or a complete new one;"
echo "the next complete run left no temporary file behind"
