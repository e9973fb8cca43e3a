#!/usr/bin/env python3
"""Measure the central-difference error of every correct formula against the
relative step, to justify the default `step` (see check.hpp).

Usage: bench/step_sweep.py [path/to/gradcheck] [--trials N]
Prints, per step, the largest relative error of each case's correct formula
over N trials (entries too small for a relative error excluded, as in the
reports), and the worst error/allowance ratio under the default tolerances.
"""
import json
import subprocess
import sys
import tempfile

def main():
    exe = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "build/src/gradcheck"
    trials = sys.argv[sys.argv.index("--trials") + 1] if "--trials" in sys.argv else "200"
    steps = ["1e-4", "3e-5", "1e-5", "6.06e-6", "3e-6", "1e-6", "1e-7"]
    rows = {}
    ratio = {}
    with tempfile.TemporaryDirectory() as tmp:
        for step in steps:
            subprocess.run([exe, "run", "--step", step, "--trials", trials, "--report_dir", tmp],
                           check=False, stdout=subprocess.DEVNULL)
            report = json.load(open(f"{tmp}/gradcheck.json"))
            for case in report["cases"]:
                rows.setdefault(case["id"], {})[step] = case["max_rel_error"]
                worst = max(t["error"] / t["allowance"] if t["allowance"] else 0.0 for t in case["trial_results"])
                ratio.setdefault(case["id"], {})[step] = worst
    print(f"largest relative error of the correct formula over {trials} trials, by step")
    print(f"{'case':38}" + "".join(f"{s:>10}" for s in steps))
    for case, by_step in rows.items():
        print(f"{case:38}" + "".join(f"{by_step[s]:10.1e}" for s in steps))
    print(f"\nworst error/allowance ratio (must stay < 1), by step")
    for case, by_step in ratio.items():
        print(f"{case:38}" + "".join(f"{by_step[s]:10.1e}" for s in steps))

if __name__ == "__main__":
    main()
