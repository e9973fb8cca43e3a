# Runs a command and checks its exit code and output, for the CLI's CTest tests:
#   cmake -DEXPECT_CODE=2 [-DEXPECT_STDERR=regex] [-DEXPECT_STDOUT=regex] [-DONE_LINE=ON]
#         -P expect_exit.cmake -- COMMAND ARGS...
# ONE_LINE=ON also requires stderr to be exactly one line.
include(${CMAKE_CURRENT_LIST_DIR}/command_args.cmake)
execute_process(COMMAND ${command} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${command}")
if(NOT code STREQUAL EXPECT_CODE)
  message(FATAL_ERROR "`${shown}` exited ${code}, expected ${EXPECT_CODE}\nstdout: ${out}\nstderr: ${err}")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "`${shown}`: stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "`${shown}`: stdout does not match '${EXPECT_STDOUT}':\n${out}")
endif()
if(ONE_LINE)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL 1)
    message(FATAL_ERROR "`${shown}`: expected a one-line error, got ${lines} lines:\n${err}")
  endif()
endif()
message(STATUS "`${shown}` exited ${code} as expected: ${err}")
