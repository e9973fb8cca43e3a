# Fails unless FILE is a complete gradcheck JSON report (parses, has a summary).
#   cmake -DFILE=reports/gradcheck.json -P json_well_formed.cmake
file(READ "${FILE}" text)
string(JSON verdict ERROR_VARIABLE error GET "${text}" summary verdict)
if(error)
  message(FATAL_ERROR "${FILE}: ${error}")
endif()
