# Runs `gradcheck run` twice with the same arguments and checks that the two
# JSON reports are identical apart from the timestamp ("created").
#   cmake -DGRADCHECK=path -DDIR=scratch "-DARGS=run --seed 7" -P same_report.cmake
separate_arguments(ARGS UNIX_COMMAND "${ARGS}")
file(REMOVE_RECURSE "${DIR}")
foreach(n IN ITEMS 1 2)
  execute_process(COMMAND "${GRADCHECK}" ${ARGS} --report_dir "${DIR}" RESULT_VARIABLE code OUTPUT_QUIET)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "run ${n} exited ${code}")
  endif()
  file(READ "${DIR}/gradcheck.json" json${n})
  string(JSON json${n} REMOVE "${json${n}}" created)
endforeach()
if(NOT json1 STREQUAL json2)
  message(FATAL_ERROR "the two reports differ beyond their timestamps")
endif()
string(LENGTH "${json1}" size)
message(STATUS "identical reports (${size} characters) apart from 'created'")
