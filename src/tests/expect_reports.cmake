# Runs `gradcheck formula ... --report_dir DIR` and checks its exit code, its
# stdout and what its reports say, for the tests of diagnoses and formula options:
#   cmake -DEXPECT_CODE=1 -DDIR=dir [-DEXPECT_STDOUT=regex] [-DEXPECT_REPORT=regex]
#         [-DEXPECT_SUMMARY=regex] [-DEXPECT_MARKDOWN=regex] -P expect_reports.cmake -- COMMAND ARGS...
# EXPECT_REPORT must match gradcheck.md, gradcheck.html and gradcheck.json (a
# diagnosis, say); EXPECT_SUMMARY gradcheck.md and gradcheck.html (a collapsed
# line); EXPECT_MARKDOWN gradcheck.md alone. An empty regex is not checked. A semicolon cannot pass through -D: write '.' for it.
include(${CMAKE_CURRENT_LIST_DIR}/command_args.cmake)
file(REMOVE_RECURSE "${DIR}")
execute_process(COMMAND ${command} --report_dir ${DIR} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${command}")
if(NOT code STREQUAL EXPECT_CODE)
  message(FATAL_ERROR "`${shown}` exited ${code}, expected ${EXPECT_CODE}\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT "${EXPECT_STDOUT}" STREQUAL "" AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "`${shown}`: stdout does not match '${EXPECT_STDOUT}':\n${out}")
endif()
foreach(report IN ITEMS gradcheck.md gradcheck.html gradcheck.json)
  file(READ "${DIR}/${report}" text)
  if(NOT "${EXPECT_REPORT}" STREQUAL "" AND NOT text MATCHES "${EXPECT_REPORT}")
    message(FATAL_ERROR "${DIR}/${report} does not match '${EXPECT_REPORT}'")
  endif()
  if(NOT "${EXPECT_SUMMARY}" STREQUAL "" AND NOT report STREQUAL "gradcheck.json" AND NOT text MATCHES "${EXPECT_SUMMARY}")
    message(FATAL_ERROR "${DIR}/${report} does not match '${EXPECT_SUMMARY}'")
  endif()
endforeach()
file(READ "${DIR}/gradcheck.md" markdown)
if(NOT "${EXPECT_MARKDOWN}" STREQUAL "" AND NOT markdown MATCHES "${EXPECT_MARKDOWN}")
  message(FATAL_ERROR "${DIR}/gradcheck.md does not match '${EXPECT_MARKDOWN}':\n${markdown}")
endif()
message(STATUS "`${shown}` exited ${code} as expected; its reports say so")
