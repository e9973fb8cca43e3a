# The JSON report drops the allowance of each trial's worst entry.
# file: src/report/json_report.cpp
s#\Q  out["allowance"] = r.worst_allowance;\E\n##
