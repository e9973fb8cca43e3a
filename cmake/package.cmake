# The Debian package of gradcheck: `cpack -G DEB` in the build tree, after the
# build, writes gradcheck_<version>_<arch>.deb with everything the install
# rules (cmake/install.cmake) install: the `gradcheck` CLI and its fixture, the
# headers, the static libraries (gradcheck::gradcheck, gradcheck::word2vec) and
# the CMake package. One package, not a lib/-dev split: the library is static,
# so a user of it needs the headers and the -dev packages anyway. docs/install.md
# tells users how to install and use it; the CTest tests package.deb.* build it,
# unpack it with dpkg-deb -x and build the consumer example against the unpacked
# tree (src/examples/CMakeLists.txt).
set(GRADCHECK_PACKAGE_CONTACT "gradcheck maintainers <maintainers@users.noreply.b-seed-3627a601.example>"
    CACHE STRING "The Maintainer field of the Debian package")
mark_as_advanced(GRADCHECK_PACKAGE_CONTACT)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gradcheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "${GRADCHECK_PACKAGE_CONTACT}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # gradcheck_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; cpack indents these lines.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Compares closed-form gradients and Jacobians of C++ loss code with finite
differences under a documented pass condition. Contains the gradcheck
command-line tool, the static C++ library with its headers, and the CMake
package for find_package(gradcheck): targets gradcheck::gradcheck and
gradcheck::word2vec.")
# What a user of the CMake package needs: gradcheck-config.cmake
# find_dependency()s Eigen3 (public), fmt and Boost's headers (in the static
# library's link interface) and Threads. The CLI's shared libraries
# (libboost-program-options, libfmt, libstdc++) are added by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libeigen3-dev (>= 3.3), libfmt-dev, libboost-dev (>= 1.74)")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libboost-test-dev, libgtest-dev")

# `cpack --config CPackSourceConfig.cmake` (make package_source) must not pack
# build trees or the repository's history.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")

include(CPack)
