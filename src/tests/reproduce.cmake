# Checks that a reproduce line re-runs exactly its point: runs `gradcheck run`,
# takes from its JSON report the reproduce line of one negative control's
# trial, runs that line, and checks that the second report holds exactly one
# case and one trial, that trial, with the same numbers (the formula's and
# every control's judgement, the point drawn) as in the full run. When the
# control was accepted, also checks that the first run printed the line and
# that its HTML, JUnit and Markdown reports carry it.
#   cmake -DGRADCHECK=path -DDIR=scratch "-DARGS=run ..." -DEXPECT_CODE=1
#         -DCONTROL_VERDICT=pass|fail -P reproduce.cmake
# CONTROL_VERDICT picks the first control trial judged so: "pass" is a control
# the check accepted (the run fails), "fail" one it rejected.
separate_arguments(ARGS UNIX_COMMAND "${ARGS}")
file(REMOVE_RECURSE "${DIR}")
execute_process(COMMAND "${GRADCHECK}" ${ARGS} --report_dir "${DIR}/full" RESULT_VARIABLE code OUTPUT_VARIABLE out)
if(NOT code EQUAL EXPECT_CODE)
  message(FATAL_ERROR "the full run exited ${code}, expected ${EXPECT_CODE}:\n${out}")
endif()
file(READ "${DIR}/full/gradcheck.json" full)

# The first trial of a control judged CONTROL_VERDICT, after trial 0 if any;
# for "pass", of a control that differs from the formula (an accepted one).
string(JSON cases LENGTH "${full}" cases)
math(EXPR last_case "${cases} - 1")
set(found OFF)
foreach(c RANGE ${last_case})
  string(JSON controls LENGTH "${full}" cases ${c} negative_controls)
  math(EXPR last_control "${controls} - 1")
  foreach(k RANGE ${last_control})
    string(JSON same GET "${full}" cases ${c} negative_controls ${k} trials_indistinguishable)
    if(CONTROL_VERDICT STREQUAL "pass" AND same GREATER 0)
      continue()
    endif()
    string(JSON trials LENGTH "${full}" cases ${c} negative_controls ${k} trial_results)
    math(EXPR last_trial "${trials} - 1")
    foreach(i RANGE ${last_trial})
      string(JSON verdict GET "${full}" cases ${c} negative_controls ${k} trial_results ${i} verdict)
      if(verdict STREQUAL CONTROL_VERDICT AND (NOT found OR i GREATER 0))
        set(found ON)
        set(case_index ${c})
        set(control_index ${k})
        set(trial_index ${i})
        if(i GREATER 0)
          break()
        endif()
      endif()
    endforeach()
    if(found AND trial_index GREATER 0)
      break()
    endif()
  endforeach()
  if(found AND trial_index GREATER 0)
    break()
  endif()
endforeach()
if(NOT found)
  message(FATAL_ERROR "no negative control trial judged '${CONTROL_VERDICT}' in the full run")
endif()
string(JSON id GET "${full}" cases ${case_index} id)
string(JSON control GET "${full}" cases ${case_index} negative_controls ${control_index} id)
string(JSON trial GET "${full}" cases ${case_index} negative_controls ${control_index} trial_results ${trial_index} trial)
string(JSON line GET "${full}" cases ${case_index} negative_controls ${control_index} trial_results ${trial_index}
       reproduce)
message(STATUS "${id}: control ${control} judged ${CONTROL_VERDICT} in trial ${trial}; reproduce: ${line}")
if(CONTROL_VERDICT STREQUAL "pass")
  string(JSON description GET "${full}" cases ${case_index} negative_controls ${control_index} description)
  string(JSON point GET "${full}" cases ${case_index} trial_results ${trial_index} point)
  string(CONCAT expected "negative control ${control} (${description}) ACCEPTED in trial ${trial} (${point})\n"
                "      reproduce: ${line}\n")
  string(FIND "${out}" "${expected}" printed)
  if(printed EQUAL -1)
    message(FATAL_ERROR "the full run did not print\n${expected}\n${out}")
  endif()
  foreach(report IN ITEMS gradcheck.html junit.xml gradcheck.md)
    file(READ "${DIR}/full/${report}" text)
    string(FIND "${text}" "${line}" carried)
    if(carried EQUAL -1)
      message(FATAL_ERROR "${report} does not carry the reproduce line '${line}'")
    endif()
  endforeach()
endif()

# Run the line as printed, with only the report directory added.
separate_arguments(command UNIX_COMMAND "${line}")
list(POP_FRONT command program)
if(NOT program STREQUAL "gradcheck")
  message(FATAL_ERROR "the reproduce line does not start with 'gradcheck': ${line}")
endif()
execute_process(COMMAND "${GRADCHECK}" ${command} --report_dir "${DIR}/one" RESULT_VARIABLE code OUTPUT_VARIABLE out2)
if(code GREATER 1)
  message(FATAL_ERROR "the reproduce line exited ${code}:\n${out2}")
endif()
file(READ "${DIR}/one/gradcheck.json" one)

# Exactly that point and nothing else.
string(JSON n GET "${one}" summary cases)
string(JSON one_id GET "${one}" cases 0 id)
string(JSON n_trials LENGTH "${one}" cases 0 trial_results)
string(JSON one_trial GET "${one}" cases 0 trial_results 0 trial)
if(NOT n EQUAL 1 OR NOT one_id STREQUAL id OR NOT n_trials EQUAL 1 OR NOT one_trial EQUAL trial)
  message(FATAL_ERROR "the reproduce line ran ${n} case(s) (${one_id}) and ${n_trials} trial(s) (first ${one_trial}), "
                      "expected trial ${trial} of ${id} alone")
endif()

# The same numbers: the formula's judgement (with the point drawn) and every control's.
string(JSON a GET "${full}" cases ${case_index} trial_results ${trial_index})
string(JSON b GET "${one}" cases 0 trial_results 0)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "trial ${trial} of ${id} differs:\nfull run: ${a}\nreproduced: ${b}")
endif()
string(JSON point GET "${a}" point)
foreach(k RANGE ${last_control})
  string(JSON a GET "${full}" cases ${case_index} negative_controls ${k} trial_results ${trial_index})
  string(JSON b GET "${one}" cases 0 negative_controls ${k} trial_results 0)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "control ${k} in trial ${trial} of ${id} differs:\nfull run: ${a}\nreproduced: ${b}")
  endif()
endforeach()
string(JSON numbers GET "${full}" cases ${case_index} negative_controls ${control_index} trial_results ${trial_index})
string(JSON analytic GET "${numbers}" analytic)
string(JSON numeric GET "${numbers}" numeric)
string(JSON error GET "${numbers}" error)
string(JSON entry GET "${numbers}" worst_entry)
message(STATUS "re-ran exactly trial ${trial} (${point}) of ${id}: same judgements of the formula and all "
               "${controls} controls; control ${control} at ${entry}: analytic ${analytic}, numeric ${numeric}, "
               "error ${error} in both")
