#!/usr/bin/env bash
# What including gradcheck costs a user's test file (bench/README.md, "Compile
# time of a user's test"): compiles user_test.cpp without ccache, as
#   g++ -std=c++20 -O2 -c user_test.cpp -I<include dir> -I<Eigen>
# in three forms, in turn, RUNS times each: `without` (no gradcheck: the
# yardstick), `gradcheck.hpp` (+ one check_gradient call) and `+ autodiff.hpp`;
# prints the median CPU (user + sys) and wall seconds of each, and the medians
# of the pairwise differences to `without`.
#   bench/compile_time/measure.sh [RUNS=10] [INCLUDE_DIR=src/include]
# To time another commit's headers:
#   git archive <commit> src/include | tar -x -C /tmp/old && bench/compile_time/measure.sh 10 /tmp/old/src/include
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS=${1:-10}
INCLUDE=${2:-$HERE/../../src/include}
EIGEN=${EIGEN_INCLUDE:-/usr/include/eigen3}
CXX=${CXX:-g++}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

forms=(without gradcheck autodiff)
declare -A flags=([without]=-DWITHOUT_GRADCHECK [gradcheck]= [autodiff]=-DWITH_AUTODIFF)
for ((i = 0; i <= RUNS; ++i)); do  # run 0 warms the page cache, not counted
  for form in "${forms[@]}"; do
    /usr/bin/time -f '%U %S %e' -o "$out/t" \
      "$CXX" -std=c++20 -O2 -c "$HERE/user_test.cpp" ${flags[$form]} -I"$INCLUDE" -I"$EIGEN" -o "$out/o.o"
    if ((i > 0)); then awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$out/t" >>"$out/$form"; fi
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-16s %8s %8s %12s\n' form "cpu s" "wall s" "cpu - without"
for form in "${forms[@]}"; do
  cpu=$(cut -d' ' -f1 "$out/$form" | median)
  wall=$(cut -d' ' -f2 "$out/$form" | median)
  diff=$(paste -d' ' "$out/$form" "$out/without" | awk '{ printf "%.3f\n", $1 - $3 }' | median)
  printf '%-16s %8s %8s %12s\n' "$form" "$cpu" "$wall" "$diff"
done
echo "($RUNS runs each, medians; headers from $INCLUDE)"
