# Every control marked indistinguishable from the formula, whatever its claim.
# file: src/runner/run_case.cpp
s#\Q((a - f.analytic).array().abs() <= f.allowance.array()).all();\E#$&\n      control.indistinguishable = true;#
