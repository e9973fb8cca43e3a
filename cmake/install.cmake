# Install rules and the CMake package of gradcheck (included from the top-level
# CMakeLists.txt when GRADCHECK_INSTALL is ON). As fmt does, the same export set
# is written twice:
#   - installed:  <prefix>/lib/cmake/gradcheck/  for find_package(gradcheck) against an install;
#   - build tree: <build>/gradcheck-config.cmake  for -Dgradcheck_DIR=<build>, without installing.
# The consumer project in src/examples/consumer is built against the installed
# package by the CTest test `package.consumer`, and against the Debian package
# (cmake/package.cmake) unpacked by `package.deb.consumer`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GRADCHECK_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/gradcheck" CACHE STRING
    "Where to install gradcheck's CMake package files (relative to the prefix)")
mark_as_advanced(GRADCHECK_CMAKE_DIR)

# INCLUDES DESTINATION adds include/ to the exported target's interface even if
# ${CMAKE_INSTALL_INCLUDEDIR} was still empty when src/CMakeLists.txt wrote its
# $<INSTALL_INTERFACE:...> (GNUInstallDirs is included here, after src/).
install(TARGETS gradcheck gradcheck_word2vec gradcheck_cli
  EXPORT gradcheck-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT gradcheck_development
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT gradcheck_runtime
          NAMELINK_COMPONENT gradcheck_development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT gradcheck_runtime
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The checker's headers (gradcheck/detail/ too: check.hpp's templates call it)
# and the word2vec target's, side by side in include/gradcheck/.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/src/include/gradcheck" "${PROJECT_SOURCE_DIR}/src/word2vec/include/gradcheck"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT gradcheck_development
  FILES_MATCHING PATTERN "*.hpp")

# gradcheck links fmt::fmt and Boost::headers PRIVATE, but a static library
# still lists them as $<LINK_ONLY:...> in its link interface: the config file
# find_dependency()s them (and Eigen3, which is PUBLIC).
install(EXPORT gradcheck-targets
  NAMESPACE gradcheck::
  FILE gradcheck-targets.cmake
  DESTINATION ${GRADCHECK_CMAKE_DIR}
  COMPONENT gradcheck_development)

export(EXPORT gradcheck-targets
  NAMESPACE gradcheck::
  FILE "${PROJECT_BINARY_DIR}/gradcheck-targets.cmake")

# One generated config serves both trees: it only includes the targets file
# next to itself, so no PATH_VARS are needed.
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/gradcheck-config.cmake.in"
  "${PROJECT_BINARY_DIR}/gradcheck-config.cmake"
  INSTALL_DESTINATION ${GRADCHECK_CMAKE_DIR})

write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/gradcheck-config-version.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)

install(FILES
  "${PROJECT_BINARY_DIR}/gradcheck-config.cmake"
  "${PROJECT_BINARY_DIR}/gradcheck-config-version.cmake"
  DESTINATION ${GRADCHECK_CMAKE_DIR}
  COMPONENT gradcheck_development)

# The shipped fixture: the CLI reads it when run from an install.
install(FILES "${PROJECT_SOURCE_DIR}/fixtures/derivations.cfg"
  DESTINATION ${CMAKE_INSTALL_DATADIR}/gradcheck
  COMPONENT gradcheck_runtime)
