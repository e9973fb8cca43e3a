# Builds the Debian package of a built gradcheck tree and unpacks it, for the
# CTest tests package.deb.* (src/examples/CMakeLists.txt):
#   cmake -DCPACK=<cpack> -DBUILD_DIR=<build tree> -DCONFIG=<config> -DOUT_DIR=<dir>
#         -DEXPECT_FILES=<paths under /usr, ;-separated> -P build_deb.cmake
# OUT_DIR is emptied, the .deb written there (cpack -G DEB), unpacked with
# dpkg-deb -x (no system install) into OUT_DIR/root, and the files every user
# needs are required in it; the package's fields and contents are printed.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "${what}: `${shown}` exited ${rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}")
run("building the package" "${CPACK}" -G DEB -C "${CONFIG}" --config "${BUILD_DIR}/CPackConfig.cmake" -B "${OUT_DIR}")
file(GLOB debs "${OUT_DIR}/*.deb")
list(LENGTH debs count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "cpack wrote ${count} .deb files in ${OUT_DIR}, expected one: ${debs}")
endif()

run("reading the package's fields" dpkg-deb --field "${debs}" Package Version Architecture Depends)
message(STATUS "${debs}:\n${out}")
# The -dev packages a user of the CMake package needs, and the CLI's shared
# libraries as dpkg-shlibdeps found them.
foreach(dependency IN ITEMS libeigen3-dev libfmt-dev libboost-dev libboost-program-options)
  if(NOT out MATCHES "Depends:[^\n]*${dependency}")
    message(FATAL_ERROR "the package does not depend on ${dependency}:\n${out}")
  endif()
endforeach()
run("listing the package" dpkg-deb --contents "${debs}")
message(STATUS "contents:\n${out}")

run("unpacking the package" dpkg-deb -x "${debs}" "${OUT_DIR}/root")
foreach(path IN LISTS EXPECT_FILES)
  if(NOT EXISTS "${OUT_DIR}/root/usr/${path}")
    message(FATAL_ERROR "the package has no /usr/${path}")
  endif()
endforeach()
