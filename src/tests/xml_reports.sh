#!/usr/bin/env bash
# Runs `gradcheck run` and checks its HTML and JUnit reports: both well-formed
# XML (xmllint --noout), every inline SVG plot too (extracted one by one),
# every case of `gradcheck list --ids` named in both, exactly one JUnit
# testcase per case and per negative control; then a failing run, whose JUnit
# failures carry a named entry and a reproduce line.
#   xml_reports.sh GRADCHECK SCRATCH_DIR
set -euo pipefail
gradcheck=$1
dir=$2

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v xmllint >/dev/null || fail "xmllint not found (libxml2-utils, installed by ci/install-deps.sh)"
rm -rf "$dir"
mkdir -p "$dir"

"$gradcheck" run --trials 3 --report_dir "$dir/pass" >"$dir/pass.out" || fail "the run failed: $(cat "$dir/pass.out")"
html=$dir/pass/gradcheck.html
junit=$dir/pass/junit.xml
xmllint --noout "$html" "$junit"
svgs=$(xmllint --xpath 'count(//*[local-name()="svg"])' "$html")
((svgs > 0)) || fail "the HTML report has no SVG plot"
for ((i = 1; i <= svgs; i++)); do
  xmllint --xpath "(//*[local-name()='svg'])[$i]" "$html" >"$dir/plot-$i.svg"
  xmllint --noout "$dir/plot-$i.svg"
done
[[ $(xmllint --xpath 'count(//*[local-name()="script"])' "$html") == 0 ]] || fail "the HTML report has a script"

cases=0
for id in $("$gradcheck" list --ids); do
  cases=$((cases + 1))
  [[ $(xmllint --xpath "count(//*[local-name()='section'][@id='case-$id'])" "$html") == 1 ]] ||
    fail "the HTML report has no section for case $id"
  [[ $(xmllint --xpath "count(//testcase[@name='$id'])" "$junit") == 1 ]] ||
    fail "junit.xml has no testcase for case $id"
done
controls=$(grep -oE '"negative_controls": [0-9]+' "$dir/pass/gradcheck.json" | grep -oE '[0-9]+$')
testcases=$(xmllint --xpath 'count(//testcase)' "$junit")
((testcases == cases + controls)) ||
  fail "junit.xml has $testcases testcases, expected $cases cases + $controls negative controls"
[[ $(xmllint --xpath 'string(/testsuites/@tests)' "$junit") == "$testcases" ]] || fail "testsuites/@tests is wrong"
[[ $(xmllint --xpath 'count(//failure)' "$junit") == 0 ]] || fail "a passing run has JUnit failures"

# A failing run: the negative controls are accepted under rtol 10.
code=0
"$gradcheck" run 'xent_*' --trials 2 --rtol 10 --report_dir "$dir/fail" >/dev/null || code=$?
((code == 1)) || fail "the failing run exited $code, expected 1"
xmllint --noout "$dir/fail/gradcheck.html" "$dir/fail/junit.xml"
failures=$(xmllint --xpath 'count(//failure)' "$dir/fail/junit.xml")
((failures > 0)) || fail "the failing run has no JUnit failure"
[[ $(xmllint --xpath 'string(/testsuites/@failures)' "$dir/fail/junit.xml") == "$failures" ]] ||
  fail "testsuites/@failures is wrong"
for ((i = 1; i <= failures; i++)); do
  message=$(xmllint --xpath "string((//failure)[$i]/@message)" "$dir/fail/junit.xml")
  [[ $message == *"reproduce: gradcheck run xent_"*" --seed "*" --trial "* ]] ||
    fail "a JUnit failure without a reproduce line: $message"
  [[ $message =~ [A-Za-z_]+(\[[0-9,]+\])?:\ analytic\  ]] || fail "a JUnit failure without a named entry: $message"
done
echo "HTML ($svgs SVG plots) and junit.xml well-formed; $cases cases named in both;" \
  "$testcases testcases = $cases cases + $controls controls; the failing run's $failures failures name an entry" \
  "and carry a reproduce line"
