# A control not rejected is counted as indistinguishable, even where it differs from the formula.
# file: src/runner/run_case.cpp
s#\Qn += t.controls[c].indistinguishable && t.controls[c].result.verdict != Verdict::fail\E#n += t.controls[c].result.verdict != Verdict::fail#
