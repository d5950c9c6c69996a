# SPDX-License-Identifier: MIT
#
# ctest fixture: a plain configure of SOURCE_DIR (every default: tests, examples and the tool on),
# then `cmake --install --prefix PREFIX` with nothing built. The header-only library must install
# (the tool's rule is OPTIONAL) and the install must say that the tool was not built; the tool
# must not be in the prefix. OPTIONS: '|'-separated -D options (the Hyperscan switch only).
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/common.cmake")

file(REMOVE_RECURSE "${BUILD_DIR}" "${PREFIX}")
lm_configure_args(configure)
lm_run("configure logmetrics with the defaults" COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BUILD_DIR}"
    ${configure} ${OPTIONS})
file(STRINGS "${BUILD_DIR}/CMakeCache.txt" tools REGEX "^LOGMETRICS_BUILD_TOOLS:BOOL=")
if(NOT tools MATCHES "=ON$")
    message(FATAL_ERROR "a plain configure should leave the tool on (${tools}): this test needs it")
endif()
if(EXISTS "${BUILD_DIR}/tools/logmetrics/logmetrics" OR EXISTS "${BUILD_DIR}/tools/logmetrics/logmetrics.exe")
    message(FATAL_ERROR "the tool exists in ${BUILD_DIR} although nothing was built")
endif()

lm_build_args(build)
lm_run("install, nothing built" COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" ${build} --prefix "${PREFIX}"
    OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(NOT out MATCHES "the logmetrics tool was not built")
    message(FATAL_ERROR "the install did not say that the tool was not built")
endif()
foreach(file IN ITEMS include/logmetrics/logmetrics.hpp share/cmake/logmetrics/logmetricsConfig.cmake
                      share/pkgconfig/logmetrics.pc)
    if(NOT EXISTS "${PREFIX}/${file}")
        message(FATAL_ERROR "the install into ${PREFIX} has no ${file}")
    endif()
endforeach()
file(GLOB installed_tool "${PREFIX}/bin/logmetrics*")
if(installed_tool)
    message(FATAL_ERROR "a tool was installed although none was built: ${installed_tool}")
endif()
