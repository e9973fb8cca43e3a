# Included by the CTest scripts run as `cmake -D... -P script.cmake -- COMMAND ARGS...`:
# sets `command` to the list after "--".
set(command)
set(in_command OFF)
foreach(i RANGE ${CMAKE_ARGC})
  if(in_command)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(in_command ON)
  endif()
endforeach()
